import JSON

/// Where a run stands, saved as `trainer_state.json` next to the weights: enough to resume
/// exactly (the data order is a function of seed and epoch, so the cursor suffices).
public struct TrainerState: Sendable, Equatable {
    /// Optimizer steps taken.
    public var globalStep: Int
    /// Total optimizer steps of the run (the schedule's T).
    public var maxSteps: Int
    public var epoch: Int
    /// Micro-batches of `epoch` already consumed.
    public var batchCursor: Int
    public var seed: UInt64
    /// Free-form run facts (stage, flags) kept for the record.
    public var info: JSONObject

    public init(globalStep: Int = 0, maxSteps: Int, epoch: Int = 0, batchCursor: Int = 0, seed: UInt64, info: JSONObject = JSONObject()) {
        self.globalStep = globalStep
        self.maxSteps = maxSteps
        self.epoch = epoch
        self.batchCursor = batchCursor
        self.seed = seed
        self.info = info
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("global_step", .int(Int64(globalStep))),
            ("max_steps", .int(Int64(maxSteps))),
            ("epoch", .int(Int64(epoch))),
            ("batch_cursor", .int(Int64(batchCursor))),
            // A decimal string: JSON numbers lose UInt64 precision in most readers.
            ("seed", .string(String(seed))),
            ("info", .object(info)),
        ]))
    }

    public var jsonText: String { JSONWriter.string(json) + "\n" }

    public init(json: JSONValue, path: String) throws(TrainError) {
        func int(_ key: String) throws(TrainError) -> Int {
            guard let v = json[key]?.intValue, v >= 0 else { throw .invalidCheckpoint("\(path): \(key) must be a non-negative integer") }
            return v
        }
        guard let seedText = json["seed"]?.stringValue, let seed = UInt64(seedText) else {
            throw .invalidCheckpoint("\(path): seed must be a decimal string")
        }
        self.init(globalStep: try int("global_step"), maxSteps: try int("max_steps"), epoch: try int("epoch"),
                  batchCursor: try int("batch_cursor"), seed: seed, info: json["info"]?.objectValue ?? JSONObject())
    }
}
