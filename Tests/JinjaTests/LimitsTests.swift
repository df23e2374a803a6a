import Testing
@testable import Jinja

/// Errors carry positions, and runaway templates stop with a `.limit` error instead of
/// running forever, exhausting memory or overflowing the stack.
@Suite struct LimitsTests {
    func jinjaError(_ work: () throws -> Void) -> JinjaError? {
        do {
            try work()
            return nil
        } catch {
            return error as? JinjaError
        }
    }

    /// The error a render of `source` under `limits` ends with.
    func renderError(_ source: String, _ limits: JinjaLimits = JinjaLimits()) -> JinjaError? {
        jinjaError { _ = try JinjaTemplate(source: source, limits: limits).render(context: [:]) }
    }

    @Test func parseErrorNamesLineAndColumn() {
        let error = jinjaError { _ = try JinjaTemplate(source: "line one\n{{ 1 + }}") }
        #expect(error?.kind == .syntax)
        #expect(error?.line == 2)
        #expect(error?.column == 8)
    }

    @Test func unclosedBlockReportsWhereTheTemplateEnds() {
        let error = jinjaError { _ = try JinjaTemplate(source: "a\nb {% if x %}\nc") }
        #expect(error?.kind == .syntax)
        #expect(error?.line == 3)
        #expect(error?.message.contains("endif") == true)
    }

    @Test func unknownTagIsASyntaxErrorAtTheTag() {
        let error = jinjaError { _ = try JinjaTemplate(source: "ok\n  {{ x }} {% frobnicate %}") }
        #expect(error?.kind == .syntax)
        #expect(error?.line == 2)
        #expect(error?.column == 14)
    }

    @Test func runtimeErrorsCarryTheStatementLine() throws {
        let error = renderError("first\n\n{{ 'a' + 1 }}")
        #expect(error?.kind == .type)
        #expect(error?.line == 3)
    }

    @Test func stepLimitStopsLongLoops() throws {
        let source = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
        let error = renderError(source, JinjaLimits(maxSteps: 20_000))
        #expect(error?.kind == .limit)
    }

    @Test func stepLimitAllowsWorkBelowIt() throws {
        let template = try JinjaTemplate(source: "{% for i in range(100) %}.{% endfor %}", limits: JinjaLimits(maxSteps: 1_000))
        #expect(try template.render(context: [:]).text.count == 100)
    }

    @Test func outputLimitStopsLargeOutput() throws {
        let source = "{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}"
        let error = renderError(source, JinjaLimits(maxOutputBytes: 100_000))
        #expect(error?.kind == .limit)
    }

    @Test func doublingAStringHitsTheSizeLimitNotMemory() throws {
        let source = "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
        let error = renderError(source, JinjaLimits(maxOutputBytes: 1 << 20))
        #expect(error?.kind == .limit)
    }

    @Test func doublingAListHitsTheSizeLimit() throws {
        let source = "{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}"
        let error = renderError(source, JinjaLimits(maxOutputBytes: 1 << 20))
        #expect(error?.kind == .limit)
    }

    @Test func hugeRepetitionIsRefusedBeforeAllocating() throws {
        let error = renderError("{{ ('x' * 1000000000000)|length }}{{ ([0] * 1000000000000)|length }}")
        #expect(error?.kind == .limit)
    }

    @Test func deeplyNestedExpressionsAreRejected() {
        let source = "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}"
        let error = jinjaError { _ = try JinjaTemplate(source: source) }
        #expect(error?.kind == .limit)
        #expect(error?.line == 1)
    }

    @Test func deeplyNestedStatementsAreRejected() {
        let source = String(repeating: "{% if true %}", count: 5000) + "x" + String(repeating: "{% endif %}", count: 5000)
        let error = jinjaError { _ = try JinjaTemplate(source: source) }
        #expect(error?.kind == .limit)
    }

    @Test func deepNotChainsAndNegationsAreRejected() {
        for prefix in ["not ", "-"] {
            let source = "{{ " + String(repeating: prefix, count: 5000) + "1 }}"
            let error = jinjaError { _ = try JinjaTemplate(source: source) }
            #expect(error?.kind == .limit, "\(prefix)")
        }
    }

    @Test func nestingBelowTheLimitParses() throws {
        let source = "{{ " + String(repeating: "(", count: 20) + "1" + String(repeating: ")", count: 20) + " }}"
        #expect(try JinjaTemplate(source: source).render(context: [:]).text == "1")
    }

    @Test func unboundedMacroRecursionStops() throws {
        let error = renderError("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")
        #expect(error?.kind == .limit)
    }

    @Test func aRecursiveLoopOverItselfStops() {
        let error = renderError("{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}")
        #expect(error?.kind == .limit)
    }

    @Test func boundedMacroRecursionRuns() throws {
        let source = "{% macro count(n) %}{% if n > 0 %}{{ n }} {{ count(n - 1) }}{% endif %}{% endmacro %}{{ count(30) }}"
        let text = try JinjaTemplate(source: source).render(context: [:]).text
        #expect(text.hasPrefix("30 29 28"))
        #expect(text.hasSuffix("2 1 "))
    }
}
