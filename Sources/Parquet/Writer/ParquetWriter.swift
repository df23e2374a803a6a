/// Writes a Parquet file from rows streamed in batches. Rows are `ParquetRecord`s, the
/// reader's own representation, matched to the schema by field name; row groups are cut by
/// row count or buffered bytes; the file appears at `path` only when `close()` succeeds.
///
///     let message = ParquetDataType.structure([ParquetColumn("content", .string), ParquetColumn("role", .string)])
///     let schema = try ParquetWriterSchema([
///         ParquetColumn("prompt", .string),
///         ParquetColumn("messages", .list(message)),
///         ParquetColumn("score", .float),
///     ])
///     let options = ParquetWriterOptions(compression: .zstd, keyValueMetadata: [KeyValue("pref.settings", settingsJSON)])
///     let writer = try ParquetWriter(path: "out.parquet", schema: schema, options: options)
///     try writer.write(rows: rows)   // [ParquetRecord], as ParquetFile.readRowGroup returns them
///     try writer.close()
///
/// A row that does not fit the schema throws an error naming the row and the column
/// (`row 12: expected a string, got int(5) in column messages[1].role`); the writer is then
/// failed: later calls throw, and no file is left behind.
public final class ParquetWriter {
    public let schema: ParquetWriterSchema
    public let options: ParquetWriterOptions
    public var path: String { file.path }
    /// Rows accepted so far.
    public private(set) var rowCount = 0

    private let file: AtomicFile
    private let shredder: RowShredder
    private let chunkWriters: [ColumnChunkWriter]
    private var buffers: [LeafBuffer]
    private var bufferedRows = 0
    private var rowGroups: [WrittenRowGroup] = []
    private var failure: ParquetError?
    private var closed = false

    public init(path: String, schema: ParquetWriterSchema, options: ParquetWriterOptions = ParquetWriterOptions()) throws(ParquetError) {
        try options.validate()
        self.schema = schema
        self.options = options
        shredder = try asParquetError { try RowShredder(schema: schema.tree) }
        chunkWriters = schema.tree.leaves.map { ColumnChunkWriter(leaf: $0, options: options) }
        buffers = schema.tree.leaves.map { LeafBuffer(leaf: $0) }
        file = try AtomicFile(path: path)
        try file.append(ParquetFile.magic)
    }

    /// Appends rows; row groups that fill up are written out.
    public func write(rows: [ParquetRecord]) throws(ParquetError) {
        try checkUsable()
        var start = 0
        while start < rows.count {
            // Slices bound the overshoot of the byte limit and keep row groups exact in rows.
            let end = min(rows.count, start + min(options.rowGroupRows - bufferedRows, 512))
            do {
                try shred(rows[start..<end])
            } catch {
                throw fail(error)
            }
            bufferedRows += end - start
            rowCount += end - start
            start = end
            if bufferedRows >= options.rowGroupRows || buffers.reduce(0, { $0 + $1.byteCount }) >= options.rowGroupBytes {
                try flushRowGroup()
            }
        }
    }

    /// Writes the last row group and the footer, and moves the file into place.
    @discardableResult
    public func close() throws(ParquetError) -> ParquetWriteSummary {
        try checkUsable()
        closed = true
        do {
            if bufferedRows > 0 { try flushRowGroup() }
            let footer = FooterEncoding(schema: schema.elements, leafCount: buffers.count, numRows: Int64(rowCount),
                                        rowGroups: rowGroups, keyValueMetadata: options.keyValueMetadata,
                                        createdBy: options.createdBy).encode()
            try file.append(footer)
            let length = UInt32(footer.count)
            try file.append((0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + ParquetFile.magic)
            try file.commit()
        } catch {
            throw fail(error)
        }
        return ParquetWriteSummary(path: file.path, rows: rowCount, rowGroups: rowGroups.count, bytes: file.offset)
    }

    /// Gives up: removes the temporary file. (Dropping an unclosed writer does the same.)
    public func abort() {
        closed = true
        file.discard()
    }

    /// Marks the writer failed and removes its temporary file; returns `error` to throw.
    private func fail(_ error: ParquetError) -> ParquetError {
        failure = error
        file.discard()
        return error
    }

    private func checkUsable() throws(ParquetError) {
        if let failure { throw ParquetError("the writer failed earlier and wrote nothing: \(failure)") }
        guard !closed else { throw ParquetError("the writer for \(file.path) is already closed") }
    }

    // MARK: - Shredding and row groups

    /// Shreds each top-level field on its own thread: fields own disjoint leaves.
    private func shred(_ rows: ArraySlice<ParquetRecord>) throws(ParquetError) {
        for (i, row) in zip(rows.indices, rows) {
            if let unknown = shredder.unknownField(in: row) {
                throw ParquetError("row \(rowCount + i - rows.startIndex) has a field \"\(unknown)\" that the schema lacks")
            }
        }
        let shredder = self.shredder
        let firstRow = rowCount - rows.startIndex
        let errors: [ShreddingError?] = buffers.withUnsafeMutableBufferPointer { all in
            nonisolated(unsafe) let all = all  // each task touches only its field's leaves
            return concurrentMap(shredder.fields.count, parallel: rows.count >= 64) { field -> ShreddingError? in
                do throws(ShreddingError) {
                    try shredder.shred(field: field, of: rows, into: all)
                    return nil
                } catch {
                    return error
                }
            }
        }
        if let error = errors.compactMap({ $0 }).min(by: { ($0.row ?? 0) < ($1.row ?? 0) }) {
            throw ParquetError("row \(firstRow + (error.row ?? 0)): \(error.message)", column: error.path)
        }
    }

    private func flushRowGroup() throws(ParquetError) {
        let leaves = schema.tree.leaves
        let chunkWriters = self.chunkWriters
        let results: [Result<EncodedColumnChunk, ParquetError>] = buffers.withUnsafeBufferPointer { all in
            nonisolated(unsafe) let all = all
            return concurrentMap(all.count, parallel: all.count > 1) { i in
                Result { () throws(ParquetError) in
                    try asParquetError { try locating(column: leaves[i].dottedPath) { try chunkWriters[i].encode(all[i]) } }
                }
            }
        }
        var columns: [WrittenColumnChunk] = []
        do {
            for (i, result) in results.enumerated() {
                let chunk = try result.get()
                columns.append(WrittenColumnChunk(physicalType: leaves[i].element.physicalType ?? .int32, path: leaves[i].path,
                                                  codec: options.compression, fileOffset: file.offset, chunk: chunk))
                try file.append(chunk.dictionaryPage)
                try file.append(chunk.dataPages)
            }
        } catch {
            throw fail(error)
        }
        rowGroups.append(WrittenRowGroup(columns: columns, numRows: Int64(bufferedRows)))
        for i in buffers.indices { buffers[i].removeAll() }
        bufferedRows = 0
    }
}

/// What `ParquetWriter.close()` wrote.
public struct ParquetWriteSummary: Sendable, Equatable {
    public var path: String
    public var rows: Int
    public var rowGroups: Int
    public var bytes: Int64
}
