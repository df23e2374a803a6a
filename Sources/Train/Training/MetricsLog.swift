import Foundation
import JSON

/// `metrics.jsonl`: one JSON object per line, flushed per line so the history survives a
/// crash; truncated at the start of a run, appended to on resume.
public final class MetricsLog: @unchecked Sendable {
    private let handle: FileHandle
    public let url: URL

    public init(url: URL, append: Bool) throws(TrainError) {
        self.url = url
        let fm = FileManager.default
        if !append || !fm.fileExists(atPath: url.path) {
            guard fm.createFile(atPath: url.path, contents: nil) else { throw .io("\(url.path): cannot create") }
        }
        guard let h = FileHandle(forWritingAtPath: url.path) else { throw .io("\(url.path): cannot open for writing") }
        handle = h
        do { try handle.seekToEnd() } catch { throw .io("\(url.path): cannot seek: \(error.localizedDescription)") }
    }

    deinit { try? handle.close() }

    public func write(_ record: JSONObject) throws(TrainError) {
        var bytes: [UInt8] = []
        JSONWriter.write(.object(record), into: &bytes)
        bytes.append(0x0A)
        do { try handle.write(contentsOf: Data(bytes)) } catch { throw .io("\(url.path): write failed: \(error.localizedDescription)") }
    }
}
