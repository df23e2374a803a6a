import Testing

/// The comparison helper every golden test leans on: it must fail on NaN and infinities,
/// or a model that produces NaN would pass every golden comparison.
@Suite struct ComparisonHelperTests {
    @Test func closeValuesPassAndFarValuesFail() {
        #expect(worstRelativeError([1, 2, 3], [1, 2, 3]).error == 0)
        let near = worstRelativeError([1.0001, 2, 3], [1, 2, 3])
        #expect(near.index == 0 && abs(near.error - 1e-4) < 1e-6)
        let far = worstRelativeError([1, 2, 3.3], [1, 2, 3])
        #expect(far.index == 2 && abs(far.error - 0.1) < 1e-6)
    }

    /// A NaN anywhere, on either side, is an infinite error: first, middle and last position
    /// (the old reduction `if !(error <= worst) { worst = error }` let a later element
    /// overwrite a NaN with a finite error).
    @Test(arguments: [0, 1, 3])
    func nanFailsWherever(position: Int) {
        var actual: [Float] = [1, 2, 3, 4], expected: [Float] = [1, 2, 3, 4]
        actual[position] = .nan
        #expect(worstRelativeError(actual, expected) == (.infinity, position))
        actual[position] = Float(position + 1)
        expected[position] = .nan
        #expect(worstRelativeError(actual, expected) == (.infinity, position))
        actual[position] = .nan
        #expect(worstRelativeError(actual, expected) == (.infinity, position), "NaN vs NaN is not a match")
    }

    /// An infinite expected value once made the magnitude floor infinite, so every element
    /// passed; now only an exactly equal infinity matches.
    @Test func infinitiesMatchOnlyThemselves() {
        #expect(worstRelativeError([.infinity, 2], [.infinity, 2]).error == 0)
        #expect(worstRelativeError([1, 5], [.infinity, 2]).error == .infinity)
        #expect(worstRelativeError([.infinity, 2], [-.infinity, 2]).error == .infinity)
        #expect(worstRelativeError([3, 2], [.infinity, 7]).error == .infinity)
        #expect(worstRelativeError([1, 2], [1, 2, 3]).error == .infinity, "different lengths")
    }

    /// The helper itself records a failure for NaN (withKnownIssue fails if none is recorded).
    @Test func expectCloseRecordsAnIssueForNaN() {
        withKnownIssue("NaN must fail the comparison") {
            expectClose([1, .nan, 3], [1, 2, 3], relative: 1e9, "nan in actual")
        }
        withKnownIssue("NaN must fail the comparison") {
            expectClose([1, 2, 3], [1, 2, .nan], relative: 1e9, "nan in expected")
        }
        #expect(expectClose([1, 2, 3], [1, 2, 3], relative: 0, "equal") == 0)
    }
}
