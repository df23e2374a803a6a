import Core
import Foundation
import Store

/// A small, fast, seedable generator (xoshiro256**, seeded through SplitMix64), so that
/// initialisation and data order are the same on every run with the same seed.
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    public init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        state = (seeder.next(), seeder.next(), seeder.next(), seeder.next())
    }

    public init(state: (UInt64, UInt64, UInt64, UInt64)) { self.state = state }

    public static func == (a: SeededRandom, b: SeededRandom) -> Bool { a.state == b.state }

    public mutating func next() -> UInt64 {
        let s1 = state.1 &* 5
        let result = ((s1 << 7) | (s1 >> 57)) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = (state.3 << 45) | (state.3 >> 19)
        return result
    }

    /// Uniform in (0, 1], never 0 (safe to take the log of).
    public mutating func nextUnitInterval() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// Standard normal by Box–Muller.
    public mutating func nextNormal() -> Double {
        let u1 = nextUnitInterval(), u2 = nextUnitInterval()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }
}
