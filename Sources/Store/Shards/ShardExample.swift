/// One training example as stored in a shard: a few runs ("segments") of UInt32 values.
///
/// - SFT (`kind == .sft`): segment 0 is the token ids with the loss mask in bit 31
///   (`id | 1 << 31` = the loss counts this token as a target), segment 1 the lengths of
///   the documents packed into the sequence (one entry when not packed), segment 2 empty.
/// - Preference: segments 0, 1, 2 are the prompt, chosen and rejected token ids.
public struct ShardExample: Sendable, Equatable {
    public enum Kind: String, Sendable { case sft, preference }

    public var kind: Kind
    public var split: String
    public var segments: [[UInt32]]
    public var recordId: Int64?
    public var pairId: Int64?
    public var sourceId: Int64?
    public var stage: Int
    public var curriculumRank: Int
    public var truncated: Bool

    public init(kind: Kind, split: String, segments: [[UInt32]], recordId: Int64? = nil, pairId: Int64? = nil,
                sourceId: Int64? = nil, stage: Int = 0, curriculumRank: Int = 0, truncated: Bool = false) {
        precondition(segments.count == 3, "a shard example has exactly three segments")
        self.kind = kind
        self.split = split
        self.segments = segments
        self.recordId = recordId
        self.pairId = pairId
        self.sourceId = sourceId
        self.stage = stage
        self.curriculumRank = curriculumRank
        self.truncated = truncated
    }

    public var valueCount: Int { segments[0].count + segments[1].count + segments[2].count }

    /// Tokens the example holds: sequence length for SFT, prompt + chosen + rejected for pairs.
    public var tokenCount: Int { kind == .sft ? segments[0].count : valueCount }

    public static let lossMaskBit: UInt32 = 1 << 31

    /// Builds an SFT example from ids, a per-token loss mask and document lengths.
    public static func sft(split: String, ids: [Int32], lossMask: [Bool], documentLengths: [Int], recordId: Int64? = nil,
                           sourceId: Int64? = nil, truncated: Bool = false, curriculumRank: Int = 0) -> ShardExample {
        precondition(ids.count == lossMask.count && documentLengths.reduce(0, +) == ids.count)
        let values = zip(ids, lossMask).map { UInt32(bitPattern: $0) | ($1 ? lossMaskBit : 0) }
        return ShardExample(kind: .sft, split: split, segments: [values, documentLengths.map { UInt32($0) }, []],
                            recordId: recordId, sourceId: sourceId, curriculumRank: curriculumRank, truncated: truncated)
    }
}

/// An example read back from a shard.
public enum DecodedExample: Sendable, Equatable {
    case sft(ids: [Int32], lossMask: [Bool], documentLengths: [Int])
    case preference(prompt: [Int32], chosen: [Int32], rejected: [Int32])

    init(kind: ShardExample.Kind, values: ArraySlice<UInt32>, lengths: (Int, Int, Int)) {
        let a = values.prefix(lengths.0)
        let b = values.dropFirst(lengths.0).prefix(lengths.1)
        let c = values.dropFirst(lengths.0 + lengths.1).prefix(lengths.2)
        switch kind {
        case .sft:
            self = .sft(ids: a.map { Int32(bitPattern: $0 & ~ShardExample.lossMaskBit) },
                        lossMask: a.map { $0 & ShardExample.lossMaskBit != 0 }, documentLengths: b.map { Int($0) })
        case .preference:
            self = .preference(prompt: a.map { Int32(bitPattern: $0) }, chosen: b.map { Int32(bitPattern: $0) },
                               rejected: c.map { Int32(bitPattern: $0) })
        }
    }
}
