/// Checks a read value against its key's kind, the one rule for files and flags alike.
enum RecipeTyping {
    static func check(_ value: RecipeValue, for key: RecipeKey, origin: RecipeOrigin) throws(RecipeError) -> RecipeValue {
        func wrong() -> RecipeError { .wrongType(origin: origin, key: key, expected: key.expected, found: describe(value)) }
        if value == .null {
            guard key.nullable else { throw wrong() }
            return .null
        }
        switch key.kind {
        case .int:
            if case .int = value { return value }
            // HF's num_train_epochs is a float; a whole number written as 1.0 is still whole.
            if case .double(let d) = value, d.rounded() == d, let i = Int(exactly: d) { return .int(i) }
            throw wrong()
        case .double:
            if case .double = value { return value }
            if case .int(let i) = value { return .double(Double(i)) }
            throw wrong()
        case .bool:
            if case .bool = value { return value }
            throw wrong()
        case .string:
            switch value {
            case .string: return value
            // Plain scalars such as `output_dir: 2024` are names, not numbers.
            case .int(let i): return .string(String(i))
            default: throw wrong()
            }
        case .choice(let values):
            guard case .string(let text) = value else { throw wrong() }
            guard values.contains(text) else {
                let note = key == .lossType ? " (TRL's \(text) loss is not implemented in pref: sigmoid is DPO, and DPO-Shift's λ keys generalise it)" : ""
                throw .invalid(origin: origin, key: key, reason: "'\(text)' is not one of \(values.joined(separator: ", "))" + note)
            }
            return value
        }
    }

    static func describe(_ value: RecipeValue) -> String {
        switch value {
        case .int(let i): "the integer \(i)"
        case .double(let d): "the number \(d)"
        case .string(let s): "the string \(RecipeScalar.quoted(s))"
        case .bool(let b): "\(b)"
        case .null: "null"
        }
    }
}
