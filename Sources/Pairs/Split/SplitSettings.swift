import JSON

public enum SplitName: String, Sendable, CaseIterable, Comparable {
    case train, test

    public static func < (a: SplitName, b: SplitName) -> Bool { a == .train && b == .test }

    /// How a dataset's own split name maps onto ours: `test_prefs`, `test_sft`, `test` are
    /// test; everything else (`train_prefs`, `train_sft`, `train`, ...) is train.
    public init(sourceSplit name: String) {
        self = name.lowercased().hasPrefix("test") ? .test : .train
    }
}

/// What `pref split` was asked to do; stored in `settings` under 'split'.
public struct SplitSettings: Sendable, Equatable {
    public var testFraction: Double
    public var seed: Int
    /// Records from sources that carry a split name keep it; only the others are hashed.
    public var respectSourceSplits: Bool

    public init(testFraction: Double, seed: Int = 42, respectSourceSplits: Bool = true) throws {
        guard testFraction.isFinite, testFraction >= 0, testFraction <= 1 else {
            throw PairsError("test fraction must be between 0 and 1, got \(testFraction)")
        }
        self.testFraction = testFraction
        self.seed = seed
        self.respectSourceSplits = respectSourceSplits
    }

    /// Names the assignment rule, so a catalog split by another rule is never mistaken for this one.
    static let method = "splitmix64(prompt_hash[0:16] ^ seed)-v1"

    public var json: JSONValue {
        .object(JSONObject([
            ("test_fraction", .double(testFraction)),
            ("seed", .int(Int64(seed))),
            ("respect_source_splits", .bool(respectSourceSplits)),
            ("method", .string(Self.method)),
        ]))
    }

    init?(json: JSONValue) {
        guard let f = json["test_fraction"]?.doubleValue, let seed = json["seed"]?.intValue,
              let respect = json["respect_source_splits"]?.boolValue,
              let settings = try? SplitSettings(testFraction: f, seed: seed, respectSourceSplits: respect)
        else { return nil }
        self = settings
    }
}

/// Puts a prompt on one side of the split from its hash alone: the same prompt, seed and
/// fraction always give the same side, whatever else is in the catalog.
public struct SplitAssigner: Sendable {
    public let testFraction: Double
    private let seedKey: UInt64

    public init(testFraction: Double, seed: Int) {
        self.testFraction = testFraction
        seedKey = Mix64.seedKey(seed, salt: 0x5350_4C49_5400_0000)  // "SPLIT"
    }

    /// `promptHashPrefix` is the first 64 bits of the record's `prompt_hash`.
    @inline(__always)
    public func split(promptHashPrefix: UInt64) -> SplitName {
        Mix64.unitInterval(Mix64.mix(promptHashPrefix ^ seedKey)) < testFraction ? .test : .train
    }

    public func split(promptHash: String) throws -> SplitName {
        guard let prefix = Mix64.hexPrefix(promptHash) else {
            throw PairsError("prompt hash '\(promptHash.prefix(80))' is not a hex digest")
        }
        return split(promptHashPrefix: prefix)
    }
}
