import Tokenizer

/// Tokenizes rendered text so that the pieces add up to the tokenization of the whole.
///
/// Join rule (the same as `Tokenizer.encode(prompt:responses:)` for preference pairs):
/// encode the whole text once; a piece boundary falls at the longest common prefix between
/// the encoding of the text before the boundary and the whole encoding, so a token that BPE
/// merges across the boundary goes to the later piece. The pieces always add up to the
/// whole conversation's tokenization: nothing is tokenized differently for training than
/// it is in use.
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

    static func commonPrefix(_ a: [UInt32], _ b: [UInt32]) -> Int {
        var k = 0
        let n = min(a.count, b.count)
        while k < n, a[k] == b[k] { k += 1 }
        return k
    }
}
