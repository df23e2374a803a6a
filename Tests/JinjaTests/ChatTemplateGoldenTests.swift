import Foundation
import JSON
import Testing
@testable import Jinja

/// The real chat templates in ../shared/data/chat_templates against transformers'
/// `render_jinja_template` on dataset and constructed conversations, byte for byte.
@Suite struct ChatTemplateGoldenTests {
    static let templateNames = ["alpaca", "chatml", "deepseek_v3", "gemma", "llama3", "mistral_v1", "mistral_v2v3",
                                "phi_3", "qwen3", "qwen_25", "smollm2"]
    static let rows = SharedRows()

    /// The conversation a golden used: inline messages, then dataset rows, then UltraChat turns.
    static func messages(_ record: JSONValue) throws -> [JSONValue] {
        var messages = record["messages"]?.arrayValue ?? []
        for reference in record["rows"]?.arrayValue ?? [] {
            let parts = reference.arrayValue ?? []
            let row = try rows.row(parts[0].stringValue!, parts[1].intValue!)
            messages += row[parts[2].stringValue!]?.arrayValue ?? []
        }
        if let path = record["ultrachat"]?.stringValue {
            let data = try Data(contentsOf: Goldens.sharedData.appendingPathComponent(path))
            let turns = try JSONParser.parse(Array(data))["data"]?.arrayValue ?? []
            for (i, turn) in turns.enumerated() {
                messages.append(.object(JSONObject([("role", .string(i % 2 == 0 ? "user" : "assistant")), ("content", turn)])))
            }
        }
        if let drop = record["drop_last"]?.intValue { messages.removeLast(drop) }
        return messages
    }

    static func chat(_ record: JSONValue) throws -> ChatTemplateContext {
        var tokens: [String: String] = [:]
        for (key, value) in record["special_tokens"]?.objectValue?.pairs ?? JSONObject().pairs { tokens[key] = value.stringValue }
        return try ChatTemplateContext(messages: .array(try messages(record)),
                                   addGenerationPrompt: record["add_generation_prompt"]?.boolValue ?? false,
                                   specialTokens: tokens, tools: record["tools"],
                                   extra: Goldens.context(record["extra"]), date: Goldens.date(record["date"]))
    }

    @Test(.enabled(if: hasSharedData, "../shared/data is absent: the real chat templates and conversations live there"),
          arguments: templateNames)
    func rendersLikeTransformers(_ name: String) throws {
        let source = try String(contentsOf: Goldens.sharedData.appendingPathComponent("chat_templates/\(name).jinja"), encoding: .utf8)
        let records = try Goldens.records("templates.golden.jsonl").filter { $0["template"]?.stringValue == name }
        #expect(records.count >= 40)
        let template = try JinjaTemplate(source: source)
        for record in records {
            let label = "\(name) \(record["case"]!.stringValue!) agp=\(record["add_generation_prompt"]!.boolValue!)"
            let outcome = Result { try template.render(chat: try Self.chat(record)) }
            if let expected = Goldens.expectedFailure(record["error"]) {
                switch outcome {
                case .success(let rendering): Issue.record("\(label): rendered \(rendering.text.debugDescription), transformers raised \(expected)")
                case .failure(let error):
                    #expect(Goldens.failure(of: error) == expected, "\(label): \(error)")
                    #expect(Goldens.message(of: error) == record["error"]?["message"]?.stringValue, "\(label)")
                }
            } else {
                #expect(try outcome.get().text == record["text"]!.stringValue!, "\(label)")
            }
        }
    }

    @Test(.enabled(if: hasSharedData, "../shared/data is absent: the real chat templates live there"))
    func goldensCoverEveryTemplate() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Goldens.sharedData.appendingPathComponent("chat_templates").path)
        #expect(Set(files.filter { $0.hasSuffix(".jinja") }.map { String($0.dropLast(6)) }) == Set(Self.templateNames))
    }
}
