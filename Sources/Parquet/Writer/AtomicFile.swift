#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written under a temporary name in the destination's folder and renamed into place
/// only by `commit()` (after an fsync), so a reader never sees a half-written file and a
/// failure leaves nothing behind: `discard()`, or deinit without commit, removes it.
final class AtomicFile {
    let path: String
    let temporaryPath: String
    private var descriptor: Int32
    private(set) var offset: Int64 = 0

    init(path: String) throws(ParquetError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard !name.isEmpty else { throw ParquetError("cannot write \(path): it names a folder") }
        temporaryPath = folder + "." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ParquetError("cannot create \(temporaryPath): \(String(cString: strerror(errno)))")
        }
    }

    deinit { discard() }

    func append(_ bytes: [UInt8]) throws(ParquetError) {
        var done = 0
        let failure: Int32? = bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = write(descriptor, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return nil
        }
        if let failure { throw ParquetError("cannot write \(temporaryPath): \(String(cString: strerror(failure)))") }
        offset += Int64(bytes.count)
    }

    func commit() throws(ParquetError) {
        guard descriptor >= 0 else { throw ParquetError("internal: \(path) was already committed or discarded") }
        guard fsync(descriptor) == 0 else { throw ParquetError("cannot sync \(temporaryPath): \(String(cString: strerror(errno)))") }
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw ParquetError("cannot rename \(temporaryPath) to \(path): \(message)")
        }
    }

    func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
    }
}
