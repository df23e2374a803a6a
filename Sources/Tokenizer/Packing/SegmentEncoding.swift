/// Tokenizes rendered text so that the pieces add up to the tokenization of the whole.
///
/// Join rule: encode the whole text once. A piece boundary falls at the token count of the
/// longest common prefix between the encoding of the text before the boundary and the whole
/// encoding. When BPE merges characters across a boundary, the merged token goes to the
/// earlier piece (the prompt), so `prompt + response` always equals the whole conversation's
/// tokenization, and nothing is tokenized differently for training than it would be in use.
public struct SegmentEncoder: Sendable {
    public let tokenizer: Tokenizer

    public init(tokenizer: Tokenizer) {
        self.tokenizer = tokenizer
    }

    /// Ids and per-token trainable flags of the concatenated segments.
    public func encode(_ segments: [TextSegment]) -> (ids: [UInt32], trainable: [Bool]) {
        let pieces = segments.map { tokenizer.encode($0.text, addSpecialTokens: false) }
        let joined = pieces.flatMap { $0 }
        let whole = tokenizer.encode(segments.map(\.text).joined(), addSpecialTokens: false)
        var trainable: [Bool] = []
        trainable.reserveCapacity(whole.count)
        if joined == whole {
            // Fast path: no merge crosses a boundary.
            for (piece, segment) in zip(pieces, segments) {
                trainable.append(contentsOf: repeatElement(segment.trainable, count: piece.count))
            }
            return (whole, trainable)
        }
        var prefixText = ""
        var start = 0
        for (i, segment) in segments.enumerated() {
            prefixText += segment.text
            let end = i == segments.count - 1 ? whole.count : Self.commonPrefix(tokenizer.encode(prefixText, addSpecialTokens: false), whole)
            let stop = max(start, end)
            trainable.append(contentsOf: repeatElement(segment.trainable, count: stop - start))
            start = stop
        }
        return (whole, trainable)
    }

    /// Prompt and response ids of `prompt + response` under the join rule.
    public func encodePair(prompt: String, response: String) -> (prompt: [UInt32], response: [UInt32]) {
        let whole = tokenizer.encode(prompt + response, addSpecialTokens: false)
        let promptIds = tokenizer.encode(prompt, addSpecialTokens: false)
        let k = Self.commonPrefix(promptIds, whole)
        return (Array(whole[..<k]), Array(whole[k...]))
    }

    static func commonPrefix(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var k = 0
        let n = min(a.count, b.count)
        while k < n, a[k] == b[k] { k += 1 }
        return k
    }
}
