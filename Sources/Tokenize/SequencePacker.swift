/// Packs tokenized documents into sequences of exactly `length` tokens (the last may be
/// shorter): documents are laid end to end and cut at every `length`; a document crossing a
/// cut continues as a new document at the start of the next sequence. Each sequence records
/// its document lengths so attention and loss never cross documents. No token is dropped.
public struct SequencePacker {
    public struct Sequence: Sendable, Equatable {
        public var ids: [UInt32]
        public var trainable: [Bool]
        public var documentLengths: [Int]
        /// The record whose tokens open the sequence.
        public var firstRecord: Int64?
    }

    public let length: Int
    public private(set) var sequences: [Sequence] = []
    private var ids: [UInt32] = []
    private var trainable: [Bool] = []
    private var lengths: [Int] = []
    private var firstRecord: Int64?

    public init(length: Int) {
        precondition(length > 0)
        self.length = length
    }

    public mutating func add(ids docIds: [UInt32], trainable docMask: [Bool], record: Int64?) {
        var offset = 0
        while offset < docIds.count {
            if firstRecord == nil { firstRecord = record }
            let take = min(length - ids.count, docIds.count - offset)
            ids.append(contentsOf: docIds[offset..<(offset + take)])
            trainable.append(contentsOf: docMask[offset..<(offset + take)])
            lengths.append(take)
            offset += take
            if ids.count == length { close() }
        }
    }

    /// Hands over the sequences closed so far.
    public mutating func drain() -> [Sequence] {
        defer { sequences.removeAll() }
        return sequences
    }

    /// Closes the last, shorter sequence.
    public mutating func finish() {
        if !ids.isEmpty { close() }
    }

    private mutating func close() {
        sequences.append(Sequence(ids: ids, trainable: trainable, documentLengths: lengths, firstRecord: firstRecord))
        ids = []
        trainable = []
        lengths = []
        firstRecord = nil
    }
}
