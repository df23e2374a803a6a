import Core
import CZstd
import Foundation

/// The on-disk shard format: little-endian UInt32 values in independent zstd frames with
/// content checksums. An example never straddles frames, so reading one costs one seek
/// and one frame decompression.
public enum ShardFile {
    /// About 1 MiB of values per frame.
    public static let frameValues = 256 * 1024
    static let compressionLevel: Int32 = 3

    /// Where each example landed in the file.
    public struct Location: Sendable, Equatable {
        public var frameOffset: Int64
        public var frameLength: Int
        /// Values in the whole decompressed frame.
        public var frameValues: Int
        public var valueOffset: Int
    }

    public struct Written: Sendable {
        public var bytes: Int64
        public var frames: Int
        public var sha256: String
        public var locations: [Location]
        public var uncompressedBytes: Int64
    }

    /// Writes `examples` to `url` atomically: a temporary file, fsync, rename, fsync of the
    /// folder. The same examples always give the same bytes.
    public static func write(_ examples: [ShardExample], to url: URL) throws -> Written {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        FileManager.default.createFile(atPath: temporary.path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw StoreError("cannot create \(temporary.path)")
        }
        guard let cctx = ZSTD_createCCtx() else { throw StoreError("zstd: cannot create a compression context") }
        defer { ZSTD_freeCCtx(cctx) }
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, compressionLevel)
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)

        var written = Written(bytes: 0, frames: 0, sha256: "", locations: [], uncompressedBytes: 0)
        written.locations.reserveCapacity(examples.count)
        var hasher = SHA256()
        var frame: [UInt32] = []
        var pending: [Int] = []  // value offsets of the examples in `frame`

        func flush() throws {
            guard !frame.isEmpty else { return }
            let compressed = try compress(frame, cctx)
            try handle.write(contentsOf: compressed)
            compressed.withUnsafeBytes { hasher.update($0) }
            for valueOffset in pending {
                written.locations.append(Location(frameOffset: written.bytes, frameLength: compressed.count,
                                                  frameValues: frame.count, valueOffset: valueOffset))
            }
            written.bytes += Int64(compressed.count)
            written.uncompressedBytes += Int64(frame.count * 4)
            written.frames += 1
            frame.removeAll(keepingCapacity: true)
            pending.removeAll(keepingCapacity: true)
        }

        do {
            for example in examples {
                if !frame.isEmpty, frame.count + example.valueCount > frameValues { try flush() }
                pending.append(frame.count)
                for segment in example.segments { frame.append(contentsOf: segment) }
            }
            try flush()
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw StoreError("cannot write shard \(url.path): \(error)")
        }
        if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: temporary, to: url)
        syncDirectory(url.deletingLastPathComponent())
        written.sha256 = hasher.finalizeHex()
        return written
    }

    static func compress(_ values: [UInt32], _ cctx: OpaquePointer) throws -> Data {
        // Little-endian on disk; this is a no-op copy on little-endian hosts.
        let littleEndian = values.map { $0.littleEndian }
        return try littleEndian.withUnsafeBytes { src in
            var out = Data(count: ZSTD_compressBound(src.count))
            let n = out.withUnsafeMutableBytes { dst in
                ZSTD_compress2(cctx, dst.baseAddress, dst.count, src.baseAddress, src.count)
            }
            if ZSTD_isError(n) != 0 { throw StoreError("zstd: \(String(cString: ZSTD_getErrorName(n)))") }
            out.count = n
            return out
        }
    }

    /// Decompresses one frame, refusing frames whose declared size is not `expectedValues`
    /// values (a corrupt or hostile header cannot make us allocate more than the index says).
    public static func decompressFrame(_ frame: UnsafeRawBufferPointer, expectedValues: Int) throws -> [UInt32] {
        let declared = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        guard declared != ZSTD_CONTENTSIZE_ERROR, declared != ZSTD_CONTENTSIZE_UNKNOWN else {
            throw StoreError("not a zstd frame with a declared size")
        }
        guard declared == UInt64(expectedValues) * 4 else {
            throw StoreError("frame declares \(declared) bytes, the index expects \(expectedValues * 4)")
        }
        var values = [UInt32](repeating: 0, count: expectedValues)
        let n = values.withUnsafeMutableBytes { dst in
            ZSTD_decompress(dst.baseAddress, dst.count, frame.baseAddress, frame.count)
        }
        if ZSTD_isError(n) != 0 { throw StoreError("zstd: \(String(cString: ZSTD_getErrorName(n)))") }
        guard n == expectedValues * 4 else { throw StoreError("frame holds \(n) bytes, expected \(expectedValues * 4)") }
        return values.map { UInt32(littleEndian: $0) }
    }

    private static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}
