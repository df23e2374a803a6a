import Testing
@testable import Tokenize
@testable import Tokenizer

/// Edges of the preference truncation rule (PreferenceLimits) and of the SFT packer.
@Suite struct TruncationEdgeTests {
    static let prompt: [UInt32] = Array(1...6)

    /// The prompt is cut when prompt + the LONGER response does not fit, here the rejected one;
    /// a rule that looked at the chosen response (6 + 2 ≤ 12) would cut nothing from the prompt.
    @Test func rejectedLongerThanChosenDecidesTheCut() throws {
        let limits = try PreferenceLimits(maxLength: 12, maxPromptLength: 4, mode: .keepEnd)
        let chosen: [UInt32] = [100, 101], rejected: [UInt32] = Array(200...208)  // 9 tokens
        let cut = limits.apply(prompt: Self.prompt, chosen: chosen, rejected: rejected)
        #expect(cut.prompt == [3, 4, 5, 6])
        #expect(cut.chosen == [100, 101])
        #expect(cut.rejected == Array(200...207))  // 12 − 4 = 8 tokens of room
        #expect(cut.truncated)
        // The mirror image cuts the same way.
        let mirror = limits.apply(prompt: Self.prompt, chosen: rejected, rejected: chosen)
        #expect(mirror.prompt == [3, 4, 5, 6] && mirror.chosen == Array(200...207) && mirror.rejected == [100, 101])
    }

    /// prompt + longer response == maxLength fits exactly: nothing is cut, even a prompt longer
    /// than maxPromptLength. One token more and the prompt is cut.
    @Test func exactFitAtMaxLengthIsNotCut() throws {
        let limits = try PreferenceLimits(maxLength: 12, maxPromptLength: 4)
        let fit = limits.apply(prompt: Self.prompt, chosen: Array(100...105), rejected: Array(200...203))  // 6 + 6 = 12
        #expect(fit.prompt == Self.prompt && fit.chosen == Array(100...105) && fit.rejected == Array(200...203))
        #expect(!fit.truncated)
        let over = limits.apply(prompt: Self.prompt, chosen: Array(100...106), rejected: Array(200...203))  // 6 + 7 = 13
        #expect(over.prompt == [3, 4, 5, 6] && over.chosen == Array(100...106) && over.rejected == Array(200...203))
        #expect(over.truncated)  // only the prompt was cut; the responses fit in the 8 left
    }

    /// keep_end keeps the prompt's last tokens, so a BOS at its start is cut away with the rest
    /// (TRL v0.9.6 does the same: it adds BOS before truncating). keep_start keeps it.
    @Test func keepEndDropsTheLeadingBOSAndKeepStartKeepsIt() throws {
        let bos: UInt32 = 1500
        let prompt: [UInt32] = [bos, 11, 12, 13, 14, 15]
        let chosen: [UInt32] = Array(100...110), rejected: [UInt32] = [200]
        let end = try PreferenceLimits(maxLength: 8, maxPromptLength: 3, mode: .keepEnd).apply(prompt: prompt, chosen: chosen, rejected: rejected)
        #expect(end.prompt == [13, 14, 15])
        #expect(!end.prompt.contains(bos))
        #expect(end.chosen == Array(100...104) && end.rejected == [200])
        let start = try PreferenceLimits(maxLength: 8, maxPromptLength: 3, mode: .keepStart).apply(prompt: prompt, chosen: chosen, rejected: rejected)
        #expect(start.prompt == [bos, 11, 12])
        #expect(start.chosen == Array(100...104))
    }

    /// A prompt already at maxPromptLength is not shortened further; the responses take the rest.
    @Test func promptAtMaxPromptLengthOnlyResponsesAreCut() throws {
        let limits = try PreferenceLimits(maxLength: 7, maxPromptLength: 4)
        let cut = limits.apply(prompt: [1, 2, 3, 4], chosen: Array(100...109), rejected: Array(200...201))
        #expect(cut.prompt == [1, 2, 3, 4] && cut.chosen == [100, 101, 102] && cut.rejected == [200, 201] && cut.truncated)
    }

    @Test func defaultPromptLimitIsHalfTheLength() throws {
        #expect(try PreferenceLimits(maxLength: 9).maxPromptLength == 4)
        #expect(throws: TokenizeError.self) { try PreferenceLimits(maxLength: 1) }
        #expect(throws: TokenizeError.self) { try PreferenceLimits(maxLength: 8, maxPromptLength: 0) }
    }

    /// A document of exactly `length` tokens is one sequence; one of 2·length + 1 is three, each
    /// a document of its own, and the sequence opening mid-document names that document's record.
    @Test func packerExactAndOverlongDocuments() {
        var packer = SequencePacker(length: 4)
        packer.add(ids: [1, 2, 3, 4], trainable: [false, false, true, true], record: 1)
        #expect(packer.drain().map(\.documentLengths) == [[4]])
        packer.add(ids: Array(10...18), trainable: (10...18).map { $0 % 2 == 0 }, record: 2)
        packer.add(ids: [30], trainable: [true], record: 3)
        packer.finish()
        let s = packer.drain()
        #expect(s.map(\.ids) == [[10, 11, 12, 13], [14, 15, 16, 17], [18, 30]])
        #expect(s.map(\.trainable) == [[true, false, true, false], [true, false, true, false], [true, true]])
        #expect(s.map(\.documentLengths) == [[4], [4], [1, 1]])
        #expect(s.map(\.firstRecord) == [2, 2, 2])
        packer.finish()
        #expect(packer.drain().isEmpty, "finish with nothing pending adds no empty sequence")
    }
}
