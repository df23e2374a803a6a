import Foundation
import JSON

/// The layout of a run folder, HF Trainer style: the final model files at the top,
/// `checkpoint-N` folders, metrics.jsonl, and `run.json` (what the run was trained with and
/// against which reference). The one place that knows these names.
public struct RunFolder: Sendable {
    public static let checkpointPrefix = "checkpoint-"
    public static let runInfoFile = "run.json"
    /// The resolved training recipe (TRL key names), what `pref config dump --run` prints.
    public static let recipeFile = "config.yaml"
    /// The files that make a model folder `transformers` and pref load.
    public static let modelFiles = [Checkpoint.configFile, Checkpoint.weightsFile, Checkpoint.tokenizerFile] + Checkpoint.tokenizerCompanions

    public let url: URL

    public init(_ url: URL) { self.url = url }

    public func checkpoint(step: Int) -> URL { url.appendingPathComponent("\(Self.checkpointPrefix)\(step)") }

    /// The steps of the `checkpoint-N` folders, in numeric order (checkpoint-200 before checkpoint-1000).
    public func checkpointSteps() -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.compactMap { name in
            guard name.hasPrefix(Self.checkpointPrefix) else { return nil }
            return Int(name.dropFirst(Self.checkpointPrefix.count))
        }.sorted()
    }

    public var latestCheckpoint: URL? { checkpointSteps().last.map(checkpoint(step:)) }

    /// Removes all but the newest `keep` checkpoints (HF `save_total_limit`).
    public func rotateCheckpoints(keep: Int) {
        for step in checkpointSteps().dropLast(max(1, keep)) {
            try? FileManager.default.removeItem(at: checkpoint(step: step))
        }
    }

    /// The trainer state of the newest checkpoint, if any.
    public func latestTrainerState() throws(TrainError) -> TrainerState? {
        guard let latest = latestCheckpoint else { return nil }
        return try Checkpoint.loadState(from: latest)
    }

    /// Copies a model folder's files here (the last Curry-DPO round's model becomes the run's).
    public func copyModelFiles(from source: URL) throws(TrainError) {
        for file in Self.modelFiles {
            let from = source.appendingPathComponent(file), to = url.appendingPathComponent(file)
            guard from.standardizedFileURL != to.standardizedFileURL else { continue }
            // The tokenizer's companions are optional; the model files are not.
            if Checkpoint.tokenizerCompanions.contains(file), !FileManager.default.fileExists(atPath: from.path) { continue }
            do {
                if FileManager.default.fileExists(atPath: to.path) { try FileManager.default.removeItem(at: to) }
                try FileManager.default.copyItem(at: from, to: to)
            } catch {
                throw .io("cannot copy \(from.path) to \(to.path): \(error.localizedDescription)")
            }
        }
    }

    /// β the run was trained with: from run.json, else from its newest checkpoint's state.
    public func trainedBeta() throws(TrainError) -> Double? {
        if let beta = try info?.beta { return beta }
        return try latestTrainerState()?.info["beta"]?.doubleValue
    }

    // MARK: - config.yaml

    public var recipeURL: URL { url.appendingPathComponent(Self.recipeFile) }

    public func writeRecipe(_ text: String) throws(TrainError) {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: recipeURL, options: .atomic)
        } catch {
            throw .io("cannot write \(recipeURL.path): \(error.localizedDescription)")
        }
    }

    // MARK: - run.json

    /// What a run was trained with; written when it finishes, read by eval.
    public var info: RunInfo? {
        get throws(TrainError) {
            let file = url.appendingPathComponent(Self.runInfoFile)
            guard let data = FileManager.default.contents(atPath: file.path) else { return nil }
            do { return try RunInfo(json: JSONParser.parse(Array(data))) } catch { throw .io("\(file.path): \(error)") }
        }
    }

    public func write(_ info: RunInfo) throws(TrainError) {
        let file = url.appendingPathComponent(Self.runInfoFile)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            try Data((JSONWriter.string(info.json) + "\n").utf8).write(to: file, options: .atomic)
        } catch {
            throw .io("cannot write \(file.path): \(error.localizedDescription)")
        }
    }
}

/// `run.json`: the stage, β and λ schedule, and the reference model (path and weight
/// identity) a DPO run was trained against.
public struct RunInfo: Sendable, Equatable {
    public var stage: String
    public var beta: Double?
    public var shift: String?
    public var referencePath: String?
    public var referenceIdentity: String?

    public init(stage: String, beta: Double? = nil, shift: String? = nil, referencePath: String? = nil, referenceIdentity: String? = nil) {
        self.stage = stage
        self.beta = beta
        self.shift = shift
        self.referencePath = referencePath
        self.referenceIdentity = referenceIdentity
    }

    init(json: JSONValue) throws {
        guard let stage = json["stage"]?.stringValue else { throw TrainError.io("run.json has no stage") }
        self.init(stage: stage, beta: json["beta"]?.doubleValue, shift: json["shift"]?.stringValue,
                  referencePath: json["reference"]?.stringValue, referenceIdentity: json["reference_sha256"]?.stringValue)
    }

    var json: JSONValue {
        .object(JSONObject([
            ("stage", .string(stage)), ("beta", beta.map(JSONValue.double) ?? .null), ("shift", shift.map(JSONValue.string) ?? .null),
            ("reference", referencePath.map(JSONValue.string) ?? .null),
            ("reference_sha256", referenceIdentity.map(JSONValue.string) ?? .null),
        ]))
    }
}
