import Foundation
import JSON
import Testing
@testable import Jinja

/// The tokenizer_config.json templates already in fixtures/tokenizer (written from
/// transformers by scripts/tokenizer-golden.py) render their chat goldens exactly here too.
@Suite struct TokenizerFixtureTests {
    static let directory = Goldens.packageRoot.appendingPathComponent("fixtures/tokenizer")
    /// Golden family → the tokenizer_config.json its template came from.
    static let configs = ["llama3": "llama3", "qwen2": "qwen2", "chatml": "chatml", "zephyr": "zephyr"]

    /// The special tokens transformers passes: string or AddedToken content, never None.
    static func specialTokens(_ config: JSONValue) -> [String: String] {
        var tokens: [String: String] = [:]
        for (key, value) in config.objectValue?.pairs ?? JSONObject().pairs where key.hasSuffix("_token") {
            if let text = value.stringValue ?? value["content"]?.stringValue { tokens[key] = text }
        }
        return tokens
    }

    @Test(arguments: configs.keys.sorted())
    func rendersTheTokenizerChatGoldens(_ family: String) throws {
        let config = try JSONParser.parse(Array(Data(contentsOf: Self.directory.appendingPathComponent("\(Self.configs[family]!).tokenizer_config.json"))))
        let template = try JinjaTemplate(source: try #require(config["chat_template"]?.stringValue))
        let records = try Goldens.jsonLines(Self.directory.appendingPathComponent("chat.golden.jsonl")).filter { $0["family"]?.stringValue == family }
        #expect(records.count >= 6)
        for record in records {
            for (addGenerationPrompt, key) in [(false, "render"), (true, "render_generation")] {
                let chat = try ChatTemplateContext(messages: record["messages"]!, addGenerationPrompt: addGenerationPrompt,
                                               specialTokens: Self.specialTokens(config))
                #expect(try template.render(chat: chat).text == record[key]!.stringValue!, "\(family) \(key)")
            }
        }
    }
}
