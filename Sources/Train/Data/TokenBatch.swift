/// The trainer's input: `rows` sequences of `length` tokens, row-major.
///
/// `targets[i]` is the token that should follow `inputs[i]` (already shifted), and
/// `lossWeights[i]` says whether (1) or not (0) that prediction counts. Packed rows carry
/// several documents: `documentIds` marks them, attention never crosses a document boundary,
/// and rotary positions restart at 0 for each document, so a packed document is computed
/// exactly as if it were alone. Padding is a document of its own with weight 0.
public struct TokenBatch: Sendable, Equatable {
    public let rows: Int
    public let length: Int
    public let inputs: [Int32]
    public let targets: [Int32]
    public let lossWeights: [Float]
    public let documentIds: [Int32]
    /// Rotary position of each token: its offset within its document.
    public let positions: [Int32]
    /// Index (within the row) of the first token of each token's document.
    public let documentStarts: [Int32]

    public var tokenCount: Int { rows * length }

    public init(
        rows: Int, length: Int, inputs: [Int32], targets: [Int32], lossWeights: [Float], documentIds: [Int32]? = nil
    ) throws(TrainError) {
        guard rows > 0, length > 0 else { throw .invalidBatch("rows and length must be positive, got \(rows)×\(length)") }
        let (n, overflow) = rows.multipliedReportingOverflow(by: length)
        guard !overflow, n <= 1 << 28 else { throw .invalidBatch("\(rows)×\(length) tokens is too large") }
        for (name, count) in [("inputs", inputs.count), ("targets", targets.count), ("lossWeights", lossWeights.count),
                              ("documentIds", documentIds?.count ?? n)] where count != n {
            throw .invalidBatch("\(name) has \(count) entries, expected rows×length = \(n)")
        }
        if let w = lossWeights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw .invalidBatch("lossWeights[\(w)] = \(lossWeights[w]) must be finite and non-negative")
        }
        self.rows = rows
        self.length = length
        self.inputs = inputs
        self.targets = targets
        self.lossWeights = lossWeights
        let docs = documentIds ?? [Int32](repeating: 0, count: n)
        self.documentIds = docs
        var positions = [Int32](repeating: 0, count: n)
        var starts = [Int32](repeating: 0, count: n)
        for r in 0..<rows {
            var start = 0
            for t in 0..<length {
                let i = r * length + t
                if t > 0, docs[i] != docs[i - 1] { start = t }
                positions[i] = Int32(t - start)
                starts[i] = Int32(start)
            }
        }
        self.positions = positions
        self.documentStarts = starts
    }

    /// Checks every id the model will read against its vocabulary size.
    public func validate(vocabSize: Int) throws(TrainError) {
        for i in 0..<tokenCount {
            guard inputs[i] >= 0, Int(inputs[i]) < vocabSize else {
                throw .invalidBatch("input token \(inputs[i]) at row \(i / length), position \(i % length) is outside the vocabulary (size \(vocabSize))")
            }
            if lossWeights[i] != 0, targets[i] < 0 || Int(targets[i]) >= vocabSize {
                throw .invalidBatch("target token \(targets[i]) at row \(i / length), position \(i % length) is outside the vocabulary (size \(vocabSize))")
            }
        }
    }

    /// Sum of the loss weights: the number of predicted tokens.
    public var weightSum: Double { lossWeights.reduce(0) { $0 + Double($1) } }

    /// Stacks two batches of the same length: `self`'s rows first.
    public func stacked(with other: TokenBatch) throws(TrainError) -> TokenBatch {
        guard other.length == length else { throw .invalidBatch("cannot stack rows of length \(length) and \(other.length)") }
        return try TokenBatch(
            rows: rows + other.rows, length: length, inputs: inputs + other.inputs, targets: targets + other.targets,
            lossWeights: lossWeights + other.lossWeights, documentIds: documentIds + other.documentIds)
    }
}
