import Foundation

/// A forward-only source of bytes: a file, or a decompressor over one.
protocol ByteStream: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes consumed from the underlying file so far (for progress).
    var compressedBytesRead: Int64 { get }
}

/// Reads a file with plain `read(2)` calls into caller-provided buffers.
final class FileByteStream: ByteStream {
    private let fd: Int32
    private let path: String
    private(set) var compressedBytesRead: Int64 = 0

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        if fd < 0 { throw IngestError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Foundation.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                compressedBytesRead += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw IngestError(path: path, offset: Int(compressedBytesRead), message: "read failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// Opens `path` as a stream of its decompressed bytes, chosen by extension.
func openDecompressedStream(path: String) throws -> ByteStream {
    let file = try FileByteStream(path: path)
    switch Compression(path: path) {
    case .none: return file
    case .gzip: return try GzipByteStream(source: file, path: path)
    case .zstd: return try ZstdByteStream(source: file, path: path)
    }
}

enum Compression {
    case none, gzip, zstd

    init(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".gz") { self = .gzip } else if lower.hasSuffix(".zst") || lower.hasSuffix(".zstd") { self = .zstd } else { self = .none }
    }

    /// The file name without the compression suffix ("train.jsonl.gz" → "train.jsonl").
    static func strippedName(_ name: String) -> String {
        for suffix in [".gz", ".zst", ".zstd"] where name.lowercased().hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }
}
