import Core
import Dispatch
import Foundation
import Store

/// sha256 of a file's raw bytes, computed on a background thread, so an ingest does not
/// wait for a separate pass over the file before its first record.
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
            digest.result = Result { try SHA256.hex(ofFileAt: path) }
        }
        return digest
    }

    func wait() throws -> String {
        done.wait()
        guard let result else { throw IngestError(path: path, message: "internal: the file digest did not finish") }
        return try result.get()
    }
}
