/// A Parquet file opened for reading. Opening reads and validates only the footer; rows
/// are read one row group at a time, for the projected columns only, so memory is bounded
/// by one row group. Safe to share across threads.
///
///     let file = try ParquetFile(path: "train_prefs-00000-of-00001.parquet")
///     let columns = try file.projection(["prompt", "chosen", "score_chosen"])
///     for group in 0..<file.rowGroupCount {
///         for row in try file.readRowGroup(group, columns) { … row["prompt"] … }
///     }
public final class ParquetFile: Sendable {
    public let path: String
    public let schema: ParquetSchema
    public let numRows: Int64
    public let keyValueMetadata: [KeyValue]
    public let createdBy: String?
    public let formatVersion: Int32
    public let fileSize: Int64
    public let limits: ParquetReadLimits

    private let source: FileSource
    private let rowGroups: [RowGroupMetadata]
    /// Column chunks must end before the footer starts.
    private let dataEnd: Int64

    public init(path: String, limits: ParquetReadLimits = .default) throws(ParquetError) {
        self.path = path
        self.limits = limits
        let source = try asParquetError { try FileSource(path: path) }
        self.source = source
        fileSize = source.size
        let (metadata, footerStart) = try asParquetError { try Self.readFooter(source, limits: limits) }
        dataEnd = footerStart
        schema = try asParquetError { try ParquetSchema(elements: metadata.schema) }
        numRows = metadata.numRows
        keyValueMetadata = metadata.keyValueMetadata
        createdBy = metadata.createdBy
        formatVersion = metadata.version
        rowGroups = metadata.rowGroups
        try asParquetError { try Self.validate(metadata, schema: schema, limits: limits) }
    }

    public var rowGroupCount: Int { rowGroups.count }

    public func rowCount(ofRowGroup index: Int) -> Int64 { rowGroups[index].numRows }

    /// The file-wide index of the row group's first row (for provenance: "row 12345").
    public func firstRowIndex(ofRowGroup index: Int) -> Int64 {
        rowGroups.prefix(index).reduce(0) { $0 + $1.numRows }
    }

    /// The value stored under `key` in the footer's key-value metadata.
    public func metadataValue(forKey key: String) -> String? {
        keyValueMetadata.first { $0.key == key }?.value
    }

    /// The compression codec of each leaf column in the first row group (for display).
    public var codecs: [CompressionCodec] { rowGroups.first?.columns.map(\.codec) ?? [] }

    /// Selects top-level columns by name (in the order given); nil selects every column.
    public func projection(_ columns: [String]? = nil) throws(ParquetError) -> ParquetProjection {
        try ParquetProjection(schema: schema, columns: columns)
    }

    /// Reads one row group as rows of the projected top-level columns.
    public func readRowGroup(_ index: Int, _ projection: ParquetProjection) throws(ParquetError) -> [ParquetRecord] {
        guard rowGroups.indices.contains(index) else {
            throw ParquetError("row group \(index) does not exist (the file has \(rowGroups.count))")
        }
        let group = rowGroups[index]
        return try asParquetError {
            let columns = try readLeaves(projection.leaves, group: group, groupIndex: index)
            var assembler = RecordAssembler(columns: columns, names: projection.leaves.map(\.dottedPath))
            return try locating(rowGroup: index) { try assembler.assembleRows(projection.fields, rowCount: Int(group.numRows)) }
        }
    }

    public func readRowGroup(_ index: Int, columns: [String]? = nil) throws(ParquetError) -> [ParquetRecord] {
        try readRowGroup(index, try projection(columns))
    }

    /// Calls `body` with each row group's rows in turn (projection resolved once).
    public func forEachRowGroup(columns: [String]? = nil, _ body: (_ index: Int, _ rows: [ParquetRecord]) throws -> Void) throws {
        let selected = try projection(columns)
        for index in 0..<rowGroupCount { try body(index, try readRowGroup(index, selected)) }
    }

    /// Decodes the leaf columns concurrently: they are independent until assembly.
    private func readLeaves(_ leaves: [SchemaNode], group: RowGroupMetadata, groupIndex: Int) throws -> [LeafColumnData] {
        try concurrentMap(leaves.count, parallel: true) { i in
            Result { try readLeaf(leaves[i], group: group, groupIndex: groupIndex) }
        }.map { try $0.get() }
    }

    private func readLeaf(_ leaf: SchemaNode, group: RowGroupMetadata, groupIndex: Int) throws -> LeafColumnData {
        guard let leafIndex = leaf.leafIndex else { throw ParquetError("internal: \(leaf.dottedPath) is not a leaf") }
        let chunk = group.columns[leafIndex]
        return try locating(column: leaf.dottedPath, rowGroup: groupIndex) {
            if let external = chunk.filePath {
                throw ParquetError("column chunk stored in another file (\(external)) is not supported")
            }
            let reader = try ColumnChunkReader(leaf: leaf, chunk: chunk, limits: limits)
            // Writers give an empty chunk (a row group of no rows) offset 0: nothing to read.
            if chunk.numValues == 0 { return try reader.read(UnsafeRawBufferPointer(start: nil, count: 0), fileOffset: 0) }
            let (start, count) = try reader.byteRange(dataEnd: dataEnd)
            let bytes = try source.read(offset: start, count: count)
            return try bytes.withUnsafeBytes { try reader.read($0, fileOffset: start) }
        }
    }

