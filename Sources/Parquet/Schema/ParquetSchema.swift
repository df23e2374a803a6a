/// A node of the schema tree rebuilt from the footer's depth-first list of `SchemaElement`s,
/// with the definition and repetition levels a reader needs.
public struct SchemaNode: Sendable {
    public let element: SchemaElement
    public let children: [SchemaNode]
    /// Names from the first top-level field down to this node.
    public let path: [String]
    /// The number of optional or repeated nodes from the top level down to and including this one.
    public let definitionLevel: Int
    /// The number of repeated nodes from the top level down to and including this one.
    public let repetitionLevel: Int
    /// For a leaf, its index among the file's leaf columns (the order of column chunks).
    public let leafIndex: Int?

    public var name: String { element.name }
    public var repetition: Repetition { element.repetition ?? .required }
    public var isLeaf: Bool { children.isEmpty && element.physicalType != nil }
    public var dottedPath: String { path.joined(separator: ".") }

    /// Leaves under this node, in column-chunk order.
    public var leaves: [SchemaNode] { isLeaf ? [self] : children.flatMap(\.leaves) }
}

/// The file's schema: the top-level fields and the flat list of leaf columns.
public struct ParquetSchema: Sendable {
    public let root: SchemaNode
    public let leaves: [SchemaNode]

    /// Levels are stored as bytes, so deeper nesting than this is refused.
    static let maxLevel = 255

    public var fields: [SchemaNode] { root.children }
    public var fieldNames: [String] { root.children.map(\.name) }

    init(elements: [SchemaElement]) throws {
        guard let first = elements.first else { throw ParquetError("the schema is empty") }
        var next = 1
        var leafCount = 0
        root = try Self.build(first, elements: elements, next: &next, leafCount: &leafCount, path: [], def: 0, rep: 0, isRoot: true)
        guard next == elements.count else {
            throw ParquetError("the schema lists \(elements.count) elements but its tree uses \(next)")
        }
        leaves = root.leaves
    }

    private static func build(_ element: SchemaElement, elements: [SchemaElement], next: inout Int, leafCount: inout Int,
                              path: [String], def: Int, rep: Int, isRoot: Bool) throws -> SchemaNode {
        let path = isRoot ? [] : path + [element.name]
        var def = def, rep = rep
        if !isRoot {
            switch element.repetition ?? .required {
            case .required: break
            case .optional: def += 1
            case .repeated: def += 1; rep += 1
            }
        }
        guard def <= maxLevel, path.count <= maxLevel else {
            throw ParquetError("schema nesting deeper than \(maxLevel) levels at \(path.joined(separator: "."))")
        }
        let childCount = Int(element.numChildren ?? 0)
        if childCount == 0 && !isRoot {
            guard element.physicalType != nil else {
                throw ParquetError("schema element \(path.joined(separator: ".")) has neither a type nor children")
            }
            if element.physicalType == .fixedLenByteArray {
                guard let length = element.typeLength, length > 0 else {
                    throw ParquetError("FIXED_LEN_BYTE_ARRAY column \(path.joined(separator: ".")) has no positive type_length")
                }
            }
            defer { leafCount += 1 }
            return SchemaNode(element: element, children: [], path: path, definitionLevel: def, repetitionLevel: rep, leafIndex: leafCount)
        }
        guard childCount >= 0, childCount <= elements.count - next else {
            throw ParquetError("schema element \(isRoot ? "(root)" : path.joined(separator: ".")) claims \(childCount) children but only \(elements.count - next) elements remain")
        }
        var children: [SchemaNode] = []
        children.reserveCapacity(childCount)
        for _ in 0..<childCount {
            // Earlier siblings' subtrees may have used up the list.
            guard next < elements.count else {
                throw ParquetError("schema element \(isRoot ? "(root)" : path.joined(separator: ".")) claims more children than the schema lists")
            }
            let child = elements[next]
            next += 1
            children.append(try build(child, elements: elements, next: &next, leafCount: &leafCount, path: path, def: def, rep: rep, isRoot: false))
        }
        return SchemaNode(element: element, children: children, path: path, definitionLevel: def, repetitionLevel: rep, leafIndex: nil)
    }
}

extension SchemaNode {
    var isListAnnotated: Bool { element.logicalType == .list || element.convertedType == .list }
    var isMapAnnotated: Bool {
        element.logicalType == .map || element.convertedType == .map || element.convertedType == .mapKeyValue
    }
}
