/// Where DPO batches come from (the shard reader with stored reference log-probs implements
/// this). As with `TokenBatchSource`, the trainer decides the order.
public protocol PreferenceBatchSource: Sendable {
    var batchCount: Int { get }
    func batch(at index: Int) throws(TrainError) -> PreferenceBatch
}

/// Pairs held in memory, `pairsPerBatch` to a batch (the last batch may be smaller).
public struct PreferencePairs: PreferenceBatchSource {
    public let batches: [PreferenceBatch]
    public init(batches: [PreferenceBatch]) { self.batches = batches }
    public var batchCount: Int { batches.count }
    public func batch(at index: Int) throws(TrainError) -> PreferenceBatch {
        guard index >= 0, index < batches.count else { throw .invalidBatch("batch index \(index) outside 0..<\(batches.count)") }
        return batches[index]
    }
}
