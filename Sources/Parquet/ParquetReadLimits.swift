/// Caps that keep a hostile file from making the reader allocate without bound. The
/// defaults are far above anything real writers produce (pyarrow pages are ~1 MiB).
public struct ParquetReadLimits: Sendable {
    /// Largest uncompressed page, and largest expansion of a DELTA_BYTE_ARRAY page.
    public var maxPageBytes: Int
    /// Most level entries (values plus nulls) in one column chunk, and most rows in a row
    /// group. RLE lets a few bytes declare millions of entries, so this is what bounds the
    /// memory a hostile file can make the reader take (about 30 bytes per entry).
    public var maxValuesPerColumnChunk: Int
    /// Largest footer.
    public var maxFooterBytes: Int

    public init(maxPageBytes: Int = 1 << 30, maxValuesPerColumnChunk: Int = 1 << 26, maxFooterBytes: Int = 1 << 28) {
        self.maxPageBytes = maxPageBytes
        self.maxValuesPerColumnChunk = maxValuesPerColumnChunk
        self.maxFooterBytes = maxFooterBytes
    }

    public static let `default` = ParquetReadLimits()
}
