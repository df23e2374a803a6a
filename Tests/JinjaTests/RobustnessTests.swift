import Testing
@testable import Jinja

/// Hostile or broken templates end in an error, never a trap: values cannot nest without
/// bound, namespaces cannot chain objects, widths and counts are bounded, and random token
/// soup only ever raises the engine's own errors.
@Suite struct RobustnessTests {
    func failure(_ source: String, _ limits: JinjaLimits = JinjaLimits()) -> Error? {
        do {
            _ = try JinjaTemplate(source: source, limits: limits).render(context: ["messages": [["role": "user", "content": "hi"]]])
            return nil
        } catch {
            return error
        }
    }

    @Test func repeatedWrappingStopsAtTheValueDepthLimit() {
        let source = "{% set a = 1 %}" + String(repeating: "{% set a = [a] %}", count: 2000) + "{{ a|length }}"
        #expect((failure(source) as? JinjaError)?.kind == .limit)
        let shallow = "{% set a = 1 %}" + String(repeating: "{% set a = [a] %}", count: 50) + "{{ a|length }}"
        #expect(failure(shallow) == nil)
    }

    @Test func wrappingThroughFiltersAndDictsIsCountedToo() {
        let source = "{% set a = 1 %}" + String(repeating: "{% set a = dict(x=a)|items|list %}", count: 400)
        #expect((failure(source) as? JinjaError)?.kind == .limit)
    }

    @Test func namespacesHoldPlainDataOnly() {
        let sources = [
            "{% set a = namespace() %}{% set b = namespace() %}{% set a.x = b %}",
            "{% set a = namespace() %}{% set a.x = [a] %}",
            "{% macro m() %}{% endmacro %}{% set a = namespace() %}{% set a.f = m %}",
            "{% set a = namespace(inner=namespace()) %}",
        ]
        for source in sources { #expect((failure(source) as? JinjaError)?.kind == .security, "\(source)") }
        #expect(failure("{% set a = namespace(l=[1, {'k': (2, 'x')}]) %}{% set a.m = messages|map(attribute='role') %}{{ a.l }}") == nil)
    }

    @Test func hugeWidthsAreRefused() {
        for source in ["{{ 'x'.zfill(10**12) }}", "{{ 'x'|indent(10**12) }}", "{{ 'x'.center(10**12) }}",
                       "{{ 'x'.ljust(10**12) }}", "{{ [1]|batch(10**12, 0)|list }}", "{{ {}|tojson(indent=10**12) }}"] {
            #expect((failure(source) as? JinjaError)?.kind == .limit, "\(source)")
        }
    }

    @Test func deepContextDataPrintsAndSerialises() throws {
        // As deep as the JSON parser lets input nest.
        var value: JinjaValue = .string("leaf")
        for _ in 0..<512 { value = .list([value]) }
        let text = try JinjaTemplate(source: "{{ x }}|{{ x|tojson }}|{{ x == x }}|{{ x|string|length }}").render(context: ["x": value]).text
        let expected = String(repeating: "[", count: 512) + "'leaf'" + String(repeating: "]", count: 512)
        let json = String(repeating: "[", count: 512) + "\"leaf\"" + String(repeating: "]", count: 512)
        #expect(text == "\(expected)|\(json)|True|\(expected.count)")
    }

    /// A deterministic generator (Knuth's MMIX LCG), so a failure can be replayed.
    struct Picker {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static let fragments = [
        "{%", "%}", "{{", "}}", "{#", "#}", "{%-", "-%}", "{{-", "-}}", " ", "\n", "if", "elif", "else", "endif", "for",
        "in", "endfor", "set", "endset", "macro", "endmacro", "call", "endcall", "raw", "endraw", "generation",
        "endgeneration", "break", "continue", "x", "messages", "m", "loop", "ns", "namespace(a=1)", "range(3)", "(", ")",
        "[", "]", "{", "}", ",", ":", ".", "|", "~", "+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", ">", "=",
        "not", "and", "or", "is", "defined", "none", "true", "'s'", "\"q\\n\"", "'", "\"", "\\", "0", "-1", "9223372036854775807",
        "1.5e308", "length", "join", "map", "select", "tojson", "indent", "trim", "items", "default", "round", "int",
        "raise_exception('boom')", "strftime_now('%d')", "[::-1]", "[0]", ".role", ".strip()", ".split()", "😀", "\t",
    ]

    @Test func randomTokenSoupNeverTraps() {
        var random = Picker(state: 0x5EED)
        let limits = JinjaLimits(maxSteps: 20_000, maxOutputBytes: 1 << 16, maxCallDepth: 8)
        var rendered = 0, rejected = 0
        for _ in 0..<3000 {
            let count = Int(random.next() % 24) + 1
            let source = (0..<count).map { _ in random.pick(Self.fragments) }.joined()
            switch failure(source, limits) {
            case nil: rendered += 1
            case let error?:
                #expect(error is JinjaError || error is TemplateException, "\(source.debugDescription): \(error)")
                rejected += 1
            }
        }
        #expect(rendered > 100)
        #expect(rejected > 100)
    }

    @Test func randomWellFormedTemplatesNeverTrap() {
        var random = Picker(state: 42)
        let expressions = ["x", "messages", "messages[0]", "m.role", "loop.index", "ns.a", "range(5)", "'abc'", "[1, 'a', none]",
                           "{'k': [1, 2]}", "x * 3", "x ~ 'y'", "x|length", "messages|map(attribute='content')|list",
                           "x|tojson", "x is defined", "x[::-1]", "-x", "x // 0", "x % 2", "x.split('b')", "x|int + 1"]
        let statements = ["{{ E }}", "{% if E %}a{% else %}b{% endif %}", "{% for m in E %}{{ loop.index }}{{ m }}{% endfor %}",
                          "{% set x = E %}", "{% set ns.a = E %}", "{% for q in E %}{% if loop.last %}{% break %}{% endif %}{% endfor %}",
                          "{% macro f(v) %}{{ v }}{% endmacro %}{{ f(E) }}", "{% generation %}{{ E }}{% endgeneration %}"]
        let limits = JinjaLimits(maxSteps: 50_000, maxOutputBytes: 1 << 16)
        for _ in 0..<1500 {
            var source = "{% set ns = namespace(a=0) %}{% set x = 'abc' %}"
            for _ in 0..<Int(random.next() % 6 + 1) {
                source += random.pick(statements).replacingOccurrences(of: "E", with: random.pick(expressions))
            }
            if let error = failure(source, limits) {
                #expect(error is JinjaError || error is TemplateException, "\(source): \(error)")
            }
        }
    }
}
