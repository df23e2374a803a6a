import Core
import Store

/// The hashing behind every seeded decision in this module (test split, random rejected
/// response, curriculum tie order). Each decision is a pure function of a record's own
/// content hash and the seed, so it does not depend on ingest order or on which other
/// records exist. `bench/pairs` re-implements it in Python; keep the two in step.
enum Mix64 {
    /// SplitMix64's mixer (Store's `SplitMix64.mix`): a bijection with full avalanche.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 { SplitMix64.mix(x) }

    /// Spreads a user seed so that nearby seeds give unrelated streams; `salt` separates
    /// the decisions that share a seed.
    static func seedKey(_ seed: Int, salt: UInt64) -> UInt64 {
        mix(mix(UInt64(bitPattern: Int64(seed))) ^ salt)
    }

    /// Maps a key to [0, 1) with 53 bits of resolution.
    @inline(__always)
    static func unitInterval(_ key: UInt64) -> Double {
        Double(key >> 11) * 0x1p-53
    }

    /// The first 16 hex digits of a digest (as stored in `prompt_hash` / `content_hash`) as
    /// a big-endian integer; nil when they are not hex or the digest is shorter.
    static func hexPrefix(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= 16 else { return nil }
        var value: UInt64 = 0
        for i in 0..<16 {
            let c = bytes[i]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    static func hexPrefix(_ text: String) -> UInt64? {
        var text = text
        return text.withUTF8 { hexPrefix(UnsafeRawBufferPointer($0)) }
    }
}
