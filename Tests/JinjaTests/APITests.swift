import JSON
import Testing
@testable import Jinja

/// The public API the tokenize stage uses: chat contexts from JSON, generation spans as
/// byte ranges, error types.
@Suite struct APITests {
    @Test func jsonMessagesBecomeTemplateValues() throws {
        let messages = try JSONParser.parse(#"[{"role": "user", "content": "hi", "n": 2, "x": 1.5, "ok": true, "tags": ["a"]}]"#)
        let template = try JinjaTemplate(source: "{% for m in messages %}{{ m.role }}|{{ m.content }}|{{ m.n + 1 }}|{{ m.x }}|{{ m.ok }}|{{ m.tags }}{% endfor %}")
        let text = try template.render(chat: try ChatTemplateContext(messages: messages)).text
        #expect(text == "user|hi|3|1.5|True|['a']")
    }

    @Test func messagesThatAreNotAnArrayAreRejected() throws {
        #expect(throws: JinjaError.self) { try ChatTemplateContext(messages: try JSONParser.parse(#"{"role": "user"}"#)) }
    }

    @Test func chatContextPassesTokensToolsAndFlags() throws {
        let template = try JinjaTemplate(source: "{{ bos_token }}{{ tools }}{{ documents }}{{ add_generation_prompt }}{{ enable_thinking }}{{ eos_token }}")
        let chat = ChatTemplateContext(messages: [], addGenerationPrompt: true, specialTokens: ["bos_token": "<s>", "eos_token": "</s>"],
                                       extra: ["enable_thinking": false])
        #expect(try template.render(chat: chat).text == "<s>NoneNoneTrueFalse</s>")
    }

    @Test func noneValuedKeysAreDroppedAndReasoningIsAliased() throws {
        let messages = try JSONParser.parse(#"[{"role": "assistant", "content": null, "reasoning": "why"}]"#)
        let template = try JinjaTemplate(source: "{% for m in messages %}{{ m.content is defined }}|{{ m.thinking }}|{{ m.reasoning_content }}|{{ m|list }}{% endfor %}")
        let text = try template.render(chat: try ChatTemplateContext(messages: messages)).text
        #expect(text == "False|why|why|['thinking', 'role', 'reasoning', 'reasoning_content']")
    }

    @Test func generationSpansAreUTF8ByteRanges() throws {
        let template = try JinjaTemplate(source: "é{% generation %}😀x{% endgeneration %}y{% generation %}{% endgeneration %}")
        let rendering = try template.render(context: [:])
        #expect(rendering.text == "é😀xy")
        #expect(rendering.generationSpans == [2..<7, 8..<8])
        #expect(rendering.generationCharacterSpans == [1..<3, 4..<4])
        let bytes = Array(rendering.text.utf8)
        #expect(String(decoding: bytes[rendering.generationSpans[0]], as: UTF8.self) == "😀x")
    }

    @Test func generationInsideASetBlockIsPlacedAsTransformersPlacesIt() throws {
        // transformers counts only the top-level output so far ("xé", 3 bytes), not "yy".
        let template = try JinjaTemplate(source: "xé{% set s %}yy{% generation %}ab{% endgeneration %}{% endset %}{{ s }}")
        let rendering = try template.render(context: [:])
        #expect(rendering.text == "xéyyab")
        #expect(rendering.generationSpans == [3..<5])
    }

    @Test func raiseExceptionIsItsOwnErrorType() throws {
        let template = try JinjaTemplate(source: "{{ raise_exception('roles must alternate') }}")
        #expect(throws: TemplateException(message: "roles must alternate")) { try template.render(context: [:]) }
    }

    @Test func strftimeUsesTheGivenDate() throws {
        let template = try JinjaTemplate(source: "{{ strftime_now('%A %d %B %Y, %j') }}")
        #expect(try template.render(context: [:], date: JinjaDate(year: 2024, month: 2, day: 29)).text == "Thursday 29 February 2024, 060")
        #expect(try template.render(context: [:], date: JinjaDate(year: 2000, month: 1, day: 1)).text == "Saturday 01 January 2000, 001")
    }

    @Test func impossibleDatesAreRejected() throws {
        let template = try JinjaTemplate(source: "{{ strftime_now('%d') }}")
        for date in [JinjaDate(year: 2025, month: 2, day: 29), JinjaDate(year: 2026, month: 13, day: 1),
                     JinjaDate(year: 2026, month: 1, day: 1, hour: 24)] {
            #expect(throws: JinjaError.self) { try template.render(context: [:], date: date) }
        }
    }

    @Test func aTemplateRendersConcurrently() async throws {
        let template = try JinjaTemplate(source: "{% for m in messages %}{{ m }}{% endfor %}")
        try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<8 {
                group.addTask { try template.render(context: ["messages": .list([.int(i), .int(i)])]).text }
            }
            var results: [String] = []
            for try await text in group { results.append(text) }
            #expect(Set(results) == Set((0..<8).map { "\($0)\($0)" }))
        }
    }

    @Test func valuesPrintLikePython() {
        #expect(PythonRepr.float(1e16) == "1e+16")
        #expect(PythonRepr.float(9.5e15) == "9500000000000000.0")
        #expect(PythonRepr.float(0.0001) == "0.0001")
        #expect(PythonRepr.float(0.00001) == "1e-05")
        #expect(PythonRepr.float(-1.5e-7) == "-1.5e-07")
        #expect(PythonRepr.repr(.string("it's")) == "\"it's\"")
        #expect(PythonRepr.repr(.tuple([.int(1)])) == "(1,)")
    }
}
