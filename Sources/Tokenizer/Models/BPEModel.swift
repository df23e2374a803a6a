/// The BPE model of a tokenizer.json (`model.type == "BPE"`): vocabulary, ranked merges and
/// the options that change how a pre-token becomes ids. Vocabulary keys are the model's units
/// as raw bytes: for byte-level tokenizers a token like `Ġthe` is stored as ` the`.
final class BPEModel: Sendable {
    /// Unit strings (raw bytes) to ids.
    let vocab: ByteStringMap
    let merges: MergeTable
    /// Whether units are bytes (a ByteLevel pre-tokenizer maps each byte to one character) or
    /// Unicode scalars.
    let unitsAreBytes: Bool
    let unkId: UInt32?
    let fuseUnk: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    /// As raw bytes (for byte-level models, mapped back from the byte alphabet).
    let continuingSubwordPrefix: [UInt8]?
    let endOfWordSuffix: [UInt8]?
    /// Id of each single byte when units are bytes and no prefix/suffix applies (the fast
    /// path), -1 where the vocabulary lacks it.
    private let byteIds: [Int64]
    private let simpleUnits: Bool
    /// Id of the `<0xNN>` token of each byte, -1 where the vocabulary lacks it.
    private let fallbackByteIds: [Int64]
    /// Words with at most this many symbols merge by linear scan, longer ones with the heap
    /// (both give HF's order; tests lower it to run every word through the heap).
    let linearMergeLimit: Int

    init(vocab: ByteStringMap, merges: MergeTable, unitsAreBytes: Bool, unkId: UInt32?, fuseUnk: Bool,
         byteFallback: Bool, ignoreMerges: Bool, continuingSubwordPrefix: [UInt8]?, endOfWordSuffix: [UInt8]?,
         linearMergeLimit: Int = 64) {
        self.linearMergeLimit = linearMergeLimit
        self.vocab = vocab
        self.merges = merges
        self.unitsAreBytes = unitsAreBytes
        self.unkId = unkId
        self.fuseUnk = fuseUnk
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        // An empty decoration ("" in many tokenizer.json files, SmolLM2's among them) changes
        // no unit, as in HF; as nil it keeps words on the fast path below.
        self.continuingSubwordPrefix = continuingSubwordPrefix?.isEmpty == false ? continuingSubwordPrefix : nil
        self.endOfWordSuffix = endOfWordSuffix?.isEmpty == false ? endOfWordSuffix : nil
        var byteIds = [Int64](repeating: -1, count: 256)
        for b in 0..<256 { if let id = vocab.get([UInt8(b)]) { byteIds[b] = Int64(id) } }
        self.byteIds = byteIds
        fallbackByteIds = (0..<256).map { b in vocab.get(Array(byteTokenName(UInt8(b)).utf8)).map(Int64.init) ?? -1 }
        // The fast path is exact when every byte has an id and nothing decorates units.
        simpleUnits = unitsAreBytes && self.continuingSubwordPrefix == nil && self.endOfWordSuffix == nil
            && !byteIds.contains(-1)
    }

    /// Appends the ids of one pre-token (non-empty) to `out`.
    @inline(__always)
    func encodeWord(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout [UInt32], scratch: EncoderScratch) {
        if n == 1 && simpleUnits {
            out.append(UInt32(truncatingIfNeeded: byteIds[Int(p[0])]))
            return
        }
        if ignoreMerges, let id = vocab.get(p, n) {
            out.append(id)
            return
        }
        let cacheable = n < WordCache.maxWordLength
        var h: UInt64 = 0
        if cacheable {
            h = hashBytes(p, n)
            if scratch.cache.append(p, n, hash: h, to: &out) { return }
        }
        let count = initialSymbols(p, n, scratch)
        let merged = count <= linearMergeLimit ? mergeSmall(scratch, count) : mergeLarge(scratch, count)
        let word = UnsafeBufferPointer(start: scratch.symbols, count: merged)
        out.append(contentsOf: word)
        if cacheable { scratch.cache.insert(p, n, hash: h, ids: word) }
    }

    // MARK: - Initial symbols (HF's `merge_word` before `merge_all`)

    private func initialSymbols(_ p: UnsafePointer<UInt8>, _ n: Int, _ scratch: EncoderScratch) -> Int {
        if simpleUnits {
            scratch.reserve(n + 1)
            for i in 0..<n { scratch.symbols[i] = UInt32(truncatingIfNeeded: byteIds[Int(p[i])]) }
            return n
        }
        // Byte fallback emits the decoration's bytes too, and up to two per byte when they are
        // byte-level characters.
        let decoration = (continuingSubwordPrefix?.count ?? 0) + (endOfWordSuffix?.count ?? 0)
        scratch.reserve(byteFallback ? 2 * n * (1 + decoration) + 1 : n + 1)
        let symbols = scratch.symbols
        var count = 0
        func add(_ id: UInt32) {
            symbols[count] = id
            count += 1
        }
        var pendingUnk: UInt32?
        let decorated = continuingSubwordPrefix != nil || endOfWordSuffix != nil
        var i = 0
        while i < n {
            let length = unitsAreBytes ? 1 : scalarLength(p[i])
            var unit: [UInt8] = []
            if decorated {
                if i > 0, let prefix = continuingSubwordPrefix { unit += prefix }
                unit += UnsafeBufferPointer(start: p + i, count: length)
                if i + length >= n, let suffix = endOfWordSuffix { unit += suffix }
            }
            let found = decorated ? vocab.get(unit) : vocab.get(p + i, length)
            if let id = found {
                i += length
                if let unk = pendingUnk { add(unk); pendingUnk = nil }
                add(id)
                continue
            }
            if !decorated { unit = Array(UnsafeBufferPointer(start: p + i, count: length)) }
            i += length
            if byteFallback, let ids = fallbackIds(unit) {
                // HF does not flush a pending unk here; it stays pending and lands after these.
                for id in ids { add(id) }
                continue
            }
            guard let unk = unkId else { continue }  // HF drops the unit silently
            if pendingUnk != nil && !fuseUnk { add(unk) }
            pendingUnk = unk
        }
        if let unk = pendingUnk { add(unk) }
        return count
    }

