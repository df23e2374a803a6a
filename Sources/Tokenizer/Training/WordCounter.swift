import Dispatch
import Foundation

/// A growable map from byte strings to counts: the words of a training corpus.
final class ByteStringCounter {
    private(set) var count = 0
    private var mask: Int
    private var slots: [Int32]  // entry index + 1, 0 = empty
    private var hashes: [UInt64] = []
    private var offsets: [Int] = []
    private var lengths: [Int32] = []
    private(set) var counts: [Int64] = []
    private var arena: [UInt8] = []

    init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        mask = size - 1
        slots = [Int32](repeating: 0, count: size)
    }

    func add(_ p: UnsafePointer<UInt8>, _ n: Int, _ amount: Int64 = 1) {
        let h = hashBytes(p, n)
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] != 0 {
            let e = Int(slots[slot] - 1)
            if hashes[e] == h && Int(lengths[e]) == n && arena.withUnsafeBufferPointer({ equalBytes($0.baseAddress! + offsets[e], p, n) }) {
                counts[e] += amount
                return
            }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(count + 1)
        hashes.append(h)
        offsets.append(arena.count)
        lengths.append(Int32(n))
        counts.append(amount)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        count += 1
        if count * 2 > slots.count { grow() }
    }

    private func grow() {
        let size = slots.count * 2
        mask = size - 1
        slots = [Int32](repeating: 0, count: size)
        for e in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[e]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(e + 1)
        }
    }

    /// Adds every entry of `other`.
    func merge(_ other: ByteStringCounter) {
        other.arena.withUnsafeBufferPointer { a in
            guard let base = a.baseAddress else { return }
            for e in 0..<other.count { add(base + other.offsets[e], Int(other.lengths[e]), other.counts[e]) }
        }
    }

    /// Calls `body` with each word and its count, in insertion order.
    func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int64) -> Void) {
        arena.withUnsafeBufferPointer { a in
            for e in 0..<count {
                let start = a.baseAddress.map { $0 + offsets[e] }
                body(UnsafeBufferPointer(start: start, count: Int(lengths[e])), counts[e])
            }
        }
    }
}

/// Pre-tokenizes texts (normalizer + pre-tokenizer, no added tokens: HF's trainer feed) and
/// counts the words, in parallel over chunks of texts.
struct WordCounter {
    let normalizer: Normalizer
    let preTokenizer: PreTokenizer

    func count(_ texts: [String]) -> ByteStringCounter {
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunks = min(texts.count, threads * 4)
        guard chunks > 1 else {
            let counter = ByteStringCounter()
            for text in texts { add(text, to: counter) }
            return counter
        }
        var partials = [ByteStringCounter?](repeating: nil, count: chunks)
        partials.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendableBox(buffer)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let counter = ByteStringCounter(capacity: 1 << 14)
                let lower = texts.count * c / chunks, upper = texts.count * (c + 1) / chunks
                for i in lower..<upper { add(texts[i], to: counter) }
                out.value[c] = counter
            }
        }
        let total = partials[0] ?? ByteStringCounter()
        for partial in partials.dropFirst() { if let partial { total.merge(partial) } }
        return total
    }

    private func add(_ text: String, to counter: ByteStringCounter) {
        var text = text
        text.withUTF8 { raw in
            if normalizer.isIdentity {
                preTokenizer.run(raw) { counter.add($0.baseAddress!, $0.count) }
            } else {
                normalizer.apply(raw).withUnsafeBufferPointer { normalized in
                    preTokenizer.run(normalized) { counter.add($0.baseAddress!, $0.count) }
                }
            }
        }
    }
}
