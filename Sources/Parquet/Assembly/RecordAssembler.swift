/// Rebuilds rows from leaf columns by their repetition and definition levels (Dremel
/// record assembly). Each leaf has a cursor over its level entries and one over its values;
/// a null or empty node consumes exactly one entry of every leaf below it. Every read is
/// bounds-checked, and after the last row every cursor must be at the end of its column, so
/// level counts that disagree are reported instead of trapping or silently misaligning.
struct RecordAssembler {
    private var columns: [LeafColumnData]
    private var entryCursor: [Int]
    private var valueCursor: [Int]
    private let names: [String]

    init(columns: [LeafColumnData], names: [String]) {
        self.columns = columns
        self.names = names
        entryCursor = Array(repeating: 0, count: columns.count)
        valueCursor = Array(repeating: 0, count: columns.count)
    }

    mutating func assembleRows(_ fields: [(name: String, node: AssemblyNode)], rowCount: Int) throws -> [ParquetRecord] {
        var rows: [ParquetRecord] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var record: [ParquetField] = []
            record.reserveCapacity(fields.count)
            for (name, node) in fields {
                if let first = node.leaves.first, try repetition(first) != 0 {
                    throw ParquetError("row \(row) does not start at repetition level 0 in column \(names[first])")
                }
                record.append(ParquetField(name: name, value: try assemble(node)))
            }
            rows.append(ParquetRecord(record))
        }
        for i in columns.indices {
            guard entryCursor[i] == columns[i].entryCount, valueCursor[i] == columns[i].values.count else {
                throw ParquetError("levels disagree: \(rowCount) rows used \(entryCursor[i]) of \(columns[i].entryCount) level entries and \(valueCursor[i]) of \(columns[i].values.count) values", column: names[i])
            }
        }
        return rows
    }

    private mutating func assemble(_ node: AssemblyNode) throws -> ParquetValue {
        switch node {
        case .leaf(let index, let nullable, let level):
            let def = try definition(index)
            entryCursor[index] += 1
            if def < level {
                guard nullable else { throw ParquetError("null in a required position (definition level \(def) < \(level))", column: names[index]) }
                return .null
            }
            guard valueCursor[index] < columns[index].values.count else {
                throw ParquetError("levels call for more values than the column holds", column: names[index])
            }
            defer { valueCursor[index] += 1 }
            return columns[index].values[valueCursor[index]]

        case .record(let fields, let nullable, let level, let leaves):
            if nullable, let first = leaves.first, try definition(first) < level {
                try skipEntry(leaves)
                return .null
            }
            var record: [ParquetField] = []
            record.reserveCapacity(fields.count)
            for (name, child) in fields { record.append(ParquetField(name: name, value: try assemble(child))) }
            return .record(ParquetRecord(record))

        case .list(let element, let shape):
            guard let items = try repeatedItems(shape, { try $0.assemble(element) }) else { return .null }
            return .list(items)

        case .map(let key, let value, let shape):
            let entries = try repeatedItems(shape) { assembler in
                ParquetMapEntry(key: try assembler.assemble(key), value: try assembler.assemble(value))
            }
            guard let entries else { return .null }
            return .map(entries)
        }
    }

    /// The items of one list or map value, or nil when it is null.
    private mutating func repeatedItems<T>(_ shape: RepeatedShape, _ item: (inout RecordAssembler) throws -> T) throws -> [T]? {
        guard let first = shape.leaves.first else { return [] }
        let def = try definition(first)
        if shape.nullable && def < shape.definitionLevel {
            try skipEntry(shape.leaves)
            return nil
        }
        if def < shape.elementLevel {
            try skipEntry(shape.leaves)
            return []
        }
        var items: [T] = []
        while true {
            items.append(try item(&self))
            guard entryCursor[first] < columns[first].entryCount, try repetition(first) == shape.repetitionLevel else { break }
        }
        return items
    }

    private mutating func skipEntry(_ leaves: [Int]) throws {
        for leaf in leaves {
            guard entryCursor[leaf] < columns[leaf].entryCount else {
                throw ParquetError("levels end before the row group's rows do", column: names[leaf])
            }
            entryCursor[leaf] += 1
        }
    }

    private func definition(_ leaf: Int) throws -> Int {
        let position = entryCursor[leaf]
        guard position < columns[leaf].entryCount else {
            throw ParquetError("levels end before the row group's rows do", column: names[leaf])
        }
        return columns[leaf].maxDefinitionLevel == 0 ? 0 : Int(columns[leaf].definitionLevels[position])
    }

    private func repetition(_ leaf: Int) throws -> Int {
        let position = entryCursor[leaf]
        guard position < columns[leaf].entryCount else {
            throw ParquetError("levels end before the row group's rows do", column: names[leaf])
        }
        return columns[leaf].maxRepetitionLevel == 0 ? 0 : Int(columns[leaf].repetitionLevels[position])
    }
}
