import Foundation
import JSON
import Testing
@testable import Tokenizer

/// Renderings against transformers' `apply_chat_template` with the templates model repos ship,
/// and the prompt/response ids against HF ids of the whole text.
@Suite struct ChatTemplateTests {
    /// Fixture family → the tokenizer the golden script encoded its texts with.
    static let tokenizerFor = ["llama3": "llama3", "qwen2": "qwen2", "chatml": "qwen2", "zephyr": "gpt2"]

    static func messages(_ value: JSONValue?) -> [ChatMessage] {
        (value?.arrayValue ?? []).map { ChatMessage(role: $0["role"]!.stringValue!, content: $0["content"]!.stringValue!) }
    }

    static func strings(_ value: JSONValue?) -> [String] { (value?.arrayValue ?? []).map { $0.stringValue! } }

    @Test(arguments: ["llama3", "qwen2", "chatml", "zephyr"])
    func rendersLikeTransformers(_ family: String) throws {
        let template = try ChatTemplate(tokenizerConfig: Fixtures.url("\(family).tokenizer_config.json"))
        let records = try Fixtures.jsonLines("chat.golden.jsonl").filter { $0["family"]?.stringValue == family }
        #expect(records.count == 6)
        for record in records {
            let messages = Self.messages(record["messages"])
            #expect(try template.render(messages) == record["render"]!.stringValue!)
            #expect(try template.render(messages, addGenerationPrompt: true) == record["render_generation"]!.stringValue!)
            let responses = Self.strings(record["responses"])
            for (convention, key) in [(ResponseConvention.trl, "trl"), (.alignmentHandbook, "alignment_handbook")] {
                let rendered = try template.render(prompt: messages, responses: responses, convention: convention)
                #expect(rendered.prompt == record[key]!["prompt"]!.stringValue!, "\(family) \(key)")
                #expect(rendered.responses == Self.strings(record[key]!["responses"]), "\(family) \(key)")
            }
        }
    }

    /// The built-in families are Jinja sources of pref's own; they render what the model
    /// repos' templates render (the transformers goldens), with those models' special tokens.
    @Test(arguments: [("chatml", ChatTemplateFamily.chatml), ("llama3", .llama3), ("zephyr", .zephyr)])
    func builtInFamiliesRenderLikeTheModelTemplates(_ fixture: String, _ family: ChatTemplateFamily) throws {
        let model = try ChatTemplate(tokenizerConfig: Fixtures.url("\(fixture).tokenizer_config.json"))
        let builtIn = ChatTemplate(family: family, specialTokens: model.specialTokens.isEmpty ? nil : model.specialTokens)
        let records = try Fixtures.jsonLines("chat.golden.jsonl").filter { $0["family"]?.stringValue == fixture }
        #expect(records.count == 6)
        for record in records {
            let messages = Self.messages(record["messages"])
            #expect(try builtIn.render(messages) == record["render"]!.stringValue!, "\(family)")
            #expect(try builtIn.render(messages, addGenerationPrompt: true) == record["render_generation"]!.stringValue!, "\(family)")
        }
    }

    @Test func templateErrorsAreClearAndPerConversation() throws {
        // Mistral-style templates raise on roles that do not alternate: an error for that chat alone.
        let mistral = try ChatTemplate(source: """
            {% for m in messages %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}\
            {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}\
            {{ m['content'] }}{% endfor %}
            """, name: "alternating.jinja")
        #expect(throws: ChatTemplateError.self) { try mistral.render([.user("a"), .user("b")]) }
        do {
            _ = try mistral.render([.user("a"), .user("b")])
        } catch {
            guard case .raised(let message) = error else { Issue.record("expected raise_exception, got \(error)"); return }
            #expect(message.contains("alternate"))
        }
        #expect(!(try mistral.render([.user("a"), .assistant("b"), .user("c")]).isEmpty))
        // A template that does not parse names the line and column.
        let bad = #expect(throws: ChatTemplateError.self) { try ChatTemplate(source: "line one\n{% if x %}\n{{ y ", name: "bad.jinja") }
        #expect("\(bad.map { "\($0)" } ?? "")".contains("line 3"))
        // A folder with no template at all says what to pass.
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("pref-no-template-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let missing = #expect(throws: ChatTemplateError.self) { try ChatTemplate(modelFolder: empty) }
        #expect("\(missing.map { "\($0)" } ?? "")".contains("--chat-template"))
    }

    /// prompt + response ids are exactly HF's ids of the whole rendered text, both conventions.
    @Test(arguments: ["llama3", "qwen2", "chatml", "zephyr"])
    func promptResponseIdsConcatenateToHFs(_ family: String) throws {
        let tokenizer = try Fixtures.tokenizer(Self.tokenizerFor[family]!)
        for record in try Fixtures.jsonLines("chat.golden.jsonl") where record["family"]?.stringValue == family {
            for key in ["trl", "alignment_handbook"] {
                let part = record[key]!
                let prompt = part["prompt"]!.stringValue!
                let ids = tokenizer.encode(prompt: prompt, responses: Self.strings(part["responses"]))
                let expected = part["ids"]!.arrayValue!.map(Fixtures.ids)
                for (i, response) in ids.responses.enumerated() {
                    #expect(ids.prompt + response == expected[i], "\(family) \(key) #\(i)")
                }
                #expect(ids.prompt == Array(tokenizer.encode(prompt, addSpecialTokens: false).prefix(ids.prompt.count)))
            }
        }
    }

    /// A pre-token spanning the join: " th" + "e" encode as " the".
    @Test func tokensStraddlingTheJoinGoToTheResponse() throws {
        let tokenizer = try Fixtures.tokenizer("gpt2")
        let prompt = "The answer is th", response = "e end"
        #expect(tokenizer.tokenToId("Ġthe") != nil)
        let ids = tokenizer.encode(prompt: prompt, responses: [response, " plain"])
        let alone = tokenizer.encode(prompt, addSpecialTokens: false)
        #expect(ids.prompt + ids.responses[0] == tokenizer.encode(prompt + response, addSpecialTokens: false))
        #expect(ids.prompt + ids.responses[1] == tokenizer.encode(prompt + " plain", addSpecialTokens: false))
        #expect(ids.prompt.count < alone.count)  // " th" is not kept: " the" spans the join
        #expect(tokenizer.decode(ids.responses[0]) == " the end")
        #expect(tokenizer.decode(ids.prompt) == "The answer is")
    }

    @Test func specialTokensAttachToPromptAndResponse() throws {
        let tokenizer = try Fixtures.tokenizer("options")  // <s> $A </s>
        let ids = tokenizer.encode(prompt: "question", responses: ["answer"], addSpecialTokens: true)
        #expect(ids.prompt.first == tokenizer.tokenToId("<s>"))
        #expect(ids.responses[0].last == tokenizer.tokenToId("</s>"))
        #expect(!ids.prompt.contains(tokenizer.tokenToId("</s>")!))
    }
}
