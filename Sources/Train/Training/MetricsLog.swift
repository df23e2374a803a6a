import Foundation
import JSON

/// `metrics.jsonl`: one JSON object per line, flushed per line so the history survives a
/// crash; truncated at the start of a run, appended to on resume. Every number of every
/// line also goes to a TensorBoard event file beside it, at the line's step.
public final class MetricsLog: @unchecked Sendable {
    private let handle: FileHandle
    private let tensorBoard: TensorBoardWriter?
    public let url: URL

    public init(url: URL, append: Bool, tensorBoard: Bool = true) throws(TrainError) {
        self.url = url
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        if !append || !fm.fileExists(atPath: url.path) {
            guard fm.createFile(atPath: url.path, contents: nil) else { throw .io("\(url.path): cannot create") }
            // A run that starts over must not show the old run's curves beside the new ones.
            for old in TensorBoardWriter.files(in: folder) { try? fm.removeItem(at: old) }
        }
        guard let h = FileHandle(forWritingAtPath: url.path) else { throw .io("\(url.path): cannot open for writing") }
        handle = h
        do { try handle.seekToEnd() } catch { throw .io("\(url.path): cannot seek: \(error.localizedDescription)") }
        self.tensorBoard = if tensorBoard { try TensorBoardWriter(directory: folder) } else { nil }
    }

    deinit { try? handle.close() }

    public func write(_ record: JSONObject) throws(TrainError) {
        var bytes: [UInt8] = []
        JSONWriter.write(.object(record), into: &bytes)
        bytes.append(0x0A)
        do { try handle.write(contentsOf: Data(bytes)) } catch { throw .io("\(url.path): write failed: \(error.localizedDescription)") }
        if let tensorBoard, let entry = TensorBoardWriter.scalars(of: record) {
            try tensorBoard.write(entry.scalars, step: entry.step)
        }
    }
}
