import Foundation
import JSON
import Testing
@testable import Tokenizer

/// `pref tokenizer chat`'s lines: parsed, rendered and encoded, written as JSON lines.
@Suite struct ChatLinesTests {
    static func lines(ids: Bool) throws -> ChatLines {
        let template = try ChatTemplate(tokenizerConfig: Fixtures.url("chatml.tokenizer_config.json"))
        return ChatLines(template: template, tokenizer: ids ? try Fixtures.tokenizer("qwen2") : nil, addGenerationPrompt: false)
    }

    static func written(_ outputs: [ChatLines.Output]) -> String {
        var chunks: [[UInt8]] = []
        ChatLines.write(outputs) { chunks.append($0) }
        return String(decoding: chunks.joined(), as: UTF8.self)
    }

    /// Each line is the JSON object the writer of JSONValues gives for the same fields.
    @Test func writesTextIdsAndErrors() throws {
        let input = """
            [{"role": "user", "content": "Hi \\"there\\"\\n\\u00e9"}, {"role": "assistant", "content": "Hello!"}]

            not json
            {"role": "user"}
            """
        let inputs = ChatLines.inputs(of: input)
        #expect(inputs.count == 3)  // the empty line is skipped, and still counted in line numbers
        guard case .notJSON(let message) = inputs[1] else { Issue.record("line 3 parsed"); return }
        #expect(message.hasPrefix("line 3: not JSON"))

        let chat = try Self.lines(ids: true)
        let outputs = chat.render(inputs)
        guard case .rendered(let text, let ids?) = outputs[0] else { Issue.record("\(outputs[0])"); return }
        #expect(ids == chat.tokenizer!.encode(text, addSpecialTokens: false))
        #expect(text == (try chat.template.render([.user("Hi \"there\"\né"), .assistant("Hello!")])))
        guard case .failed = outputs[2] else { Issue.record("a message list that is not a list rendered"); return }

        var expected = JSONWriter.string(.object(JSONObject([("text", .string(text)), ("ids", .array(ids.map { .int(Int64($0)) }))])))
        for output in outputs.dropFirst() {
            guard case .failed(let error) = output else { continue }
            expected += "\n" + JSONWriter.string(.object(JSONObject([("error", .string(error))])))
        }
        #expect(Self.written(outputs) == expected + "\n")
        #expect(Self.written(try Self.lines(ids: false).render(inputs)).hasPrefix(JSONWriter.string(.object(JSONObject([("text", .string(text))]))) + "\n"))
    }

    /// Large outputs reach the sink in several chunks that join to the whole.
    @Test func writesInChunks() throws {
        let outputs = [ChatLines.Output](repeating: .rendered(text: String(repeating: "x", count: 100_000), ids: Array(0..<5000)), count: 40)
        var chunks: [[UInt8]] = []
        ChatLines.write(outputs) { chunks.append($0) }
        #expect(chunks.count > 1)
        let lines = String(decoding: chunks.joined(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 40)
        #expect(try JSONParser.parse(String(lines[39]))["ids"]?.arrayValue?.count == 5000)
    }

    @Test func timingPhases() throws {
        var timing = ChatTiming()
        let n = timing.renderEncode { (0..<200_000).reduce(0, &+) }
        timing.load { _ = n }
        #expect(timing.renderEncodeSeconds > 0 && timing.renderEncodeCPUSeconds >= 0)
        let json = timing.json
        #expect(json.objectValue?.keys == ["load_seconds", "render_encode_seconds", "render_encode_cpu_seconds", "write_seconds"])
        #expect(json["render_encode_seconds"]?.doubleValue ?? -1 >= 0)
    }
}
