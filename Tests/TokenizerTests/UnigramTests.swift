import JSON
import Testing
@testable import Tokenizer

/// The Unigram model on hand-made vocabularies (the golden tests cover trained ones).
@Suite struct UnigramTests {
    /// HF's own doc example (`Unigram::encode`): the best-scoring split, unknown characters fused.
    @Test func bestSplitAndFusedUnknowns() throws {
        let tokenizer = try Tokenizer(json: JSONParser.parse(#"""
            {"model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["a", 0.0], ["b", 0.0], ["c", 0.0],
             ["d", 0.0], ["cd", 1.0], ["ab", 2.0], ["abc", 5.0], ["abcd", 10.0]]}}
            """#))
        // abcd | a | cd | xx (one unk for both x)
        #expect(tokenizer.encode("abcdacdxx") == [8, 1, 5, 0])
        #expect(tokenizer.decode([8, 1, 5, 0]) == "abcd a cd <unk>")
    }

    /// serde_json (HF's JSON reader) reads -13.412818704860243 one unit in the last place
    /// below the nearest Double, which decides Viterbi ties in the spm-unigram fixture.
    @Test func scoresAreReadAsHFReadsThem() {
        #expect(SerdeFloat.reading(-13.412818704860243) == -0x1.ad35cf9291a89p+3)
        #expect(SerdeFloat.reading(-8.628943952718505) == -8.628943952718505)
        #expect(SerdeFloat.reading(1e-05) == 1e-05 && SerdeFloat.reading(0) == 0)
    }
}
