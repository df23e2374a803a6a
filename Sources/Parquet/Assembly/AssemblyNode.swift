/// How to rebuild one schema node's values from leaf columns: the Dremel record-assembly
/// plan, with LIST and MAP annotations (including the legacy two-level list forms) already
/// resolved. `leaves` are indices into the row group's projected leaf data; the first one
/// is the "representative" whose levels decide nulls and list boundaries for the node.
indirect enum AssemblyNode: Sendable {
    /// A primitive value; null when its definition level is below `definitionLevel`.
    case leaf(index: Int, nullable: Bool, definitionLevel: Int)
    case record(fields: [(name: String, node: AssemblyNode)], nullable: Bool, definitionLevel: Int, leaves: [Int])
    /// `definitionLevel` is where the list itself is defined (non-null); `elementLevel` is
    /// the repeated node's level, below which the list is empty.
    case list(element: AssemblyNode, shape: RepeatedShape)
    case map(key: AssemblyNode, value: AssemblyNode, shape: RepeatedShape)

    var leaves: [Int] {
        switch self {
        case .leaf(let index, _, _): [index]
        case .record(_, _, _, let leaves): leaves
        case .list(_, let shape), .map(_, _, let shape): shape.leaves
        }
    }
}

struct RepeatedShape: Sendable {
    var nullable: Bool
    var definitionLevel: Int
    var elementLevel: Int
    var repetitionLevel: Int
    var leaves: [Int]
}

/// Builds assembly plans from the schema tree. `leafSlot` maps a schema leaf index to its
/// position in the projected leaf data.
struct AssemblyPlanner {
    let leafSlot: [Int: Int]

    func plan(_ node: SchemaNode) throws -> AssemblyNode {
        if node.repetition == .repeated {
            // A bare repeated field (no LIST annotation): a non-null list of required items.
            let element = try planRequired(node)
            return .list(element: element, shape: shape(nullable: false, outer: node, repeated: node))
        }
        return try planAnnotated(node)
    }

    /// Plans `node` ignoring its own repetition (the element of a list it defines).
    private func planRequired(_ node: SchemaNode) throws -> AssemblyNode {
        if node.isLeaf { return .leaf(index: try slot(node), nullable: false, definitionLevel: node.definitionLevel) }
        return try planRecord(node, nullable: false)
    }

    private func planAnnotated(_ node: SchemaNode) throws -> AssemblyNode {
        let nullable = node.repetition == .optional
        if node.isLeaf { return .leaf(index: try slot(node), nullable: nullable, definitionLevel: node.definitionLevel) }
        if node.children.count == 1, node.children[0].repetition == .repeated {
            let repeated = node.children[0]
            if node.isMapAnnotated, !repeated.isLeaf, (1...2).contains(repeated.children.count) {
                let key = try plan(repeated.children[0])
                let shape = shape(nullable: nullable, outer: node, repeated: repeated)
                // A key_value group without a value field is a list of keys, as pyarrow reads it.
                guard repeated.children.count == 2 else { return .list(element: key, shape: shape) }
                return .map(key: key, value: try plan(repeated.children[1]), shape: shape)
            }
            if node.isListAnnotated {
                return .list(element: try planListElement(list: node, repeated: repeated),
                             shape: shape(nullable: nullable, outer: node, repeated: repeated))
            }
        }
        return try planRecord(node, nullable: nullable)
    }

    /// The backward-compatibility rules of the LIST annotation (LogicalTypes.md): a
    /// LIST-annotated repeated group is itself the element, a required list (a list of lists,
    /// as pyarrow reads it); so is a repeated primitive, a repeated group with several fields,
    /// or a one-field group named `array` or `<list>_tuple` (two-level form); otherwise the
    /// repeated group's only child is the element (three-level form, child `element` or `item`).
    private func planListElement(list: SchemaNode, repeated: SchemaNode) throws -> AssemblyNode {
        if !repeated.isLeaf, repeated.isListAnnotated { return try planAnnotated(repeated) }
        if repeated.isLeaf || repeated.children.count > 1 || repeated.name == "array" || repeated.name == list.name + "_tuple" {
            return try planRequired(repeated)
        }
        return try plan(repeated.children[0])
    }

    private func planRecord(_ node: SchemaNode, nullable: Bool) throws -> AssemblyNode {
        let fields = try node.children.map { (name: $0.name, node: try plan($0)) }
        return .record(fields: fields, nullable: nullable, definitionLevel: node.definitionLevel,
                       leaves: fields.flatMap(\.node.leaves))
    }

    private func shape(nullable: Bool, outer: SchemaNode, repeated: SchemaNode) -> RepeatedShape {
        RepeatedShape(nullable: nullable, definitionLevel: outer.definitionLevel, elementLevel: repeated.definitionLevel,
                      repetitionLevel: repeated.repetitionLevel, leaves: repeated.leaves.compactMap { $0.leafIndex.flatMap { leafSlot[$0] } })
    }

    private func slot(_ node: SchemaNode) throws -> Int {
        guard let index = node.leafIndex, let slot = leafSlot[index] else {
            throw ParquetError("internal: leaf \(node.dottedPath) is not among the projected columns")
        }
        return slot
    }
}