    /// `<0xXX>` tokens for each UTF-8 byte of the unit as the model sees it (for byte-level
    /// models, the mapped characters), or nil if one is missing.
    private func fallbackIds(_ unit: [UInt8]) -> [UInt32]? {
        let seen = unitsAreBytes ? Array(ByteLevel.token(ofBytes: unit).utf8) : unit
        var ids: [UInt32] = []
        for b in seen {
            guard fallbackByteIds[Int(b)] >= 0 else { return nil }
            ids.append(UInt32(fallbackByteIds[Int(b)]))
        }
        return ids
    }

    // MARK: - Merging

    /// Repeatedly merges the lowest-ranked adjacent pair, leftmost first: HF's heap order,
    /// done with a linear scan, which is faster for short words.
    private func mergeSmall(_ scratch: EncoderScratch, _ count: Int) -> Int {
        let symbols = scratch.symbols
        var count = count
        guard count > 1 else { return count }
        // r[k] describes the pair (symbols[k], symbols[k+1]): rank << 32 | merged id.
        let r = scratch.ranks
        for k in 0..<(count - 1) { r[k] = merges.lookup(symbols[k], symbols[k + 1]) }
        while true {
            var best = UInt64.max
            var at = 0
            for k in 0..<(count - 1) where r[k] < best {
                best = r[k]
                at = k
            }
            if best == UInt64.max { break }
            symbols[at] = UInt32(truncatingIfNeeded: best)
            // Remove symbols[at + 1] and the pair it started.
            var k = at + 1
            while k < count - 1 {
                symbols[k] = symbols[k + 1]
                r[k] = r[k + 1]
                k += 1
            }
            count -= 1
            if at > 0 { r[at - 1] = merges.lookup(symbols[at - 1], symbols[at]) }
            if at < count - 1 { r[at] = merges.lookup(symbols[at], symbols[at + 1]) }
            if count == 1 { break }
        }
        return count
    }

    /// HF's `Word::merge_all`: a linked list of symbols and a min-heap of (rank, position),
    /// with stale entries skipped. O(n log n) for long pre-tokens.
    private func mergeLarge(_ scratch: EncoderScratch, _ count: Int) -> Int {
        let symbols = scratch.symbols
        let prev = scratch.prev
        let next = scratch.next
        let alive = scratch.alive
        var heap = scratch.heap
        heap.removeAll(keepingCapacity: true)
        for k in 0..<count {
            prev[k] = Int32(k - 1)
            next[k] = k + 1 < count ? Int32(k + 1) : -1
            alive[k] = true
        }
        for k in 0..<(count - 1) {
            let m = merges.lookup(symbols[k], symbols[k + 1])
            if m != UInt64.max { heap.push(PendingMerge(rank: m >> 32, position: k, merged: UInt32(truncatingIfNeeded: m))) }
        }
        while let top = heap.pop() {
            let pos = top.position
            guard alive[pos], next[pos] >= 0 else { continue }
            let right = Int(next[pos])
            let m = merges.lookup(symbols[pos], symbols[right])
            guard m != UInt64.max, UInt32(truncatingIfNeeded: m) == top.merged else { continue }
            symbols[pos] = top.merged
            alive[right] = false
            next[pos] = next[right]
            if next[right] >= 0 { prev[Int(next[right])] = Int32(pos) }
            if prev[pos] >= 0 {
                let left = Int(prev[pos])
                let lm = merges.lookup(symbols[left], symbols[pos])
                if lm != UInt64.max { heap.push(PendingMerge(rank: lm >> 32, position: left, merged: UInt32(truncatingIfNeeded: lm))) }
            }
            if next[pos] >= 0 {
                let rm = merges.lookup(symbols[pos], symbols[Int(next[pos])])
                if rm != UInt64.max { heap.push(PendingMerge(rank: rm >> 32, position: pos, merged: UInt32(truncatingIfNeeded: rm))) }
            }
        }
        scratch.heap = heap
        var out = 0
        for k in 0..<count where alive[k] {
            symbols[out] = symbols[k]
            out += 1
        }
        return out
    }
}

/// A merge waiting in the encoder's heap; the lowest (rank, position) comes first, HF's
/// `Merge` ordering.
struct PendingMerge: HeapOrdered {
    var key: UInt64  // rank << 32 | position
    var merged: UInt32
    var position: Int { Int(key & 0xFFFF_FFFF) }

    init(rank: UInt64, position: Int, merged: UInt32) {
        key = rank << 32 | UInt64(position)
        self.merged = merged
    }

    @inline(__always)
    static func precedes(_ a: PendingMerge, _ b: PendingMerge) -> Bool { a.key < b.key }
}
