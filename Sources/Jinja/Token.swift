/// One lexical token of a template.
struct Token {
    enum Kind: Equatable {
        case data, blockBegin, blockEnd, variableBegin, variableEnd
        case name, string, integer, float, op
        case endOfTemplate
    }

    var kind: Kind
    /// Data text, a name, an unescaped string literal or an operator's spelling.
    var text: String = ""
    var integer = 0
    var float = 0.0
    /// Offset in Unicode scalars into the normalized source, for error positions.
    var offset: Int

    func isName(_ name: String) -> Bool { kind == .name && text == name }
    func isOp(_ op: String) -> Bool { kind == .op && text == op }

    /// How jinja2 names a token in "expected ..., got ..." messages.
    var describe: String {
        switch kind {
        case .data: "template data"
        case .blockBegin: "begin of statement block"
        case .blockEnd: "end of statement block"
        case .variableBegin: "begin of print statement"
        case .variableEnd: "end of print statement"
        case .name, .op: text
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .endOfTemplate: "end of template"
        }
    }
}

/// Maps scalar offsets of the normalized source to 1-based line and column.
struct SourcePositions {
    private var lineStarts: [Int] = [0]

    init(_ source: [Unicode.Scalar]) {
        for (i, scalar) in source.enumerated() where scalar == "\n" { lineStarts.append(i + 1) }
    }

    func position(of offset: Int) -> (line: Int, column: Int) {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return (low + 1, offset - lineStarts[low] + 1)
    }
}

/// Python's `str.isspace` (and the `\s` class of its regular expressions).
func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
    default: false
    }
}
