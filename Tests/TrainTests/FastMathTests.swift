import Foundation
import Testing
@testable import Train

@Suite struct FastMathTests {
    @Test func expMatchesLibmWithinAFewUlp() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let expected = Foundation.exp(x), actual = FastMath.exp(x)
            let error = abs(actual - expected) / expected
            // max(worst, NaN) keeps `worst`: a NaN from FastMath.exp must not vanish in the reduction.
            if !(error <= worst) { worst = error.isNaN ? .infinity : error }
            x += 0.0137
        }
        #expect(worst < 5e-7, "worst relative error \(worst)")
        #expect(FastMath.exp(0) == 1)
    }

    @Test func expNeverReturnsZeroInfinityOrNaNForFiniteInput() {
        for x: Float in [-1e30, -1000, -88, 89, 1000, 1e30, .greatestFiniteMagnitude, -.greatestFiniteMagnitude] {
            let e = FastMath.exp(x)
            #expect(e.isFinite && e > 0, "exp(\(x)) = \(e)")
        }
    }

    @Test func shiftedSumAndMaximumCoverTheTail() {
        for count in [1, 7, 8, 9, 31] {
            var values = (0..<count).map { Float($0) * 0.37 - 2 }
            let m = values.withUnsafeBufferPointer { FastMath.maximum($0.baseAddress!, count: count) }
            #expect(m == values.max()!)
            let expected = values.map { Foundation.exp($0 - m) }
            let sum = values.withUnsafeMutableBufferPointer { FastMath.expShiftedSum($0.baseAddress!, count: count, shift: m) }
            #expect(abs(sum - expected.reduce(0, +)) <= 1e-5 * sum)
            for (a, b) in zip(values, expected) { #expect(abs(a - b) <= 1e-6 * b) }
        }
    }
}
