/// Splits rows into leaf columns (Dremel record shredding): the inverse of
/// `RecordAssembler`, driven by the same `AssemblyNode` plans, so every shape the reader
/// assembles — three- and two-level lists, maps, structs, bare repeated fields — writes back
/// to the levels it was read from.
struct RowShredder: Sendable {
    let fields: [(name: String, node: AssemblyNode)]
    let encoders: [LeafValueEncoder]

    init(schema: ParquetSchema) throws {
        let projection = try ParquetProjection(schema: schema, columns: nil)
        fields = projection.fields
        encoders = schema.leaves.map { LeafValueEncoder($0.element) }
    }

    /// Appends field `field` of each row to the leaf buffers it owns. Rows are matched to the
    /// schema by field name (in schema order, the fast path).
    func shred(field: Int, of rows: ArraySlice<ParquetRecord>, into buffers: UnsafeMutableBufferPointer<LeafBuffer>) throws(ShreddingError) {
        let (name, node) = fields[field]
        for (offset, row) in rows.enumerated() {
            let value = field < row.fields.count && row.fields[field].name == name ? row.fields[field].value : row[name] ?? .null
            do {
                try put(value, node, repetition: 0, into: buffers)
            } catch {
                throw error.inside(name).at(row: rows.startIndex + offset)
            }
        }
    }

    /// Names the first field of `row` that the schema lacks, if any.
    func unknownField(in row: ParquetRecord) -> String? { Self.unknownName(in: row, fields: fields) }

    private func put(_ value: ParquetValue, _ node: AssemblyNode, repetition: UInt8,
                     into buffers: UnsafeMutableBufferPointer<LeafBuffer>) throws(ShreddingError) {
        switch node {
        case .leaf(let index, let nullable, let level):
            if value.isNull {
                guard nullable else { throw ShreddingError("null in a required field") }
                buffers[index].appendLevels(repetition: repetition, definition: UInt8(level - 1))
                return
            }
            try encoders[index].append(value, to: &buffers[index].values)
            buffers[index].appendLevels(repetition: repetition, definition: UInt8(level))

        case .record(let fields, let nullable, let level, let leaves):
            if value.isNull {
                guard nullable else { throw ShreddingError("null in a required struct") }
                for leaf in leaves { buffers[leaf].appendLevels(repetition: repetition, definition: UInt8(level - 1)) }
                return
            }
            guard case .record(let record) = value else { throw ShreddingError("expected a struct, got \(value.caseDescription)") }
            if let extra = Self.unknownName(in: record, fields: fields) {
                throw ShreddingError("the struct has a field \"\(extra)\" that the schema lacks")
            }
            for (i, (name, child)) in fields.enumerated() {
                let fieldValue = i < record.fields.count && record.fields[i].name == name ? record.fields[i].value : record[name] ?? .null
                do { try put(fieldValue, child, repetition: repetition, into: buffers) } catch { throw error.inside(name) }
            }

        case .list(let element, let shape):
            guard case .list(let items) = value else { return try putNull(value, "list", shape, repetition: repetition, into: buffers) }
            try putItems(items, shape, repetition: repetition, into: buffers) { item, level throws(ShreddingError) in
                try put(item, element, repetition: level, into: buffers)
            }

        case .map(let key, let valueNode, let shape):
            guard case .map(let entries) = value else { return try putNull(value, "map", shape, repetition: repetition, into: buffers) }
            try putItems(entries, shape, repetition: repetition, into: buffers) { entry, level throws(ShreddingError) in
                try put(entry.key, key, repetition: level, into: buffers)
                try put(entry.value, valueNode, repetition: level, into: buffers)
            }
        }
    }

    /// A list or map value's items: the first continues the enclosing repetition level, the
    /// rest repeat at the list's own; an empty value is one entry at the element level below.
    private func putItems<T>(_ items: [T], _ shape: RepeatedShape, repetition: UInt8, into buffers: UnsafeMutableBufferPointer<LeafBuffer>,
                             _ putItem: (T, UInt8) throws(ShreddingError) -> Void) throws(ShreddingError) {
        if items.isEmpty {
            for leaf in shape.leaves { buffers[leaf].appendLevels(repetition: repetition, definition: UInt8(shape.elementLevel - 1)) }
            return
        }
        for (i, item) in items.enumerated() {
            do { try putItem(item, i == 0 ? repetition : UInt8(shape.repetitionLevel)) } catch { throw error.inside("[\(i)]") }
        }
    }

    /// A list or map position holding something other than a list or map: null, if allowed.
    private func putNull(_ value: ParquetValue, _ kind: String, _ shape: RepeatedShape, repetition: UInt8,
                         into buffers: UnsafeMutableBufferPointer<LeafBuffer>) throws(ShreddingError) {
        guard value.isNull else { throw ShreddingError("expected a \(kind), got \(value.caseDescription)") }
        guard shape.nullable else { throw ShreddingError("null in a required \(kind)") }
        for leaf in shape.leaves { buffers[leaf].appendLevels(repetition: repetition, definition: UInt8(shape.definitionLevel - 1)) }
    }

    private static func unknownName(in record: ParquetRecord, fields: [(name: String, node: AssemblyNode)]) -> String? {
        if record.fields.count <= fields.count, zip(record.fields, fields).allSatisfy({ $0.name == $1.name }) { return nil }
        return record.fields.first { field in !fields.contains { $0.name == field.name } }?.name
    }
}

/// A row that does not fit the schema: what is wrong, where in the row, and which row.
struct ShreddingError: Error {
    var message: String
    /// Field names and list indices from the top-level column down, e.g. `messages[2].role`.
    var path = ""
    var row: Int?

    init(_ message: String) { self.message = message }

    func inside(_ component: String) -> ShreddingError {
        var copy = self
        let joiner = path.isEmpty || path.hasPrefix("[") ? "" : "."
        copy.path = component + joiner + path
        return copy
    }

    func at(row: Int) -> ShreddingError {
        var copy = self
        copy.row = row
        return copy
    }
}
