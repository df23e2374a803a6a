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
        let template = try ChatTemplate(contentsOf: Fixtures.url("\(family).tokenizer_config.json"))
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

    @Test func detectsFamiliesAndDefaults() throws {
        let qwen = try ChatTemplate(contentsOf: Fixtures.url("qwen2.tokenizer_config.json"))
        #expect(qwen == ChatTemplate(family: .chatml, defaultSystemPrompt: "You are a helpful assistant."))
        #expect(try ChatTemplate(contentsOf: Fixtures.url("chatml.tokenizer_config.json")).defaultSystemPrompt == nil)
        let llama = try ChatTemplate(contentsOf: Fixtures.url("llama3.tokenizer_config.json"))
        #expect(llama.family == .llama3 && llama.bosToken == "<|begin_of_text|>")
        #expect(try ChatTemplate(contentsOf: Fixtures.url("zephyr.tokenizer_config.json")).family == .zephyr)
    }

    @Test func unsupportedTemplatesNameTheFamilies() {
        #expect { try ChatTemplate(contentsOf: Fixtures.url("mistral.tokenizer_config.json")) } throws: { error in
            "\(error)".contains("chatml, llama3, zephyr")
        }
        #expect(throws: TokenizerError.self) {
            try ChatTemplate.detect(chatTemplate: "{{ '<|im_start|>' }}{% if tools %}{{ tools }}{% endif %}")
        }
        #expect(throws: TokenizerError.self) { try ChatTemplate(tokenizerConfig: .object(JSONObject())) }
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

    @Test func pythonStripMatchesStrStrip() {
        #expect(ChatTemplate.pythonStrip(" \t\u{1C}x y\u{3000}\n") == "x y")
        #expect(ChatTemplate.pythonStrip("\u{200B}x") == "\u{200B}x")  // zero-width space is not space
        #expect(ChatTemplate.pythonStrip(" \n ") == "")
    }
}
