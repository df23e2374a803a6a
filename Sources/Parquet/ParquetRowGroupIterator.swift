import Dispatch

/// Streams a file's row groups in order, decoding the next row group on another thread
/// while the caller works on the current one. At most two row groups are in memory.
///
///     var groups = try file.rowGroups(columns: ["prompt", "chosen"])
///     while let rows = try groups.next() { … }
public struct ParquetRowGroupIterator {
    public let file: ParquetFile
    public let projection: ParquetProjection
    private var nextIndex = 0
    private var pending: PendingRowGroup?

    init(file: ParquetFile, projection: ParquetProjection) {
        self.file = file
        self.projection = projection
    }

    /// The index of the row group the next call to `next()` returns.
    public var index: Int { nextIndex }

    /// The next row group's rows, or nil after the last one.
    public mutating func next() throws(ParquetError) -> [ParquetRecord]? {
        guard nextIndex < file.rowGroupCount else { return nil }
        let current = pending ?? PendingRowGroup(file: file, index: nextIndex, projection: projection)
        nextIndex += 1
        pending = nextIndex < file.rowGroupCount ? PendingRowGroup(file: file, index: nextIndex, projection: projection) : nil
        return try current.wait()
    }
}

extension ParquetFile {
    /// Row groups of the named top-level columns (all when nil), prefetched one ahead.
    public func rowGroups(columns: [String]? = nil) throws(ParquetError) -> ParquetRowGroupIterator {
        ParquetRowGroupIterator(file: self, projection: try projection(columns))
    }
}

/// One row group being decoded on a global queue.
private final class PendingRowGroup: @unchecked Sendable {
    // Written once by the worker before `done` is signalled, read after waiting on it.
    private var result: Result<[ParquetRecord], ParquetError>?
    private let done = DispatchSemaphore(value: 0)

    init(file: ParquetFile, index: Int, projection: ParquetProjection) {
        DispatchQueue.global().async {
            self.result = Result { () throws(ParquetError) in try file.readRowGroup(index, projection) }
            self.done.signal()
        }
    }

    func wait() throws(ParquetError) -> [ParquetRecord] {
        done.wait()
        guard let result else { throw ParquetError("internal: row group decode finished without a result") }
        return try result.get()
    }
}
