import Foundation
import JSON

/// An event file TensorBoard reads (`tensorboard --logdir runs/`), named as TensorFlow's
/// writers name theirs: `events.out.tfevents.<unix seconds>.<hostname>.<pid>.<n>`. Every
/// write goes straight to the file, so a crashed run keeps what it logged.
public final class TensorBoardWriter: @unchecked Sendable {
    public static let filePrefix = "events.out.tfevents."
    public let url: URL
    private let handle: FileHandle

    /// Starts a new event file in `directory`.
    public init(directory: URL, now: Date = Date()) throws(TrainError) {
        let name = "\(Self.filePrefix)\(Int(now.timeIntervalSince1970)).\(ProcessInfo.processInfo.hostName)."
            + "\(ProcessInfo.processInfo.processIdentifier).\(FileCounter.shared.next())"
        url = directory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let h = FileHandle(forWritingAtPath: url.path)
        else { throw .io("\(url.path): cannot create") }
        handle = h
        try append(TensorBoardEvent.fileVersionEvent(wallTime: now.timeIntervalSince1970))
    }

    deinit { try? handle.close() }

    /// One event holding every scalar, at `step`.
    public func write(_ scalars: [(tag: String, value: Double)], step: Int, wallTime: Date = Date()) throws(TrainError) {
        guard !scalars.isEmpty else { return }
        try append(TensorBoardEvent.scalarsEvent(scalars, step: Int64(step), wallTime: wallTime.timeIntervalSince1970))
    }

    /// The scalars of a metrics.jsonl record: every number but `step`, tagged
    /// `<split>/<name>` as Hugging Face's TensorBoard callback tags them (`train/loss`,
    /// `eval/rewards/chosen` for `eval_rewards/chosen`).
    public static func scalars(of record: JSONObject) -> (step: Int, scalars: [(tag: String, value: Double)])? {
        guard let step = record["step"]?.intValue else { return nil }
        let split = record["split"]?.stringValue ?? "train"
        var out: [(tag: String, value: Double)] = []
        for (key, value) in zip(record.keys, record.values) where key != "step" {
            guard let v = value.doubleValue else { continue }
            let name = key.hasPrefix(split + "_") ? String(key.dropFirst(split.count + 1)) : key
            out.append((tag: "\(split)/\(name)", value: v))
        }
        return (step, out)
    }

    /// Event files a previous run left in `directory` (removed when a run starts over).
    public static func files(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(filePrefix) }.sorted().map { directory.appendingPathComponent($0) }
    }

    private func append(_ event: [UInt8]) throws(TrainError) {
        do { try handle.write(contentsOf: Data(TensorBoardEvent.record(event))) } catch {
            throw .io("\(url.path): write failed: \(error.localizedDescription)")
        }
    }
}

/// The `<n>` of file names: distinct per file within one process.
private final class FileCounter: @unchecked Sendable {
    static let shared = FileCounter()
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}
