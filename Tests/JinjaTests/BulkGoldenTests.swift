import Foundation
import JSON
import Testing
@testable import Jinja

/// Every ultrafeedback_binarized test row through every real template (whole conversation, and
/// the prompt with a generation prompt), checked by length and FNV-1a hash against transformers.
@Suite struct BulkGoldenTests {
    static func fnv1a64(_ text: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    @Test func hashMatchesPythonFNV() {
        // Reference values computed with the golden script's fnv1a64.
        #expect(Self.fnv1a64("") == "cbf29ce484222325")
        #expect(Self.fnv1a64("a") == "af63dc4c8601ec8c")
    }

    @Test(.enabled(if: hasSharedData, "../shared/data is absent: the templates and ultrafeedback rows live there"),
          arguments: ChatTemplateGoldenTests.templateNames)
    func everyTestRowRendersLikeTransformers(_ name: String) throws {
        let source = try String(contentsOf: Goldens.sharedData.appendingPathComponent("chat_templates/\(name).jinja"), encoding: .utf8)
        let template = try JinjaTemplate(source: source)
        let rows = try Goldens.jsonLines(Goldens.sharedData.appendingPathComponent("ultrafeedback_binarized/test_prefs.jsonl"))
        let records = try Goldens.records("bulk.golden.jsonl").filter { $0["t"]?.stringValue == name }
        #expect(records.count == 2 * rows.count)
        let tokens = (try Goldens.records("templates.golden.jsonl").first { $0["template"]?.stringValue == name })?["special_tokens"]
        var specialTokens: [String: String] = [:]
        for (key, value) in tokens?.objectValue?.pairs ?? JSONObject().pairs { specialTokens[key] = value.stringValue }
        var mismatches = 0
        for record in records {
            let prompt = record["prompt"]!.boolValue!
            var messages = rows[record["row"]!.intValue!]["messages"]!.arrayValue!
            if prompt { messages.removeLast() }
            let chat = try ChatTemplateContext(messages: .array(messages), addGenerationPrompt: prompt, specialTokens: specialTokens)
            let text = try template.render(chat: chat).text
            if text.utf8.count != record["bytes"]!.intValue! || Self.fnv1a64(text) != record["fnv"]!.stringValue! {
                mismatches += 1
                Issue.record("\(name) row \(record["row"]!.intValue!) prompt=\(prompt): \(text.utf8.count) bytes, hash \(Self.fnv1a64(text))")
            }
        }
        #expect(mismatches == 0)
    }
}
