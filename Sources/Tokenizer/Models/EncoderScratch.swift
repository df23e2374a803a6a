import Synchronization

/// Working memory of one encode call: symbol buffers for merging and the word cache. Owned
/// by one thread at a time (checked out of `ScratchPool`), so encode needs no locks inside.
final class EncoderScratch: @unchecked Sendable {
    private(set) var capacity = 0
    private(set) var symbols = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    private(set) var ranks = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    private(set) var prev = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var next = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var alive = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
    var heap = BinaryHeap<PendingMerge>()
    let cache = WordCache()

    init() {
        reserve(256)
    }

    deinit {
        symbols.deallocate()
        ranks.deallocate()
        prev.deallocate()
        next.deallocate()
        alive.deallocate()
    }

    /// Makes room for `n` symbols.
    func reserve(_ n: Int) {
        guard n > capacity else { return }
        let newCapacity = max(n, capacity * 2)
        symbols.deallocate()
        ranks.deallocate()
        prev.deallocate()
        next.deallocate()
        alive.deallocate()
        symbols = .allocate(capacity: newCapacity)
        ranks = .allocate(capacity: newCapacity)
        prev = .allocate(capacity: newCapacity)
        next = .allocate(capacity: newCapacity)
        alive = .allocate(capacity: newCapacity)
        capacity = newCapacity
    }
}

/// A few scratches shared by the threads that encode with one tokenizer. Taking and returning
/// one costs a lock each per encode call, not per word, and the caches stay warm.
final class ScratchPool: Sendable {
    private let free = Mutex<[EncoderScratch]>([])

    func withScratch<R>(_ body: (EncoderScratch) -> R) -> R {
        let scratch = free.withLock { $0.popLast() } ?? EncoderScratch()
        defer { free.withLock { if $0.count < 64 { $0.append(scratch) } } }
        return body(scratch)
    }
}
