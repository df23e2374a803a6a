/// Where training batches come from (the shard reader implements this). The trainer decides
/// the order: it asks for indices of a seeded per-epoch permutation.
public protocol TokenBatchSource: Sendable {
    /// Micro-batches in one epoch.
    var batchCount: Int { get }
    func batch(at index: Int) throws(TrainError) -> TokenBatch
}

/// Documents (token id sequences) packed greedily into rows of `length` predictions, `rows`
/// rows per batch. A document of n tokens gives n − 1 predictions (input tᵢ, target tᵢ₊₁);
/// one longer than a row is cut into row-sized pieces. The rest of a row is padding with
/// weight 0. Used for tests and for the developer text path of `pref train`.
public struct PackedDocuments: TokenBatchSource {
    public let rows: Int
    public let length: Int
    private var inputs: [Int32] = []
    private var targets: [Int32] = []
    private var weights: [Float] = []
    private var documentIds: [Int32] = []
    public private(set) var rowCount = 0
    public private(set) var predictionCount = 0

    /// `lossMasks[d][i]` says whether token i+1 of document d is predicted with loss (e.g.
    /// only assistant turns); nil means every token counts.
    public init(documents: [[Int32]], lossMasks: [[Bool]]? = nil, rows: Int, length: Int, padToken: Int32 = 0) throws(TrainError) {
        guard rows > 0, length > 0 else { throw .invalidOption("rows and length must be positive") }
        if let lossMasks, lossMasks.count != documents.count {
            throw .invalidOption("lossMasks has \(lossMasks.count) entries for \(documents.count) documents")
        }
        self.rows = rows
        self.length = length
        var fill = 0
        var nextId: Int32 = 0
        func closeRow() {
            while fill < length {
                inputs.append(padToken); targets.append(-1); weights.append(0); documentIds.append(-1)
                fill += 1
            }
            fill = 0
            rowCount += 1
        }
        for (d, doc) in documents.enumerated() where doc.count >= 2 {
            var start = 0
            while start < doc.count - 1 {
                if fill == length { closeRow() }
                let take = min(length - fill, doc.count - 1 - start)
                for i in start..<(start + take) {
                    inputs.append(doc[i]); targets.append(doc[i + 1])
                    let counts = lossMasks.map { i < $0[d].count ? $0[d][i] : false } ?? true
                    weights.append(counts ? 1 : 0)
                    documentIds.append(nextId)
                    if counts { predictionCount += 1 }
                }
                fill += take
                start += take
                nextId &+= 1
            }
        }
        if fill > 0 { closeRow() }
        // Whole batches only: the last partial batch is padded with empty rows.
        while rowCount % rows != 0 {
            fill = 0
            closeRow()
        }
    }

    public var batchCount: Int { rowCount / rows }

    public func batch(at index: Int) throws(TrainError) -> TokenBatch {
        guard index >= 0, index < batchCount else { throw .invalidBatch("batch index \(index) outside 0..<\(batchCount)") }
        let range = (index * rows * length)..<((index + 1) * rows * length)
        return try TokenBatch(rows: rows, length: length, inputs: Array(inputs[range]), targets: Array(targets[range]),
                              lossWeights: Array(weights[range]), documentIds: Array(documentIds[range]))
    }
}
