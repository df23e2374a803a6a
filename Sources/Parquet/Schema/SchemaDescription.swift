extension ParquetSchema: CustomStringConvertible {
    /// The schema in the message syntax of parquet-mr and pyarrow's `ParquetSchema`:
    /// `optional group messages (LIST) { repeated group list { … } }`.
    public var description: String {
        var lines = ["message \(root.name.isEmpty ? "schema" : root.name) {"]
        for field in fields { Self.describe(field, indent: 1, into: &lines) }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    private static func describe(_ node: SchemaNode, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: "  ", count: indent)
        let repetition = switch node.repetition {
        case .required: "required"
        case .optional: "optional"
        case .repeated: "repeated"
        }
        let annotation = annotationText(node.element).map { " (\($0))" } ?? ""
        if node.isLeaf, let type = node.element.physicalType {
            let width = type == .fixedLenByteArray ? "(\(node.element.typeLength ?? 0))" : ""
            lines.append("\(pad)\(repetition) \(type)\(width) \(node.name)\(annotation);")
        } else {
            lines.append("\(pad)\(repetition) group \(node.name)\(annotation) {")
            for child in node.children { describe(child, indent: indent + 1, into: &lines) }
            lines.append("\(pad)}")
        }
    }

    private static func annotationText(_ element: SchemaElement) -> String? {
        if let logical = element.logicalType {
            switch logical {
            case .string: return "STRING"
            case .map: return "MAP"
            case .list: return "LIST"
            case .enumeration: return "ENUM"
            case .json: return "JSON"
            case .bson: return "BSON"
            case .uuid: return "UUID"
            case .float16: return "FLOAT16"
            case .unknown: return "NULL"
            case .date: return "DATE"
            case .decimal(let scale, let precision): return "DECIMAL(\(precision),\(scale))"
            case .time(let utc, let unit): return "TIME(\(unit),\(utc ? "UTC" : "local"))"
            case .timestamp(let utc, let unit): return "TIMESTAMP(\(unit),\(utc ? "UTC" : "local"))"
            case .integer(let width, let signed): return "INT(\(width),\(signed))"
            case .other(let id): return "logical type #\(id)"
            }
        }
        return element.convertedType.map { "\($0)".uppercased() }
    }
}
