import JSON

/// The Unigram model of a tokenizer.json (`model.type == "Unigram"`, SentencePiece's other
/// algorithm, used by T5 / ALBERT-style vocabularies): each pre-token is split into the
/// vocabulary pieces whose summed log-probability scores are highest (HF's `encode_optimized`
/// Viterbi), characters no piece covers become unk (consecutive ones fused), and with
/// `byte_fallback` an unknown piece becomes its `<0xNN>` tokens.
final class UnigramModel: Sendable {
    /// Piece bytes to id (a later duplicate wins, as in HF's map).
    let vocab: ByteStringMap
    /// id → score.
    let scores: [Double]
    let unkId: UInt32?
    let byteFallback: Bool
    /// An unknown character costs the lowest score minus 10 (HF's `K_UNK_PENALTY`).
    let unkScore: Double
    let maxPieceLength: Int
    /// Id of the `<0xNN>` token of each byte, -1 where the vocabulary lacks it.
    private let fallbackByteIds: [Int64]

    /// id → piece, in id order.
    let pieces: [String]

    /// `{"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0], ["▁the", -3.2], ...], "byte_fallback": false}`.
    init(json: JSONValue) throws(TokenizerError) {
        guard let items = json["vocab"]?.arrayValue else { throw .invalid("model.vocab", "expected an array of [piece, score]") }
        guard items.count < Tokenizer.maxId else { throw .invalid("model.vocab", "\(items.count) pieces is too many") }
        var pieces: [String] = []
        var scores: [Double] = []
        pieces.reserveCapacity(items.count)
        scores.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let pair = item.arrayValue, pair.count == 2, let piece = pair[0].stringValue, let score = pair[1].doubleValue else {
                throw .invalid("model.vocab[\(i)]", "expected [piece, score]")
            }
            pieces.append(piece)
            scores.append(SerdeFloat.reading(score))
        }
        if let unk = json["unk_id"], !unk.isNull {
            guard let id = unk.intValue, id >= 0, id < pieces.count else {
                throw .invalid("model.unk_id", "expected an index into model.vocab")
            }
            unkId = UInt32(id)
        } else {
            unkId = nil
        }
        let vocab = ByteStringMap(pieces.enumerated().map { (Array($1.utf8), UInt32($0)) })
        self.vocab = vocab
        self.pieces = pieces
        self.scores = scores
        byteFallback = json["byte_fallback"]?.boolValue ?? false
        unkScore = (scores.min() ?? 0) - 10
        maxPieceLength = pieces.map(\.utf8.count).max() ?? 0
        fallbackByteIds = (0..<256).map { b in vocab.get(Array(byteTokenName(UInt8(b)).utf8)).map(Int64.init) ?? -1 }
    }

    /// Appends the ids of one pre-token (non-empty) to `out`.
    func encodeWord(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout [UInt32], scratch: EncoderScratch) {
        let cacheable = n < WordCache.maxWordLength
        var h: UInt64 = 0
        if cacheable {
            h = hashBytes(p, n)
            if scratch.cache.append(p, n, hash: h, to: &out) { return }
        }
        let start = out.count
        for piece in bestPieces(p, n) { appendIds(of: piece, p, into: &out) }
        if cacheable { out.withUnsafeBufferPointer { scratch.cache.insert(p, n, hash: h, ids: UnsafeBufferPointer(rebasing: $0[start...])) } }
    }

    /// A byte range of the word and whether it is a run of unk nodes.
    private struct Piece {
        var range: Range<Int>
        var unknown: Bool
    }

    private static let noNode = UInt32.max

    /// HF's Viterbi: for each character boundary, the best-scoring path that ends there. Ties
    /// keep the first candidate: shorter pieces before longer, the unk step last.
    private func bestPieces(_ p: UnsafePointer<UInt8>, _ n: Int) -> [Piece] {
        var best = [Double](repeating: 0, count: n + 1)
        var from = [Int](repeating: -1, count: n + 1)
        var node = [UInt32](repeating: Self.noNode, count: n + 1)
        func offer(_ id: UInt32, _ score: Double, from start: Int, to end: Int) {
            if from[end] < 0 || score > best[end] {
                best[end] = score
                from[end] = start
                node[end] = id
            }
        }
        var start = 0
        while start < n {
            let charLength = scalarLength(p[start])
            var coversChar = false
            var length = 1
            while length <= min(maxPieceLength, n - start) {
                if let id = vocab.get(p + start, length) {
                    offer(id, scores[Int(id)] + best[start], from: start, to: start + length)
                    if length == charLength { coversChar = true }
                }
                length += 1
            }
            if !coversChar { offer(unkId ?? Self.noNode, unkScore + best[start], from: start, to: start + charLength) }
            start += charLength
        }
        // Walk back; nodes whose id is the unk id fuse (HF's Unigram always has fuse_unk).
        var pieces: [Piece] = []
        var end = n
        while end > 0 {
            let begin = from[end]
            let isUnk = unkId != nil && node[end] == unkId
            if isUnk, let last = pieces.last, last.unknown {
                pieces[pieces.count - 1].range = begin..<last.range.upperBound
            } else {
                pieces.append(Piece(range: begin..<end, unknown: isUnk))
            }
            end = begin
        }
        return pieces.reversed()
    }

    /// HF's `tokenize`: a piece's id by its text; else its `<0xNN>` tokens (byte_fallback); else unk.
    private func appendIds(of piece: Piece, _ p: UnsafePointer<UInt8>, into out: inout [UInt32]) {
        let start = p + piece.range.lowerBound
        if let id = vocab.get(start, piece.range.count) {
            out.append(id)
            return
        }
        let bytes = UnsafeBufferPointer(start: start, count: piece.range.count)
        if byteFallback && bytes.allSatisfy({ fallbackByteIds[Int($0)] >= 0 }) {
            for b in bytes { out.append(UInt32(fallbackByteIds[Int(b)])) }
            return
        }
        // HF fails the whole encode when there is no unk id; the piece is dropped instead.
        if let unkId { out.append(unkId) }
    }
}

/// `<0x0A>`: the name SentencePiece and HF give the byte-fallback token of a byte.
func byteTokenName(_ b: UInt8) -> String {
    let hex = String(b, radix: 16, uppercase: true)
    return "<0x" + (b < 16 ? "0" : "") + hex + ">"
}
