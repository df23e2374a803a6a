import Dispatch
import Foundation
import Store

/// sha256 of a file's raw bytes. `start` computes it on a background thread, so an ingest
/// does not wait for a separate pass over the file before its first record.
final class FileDigest: @unchecked Sendable {
    private let path: String
    private let done = DispatchGroup()
    // Written once by the background task before `done` is left; read after `wait`.
    private var result: Result<String, any Error>?

    private init(path: String) {
        self.path = path
    }

    static func start(path: String) -> FileDigest {
        let digest = FileDigest(path: path)
        DispatchQueue.global().async(group: digest.done) {
            digest.result = Result { try sha256(path: path) }
        }
        return digest
    }

    func wait() throws -> String {
        done.wait()
        guard let result else { throw IngestError(path: path, message: "internal: the file digest did not finish") }
        return try result.get()
    }

    static func sha256(path: String) throws -> String {
        let file = try FileByteStream(path: path)
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
        return hasher.finalizeHex()
    }
}