    /// Whether the file starts and ends with the Parquet magic (for format detection;
    /// opening the file is what validates it).
    public static func hasParquetMagic(path: String) -> Bool {
        guard let source = try? FileSource(path: path), source.size >= 12,
              let head = try? source.read(offset: 0, count: 4), let tail = try? source.read(offset: source.size - 4, count: 4) else { return false }
        return head == magic && (tail == magic || tail == Array("PARE".utf8))
    }

    // MARK: - Footer

    static let magic: [UInt8] = Array("PAR1".utf8)

    private static func readFooter(_ source: FileSource, limits: ParquetReadLimits) throws -> (FileMetadata, Int64) {
        let size = source.size
        guard size >= 12 else { throw ParquetError("file of \(size) bytes is too small to be Parquet (needs at least 12)") }
        guard try source.read(offset: 0, count: 4) == magic else {
            throw ParquetError("not a Parquet file: it does not start with PAR1", byteOffset: 0)
        }
        let tail = try source.read(offset: size - 8, count: 8)
        if Array(tail[4...]) == Array("PARE".utf8) {
            throw ParquetError("encrypted Parquet files (PARE footer) are not supported", byteOffset: size - 4)
        }
        guard Array(tail[4...]) == magic else {
            throw ParquetError("not a Parquet file, or truncated: it does not end with PAR1", byteOffset: size - 4)
        }
        let footerLength = Int64(tail[0]) | Int64(tail[1]) << 8 | Int64(tail[2]) << 16 | Int64(tail[3]) << 24
        guard footerLength <= size - 12 else {
            throw ParquetError("footer length \(footerLength) runs past the start of the file (\(size) bytes); the file is truncated or corrupt",
                               byteOffset: size - 8)
        }
        guard footerLength <= Int64(limits.maxFooterBytes) else {
            throw ParquetError("footer of \(footerLength) bytes exceeds the limit of \(limits.maxFooterBytes)", byteOffset: size - 8)
        }
        let footerStart = size - 8 - footerLength
        let footer = try source.read(offset: footerStart, count: Int(footerLength))
        let metadata = try footer.withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw, baseOffset: footerStart)
            return try FileMetadata.decode(&reader)
        }
        if metadata.encrypted { throw ParquetError("encrypted Parquet files are not supported") }
        return (metadata, footerStart)
    }

    private static func validate(_ metadata: FileMetadata, schema: ParquetSchema, limits: ParquetReadLimits) throws {
        guard metadata.numRows >= 0 else { throw ParquetError("the footer declares \(metadata.numRows) rows") }
        for (index, group) in metadata.rowGroups.enumerated() {
            guard group.numRows >= 0, group.numRows <= Int64(limits.maxValuesPerColumnChunk) else {
                throw ParquetError("row group declares \(group.numRows) rows", rowGroup: index)
            }
            guard group.columns.count == schema.leaves.count else {
                throw ParquetError("row group has \(group.columns.count) column chunks but the schema has \(schema.leaves.count) columns",
                                   rowGroup: index)
            }
            for (leaf, chunk) in zip(schema.leaves, group.columns) where !chunk.path.isEmpty && chunk.path != leaf.path {
                throw ParquetError("column chunk path \(chunk.path.joined(separator: ".")) does not match the schema",
                                   column: leaf.dottedPath, rowGroup: index)
            }
        }
    }
}

/// The top-level columns to read, resolved against the schema once.
public struct ParquetProjection: Sendable {
    public let columnNames: [String]
    let leaves: [SchemaNode]
    let fields: [(name: String, node: AssemblyNode)]

    init(schema: ParquetSchema, columns: [String]?) throws(ParquetError) {
        var selected: [SchemaNode] = []
        if let columns {
            for name in columns where !selected.contains(where: { $0.name == name }) {
                guard let field = schema.fields.first(where: { $0.name == name }) else {
                    throw ParquetError("no column named \"\(name)\" (the file has: \(schema.fieldNames.joined(separator: ", ")))")
                }
                selected.append(field)
            }
        } else {
            selected = schema.fields
        }
        columnNames = selected.map(\.name)
        leaves = selected.flatMap(\.leaves)
        var slots: [Int: Int] = [:]
        for (slot, leaf) in leaves.enumerated() { if let index = leaf.leafIndex { slots[index] = slot } }
        let planner = AssemblyPlanner(leafSlot: slots)
        fields = try asParquetError { try selected.map { (name: $0.name, node: try planner.plan($0)) } }
    }
}
