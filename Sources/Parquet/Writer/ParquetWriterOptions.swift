/// How `ParquetWriter` lays out a file. The defaults follow pyarrow's `write_table`: snappy,
/// dictionary encoding with a 1 MiB dictionary limit, 1 MiB data pages (v1), row groups of
/// up to 1,048,576 rows.
public struct ParquetWriterOptions: Sendable {
    public enum DataPageVersion: Sendable { case v1, v2 }

    /// UNCOMPRESSED, SNAPPY or ZSTD.
    public var compression: CompressionCodec = .snappy
    /// ZSTD's level; nil for level 1, as Arrow uses.
    public var compressionLevel: Int32?
    public var dataPageVersion: DataPageVersion = .v1
    public var useDictionary = true
    /// Above this many bytes of PLAIN dictionary, the rest of a column chunk is PLAIN.
    public var dictionaryPageSizeLimit = 1 << 20
    /// The PLAIN size a data page aims for (pages end on row boundaries).
    public var dataPageSize = 1 << 20
    /// A row group ends after this many rows …
    public var rowGroupRows = 1 << 20
    /// … or once its buffered, uncompressed data reaches about this many bytes.
    public var rowGroupBytes = 128 << 20
    /// Min/max statistics longer than this are left out (never truncated), as Arrow does,
    /// so one huge text does not bloat the footer; the null count is always written.
    public var maxStatisticsSize = 4096
    /// Stored in the footer, e.g. the settings that produced the file.
    public var keyValueMetadata: [KeyValue] = []
    public var createdBy = "pref"

    public init(compression: CompressionCodec = .snappy, dataPageVersion: DataPageVersion = .v1, useDictionary: Bool = true,
                rowGroupRows: Int = 1 << 20, keyValueMetadata: [KeyValue] = []) {
        self.compression = compression
        self.dataPageVersion = dataPageVersion
        self.useDictionary = useDictionary
        self.rowGroupRows = rowGroupRows
        self.keyValueMetadata = keyValueMetadata
    }

    /// The codec a command-line name stands for: "snappy", "zstd", "none" or "uncompressed"
    /// (any case); nil for names the writer does not support.
    public static func codec(named name: String) -> CompressionCodec? {
        switch name.lowercased() {
        case "none", "uncompressed": .uncompressed
        case "snappy": .snappy
        case "zstd": .zstd
        default: nil
        }
    }

    func validate() throws(ParquetError) {
        guard Compressor.supported.contains(compression) else {
            throw ParquetError("the writer does not support the \(compression) codec (it writes \(Compressor.supported.map(\.description).joined(separator: ", ")))")
        }
        guard rowGroupRows > 0, rowGroupBytes > 0, dataPageSize > 0, dictionaryPageSizeLimit > 0, maxStatisticsSize >= 0 else {
            throw ParquetError("row group, page and dictionary sizes must be positive, the statistics size limit 0 or more")
        }
    }
}
