#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file read with `pread`, so row groups can be read from any thread and only the
/// byte ranges asked for are ever in memory.
final class FileSource: Sendable {
    let path: String
    let size: Int64
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ParquetError("cannot open \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw ParquetError("cannot stat \(path): \(message)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ParquetError("\(path) is not a regular file")
        }
        descriptor = fd
        size = Int64(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads exactly `count` bytes at `offset`; the range must lie inside the file.
    func read(offset: Int64, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, Int64(count) <= size - offset else {
            throw ParquetError("byte range \(offset)+\(count) lies outside the file of \(size) bytes", byteOffset: offset)
        }
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        try buffer.withUnsafeMutableBytes { raw in
            while done < count {
                let n = pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ParquetError("read error in \(path): \(String(cString: strerror(errno)))", byteOffset: offset + Int64(done))
                }
                if n == 0 { throw ParquetError("file \(path) ended early (truncated while reading?)", byteOffset: offset + Int64(done)) }
                done += n
            }
        }
        return buffer
    }
}
