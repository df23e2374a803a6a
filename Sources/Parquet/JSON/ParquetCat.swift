/// Where `ParquetCat` sends its JSON lines.
public protocol ParquetOutputStream {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// The logic of `pref cat`: every row of the projected columns, as JSON lines, one row
/// group at a time (the next one decoding while this one prints).
public enum ParquetCat {
    /// Writes up to `limit` rows (all when nil) and returns how many were written.
    @discardableResult
    public static func write(_ file: ParquetFile, columns: [String]?, limit: Int?, to output: some ParquetOutputStream) throws(ParquetError) -> Int {
        var groups = try file.rowGroups(columns: columns)
        var written = 0
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        while let rows = try groups.next() {
            for row in rows {
                if let limit, written >= limit { break }
                ParquetJSON.appendLine(row, to: &buffer)
                written += 1
                if buffer.count >= 1 << 20 { try flush(&buffer, to: output) }
            }
            if let limit, written >= limit { break }
        }
        try flush(&buffer, to: output)
        return written
    }

    private static func flush(_ buffer: inout [UInt8], to output: some ParquetOutputStream) throws(ParquetError) {
        try asParquetError { try buffer.withUnsafeBytes { try output.write($0) } }
        buffer.removeAll(keepingCapacity: true)
    }
}
