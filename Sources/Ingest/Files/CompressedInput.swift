/// The compressed bytes a decompressor has read from its source but not yet consumed.
/// Shared by the gzip and zstd streams: refill when empty, and tell the end of the source.
struct CompressedInput {
    var bytes: [UInt8]
    var start = 0
    var end = 0
    private(set) var sourceDone = false

    init(capacity: Int) {
        bytes = [UInt8](repeating: 0, count: capacity)
    }

    var pending: Int { end - start }

    /// True once every byte of the source has been consumed.
    var exhausted: Bool { start == end && sourceDone }

    /// Reads the next chunk from `source` when everything read so far was consumed.
    mutating func refillIfEmpty(from source: ByteStream) throws {
        guard start == end, !sourceDone else { return }
        let n = try bytes.withUnsafeMutableBytes { try source.read(into: $0) }
        start = 0
        end = n
        if n == 0 { sourceDone = true }
    }
}
