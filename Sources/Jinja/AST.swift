/// The parsed template: statements (`Node`) holding expressions (`Expr`), evaluated directly.

indirect enum Expr: Sendable {
    case literal(JinjaValue)
    case name(String)
    case list([Expr])
    case tuple([Expr])
    case dict([(Expr, Expr)])
    case attribute(Expr, String)
    case item(Expr, Expr)
    case slice(Expr, start: Expr?, stop: Expr?, step: Expr?)
    case call(Expr, Arguments)
    case filter(Expr, name: String, Arguments, offset: Int)
    case test(Expr, name: String, Arguments, negated: Bool, offset: Int)
    case negate(Expr)
    case plus(Expr)
    case not(Expr)
    case binary(BinaryOperator, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case concat([Expr])
    case compare(Expr, [(CompareOperator, Expr)])
    case conditional(test: Expr, then: Expr, otherwise: Expr?)

    struct Arguments: Sendable {
        var positional: [Expr] = []
        var keyword: [(String, Expr)] = []
        var star: Expr?
        var doubleStar: Expr?
    }
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//", modulo = "%", power = "**"
}

enum CompareOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case isIn = "in", notIn = "not in"
}

/// What `{% set %}` and `{% for %}` bind to.
indirect enum AssignTarget: Sendable {
    case name(String)
    case tuple([AssignTarget])
    /// `ns.attr`: an attribute of a namespace object.
    case namespaceAttribute(String, String)
}

struct FilterCall: Sendable {
    var name: String
    var arguments: Expr.Arguments
    var offset: Int
}

final class MacroDefinition: @unchecked Sendable {
    let name: String
    let parameters: [String]
    /// Default expressions for the trailing parameters, evaluated at call time.
    let defaults: [String: Expr]
    let body: [Node]

    init(name: String, parameters: [String], defaults: [String: Expr], body: [Node]) {
        self.name = name
        self.parameters = parameters
        self.defaults = defaults
        self.body = body
    }
}

struct ForLoop: Sendable {
    var target: AssignTarget
    var iterable: Expr
    var condition: Expr?
    var body: [Node]
    var otherwise: [Node]
    /// `{% for ... recursive %}`: the body may call `loop(items)` to render items one level down.
    var recursive: Bool
}

indirect enum Node: Sendable {
    case text(String)
    case output(Expr, offset: Int)
    case conditional([(Expr, [Node])], otherwise: [Node], offset: Int)
    case forLoop(ForLoop, offset: Int)
    case assign(AssignTarget, Expr, offset: Int)
    case assignBlock(AssignTarget, filters: [FilterCall], body: [Node], offset: Int)
    case macro(MacroDefinition)
    /// `{% call(params) macro(args) %}body{% endcall %}`: the body becomes the macro's `caller`.
    case callBlock(call: Expr, caller: MacroDefinition, offset: Int)
    case filterBlock(filters: [FilterCall], body: [Node], offset: Int)
    /// transformers' `{% generation %}`: renders its body and reports where that text landed.
    case generation([Node])
    /// `{% with a = x, b = y %}`: values evaluated outside, bound in a scope of the body's own.
    case with([(AssignTarget, Expr)], body: [Node], offset: Int)
    case breakLoop
    case continueLoop
}
