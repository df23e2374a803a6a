/// SplitMix64 (Steele, Lea, Flood 2014): the one seeded generator and bit mixer behind
/// every deterministic decision in pref — the test split and pair choices (Pairs), the
/// shard shuffles (Store) and the trainer's generator seeding (Train). Pinned here because
/// the standard library's generators and shuffles make no cross-version promise.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.finalize(state)
    }

    /// The first output of a generator seeded with `x`: a bijection with full avalanche.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 { finalize(x &+ increment) }

    @inline(__always)
    static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
