import JSON

/// The trainer's working state: words as flat symbol runs, pair counts, the merge queue.
struct MergeState {
    let options: BPETrainingOptions
    var tokens: [String] = []
    var tokenIds: [String: UInt32] = [:]
    /// Length of each token in byte characters (HF's symbol `len`), for `maxTokenLength`.
    var tokenLength: [Int] = []
    var specialCount = 0

    var symbols: [UInt32] = []
    var wordStart: [Int] = []
    var wordLength: [Int32] = []
    var wordFrequency: [Int64] = []
    var wordCount: Int { wordStart.count }

    var pairCounts = PairCounts()
    var queue = BinaryHeap<CandidateMerge>()
    /// Word lists of queue entries, back to back.
    var positions: [Int32] = []
    var merges: [(UInt32, UInt32, UInt32)] = []

    init(options: BPETrainingOptions, words: ByteStringCounter) {
        self.options = options
        for special in options.specialTokens where tokenIds[special] == nil { addToken(special, length: special.unicodeScalars.count) }
        specialCount = tokens.count
        // The byte alphabet, sorted by code point (HF sorts the kept characters).
        var byteId = [UInt32](repeating: 0, count: 256)
        for (b, scalar) in ByteLevel.byteToScalar.enumerated().sorted(by: { $0.1.value < $1.1.value }) {
            let text = String(scalar)
            byteId[b] = tokenIds[text] ?? addToken(text, length: 1)
        }
        symbols.reserveCapacity(words.count * 6)
        words.forEach { word, frequency in
            wordStart.append(symbols.count)
            wordLength.append(Int32(word.count))
            wordFrequency.append(frequency)
            for b in word { symbols.append(byteId[Int(b)]) }
        }
    }

    @discardableResult
    mutating func addToken(_ text: String, length: Int) -> UInt32 {
        let id = UInt32(tokens.count)
        tokens.append(text)
        tokenIds[text] = id
        tokenLength.append(length)
        return id
    }

    static func key(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(a) << 32 | UInt64(b) }

    /// Pair counts and, per pair, the words holding it (HF's `count_pairs`).
    mutating func countPairs() {
        var occurrences: [(UInt64, Int32)] = []
        occurrences.reserveCapacity(symbols.count)
        for w in 0..<wordCount {
            let start = wordStart[w], n = Int(wordLength[w])
            guard n > 1 else { continue }
            for k in start..<(start + n - 1) {
                let pair = Self.key(symbols[k], symbols[k + 1])
                pairCounts.add(pair, wordFrequency[w])
                occurrences.append((pair, Int32(w)))
            }
        }
        pushGroups(&occurrences)
    }

    /// Sorts (pair, word) occurrences, and queues each pair with its distinct words.
    mutating func pushGroups(_ occurrences: inout [(UInt64, Int32)]) {
        occurrences.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var i = 0
        while i < occurrences.count {
            let pair = occurrences[i].0
            let start = positions.count
            var lastWord: Int32 = -1
            while i < occurrences.count && occurrences[i].0 == pair {
                if occurrences[i].1 != lastWord {
                    lastWord = occurrences[i].1
                    positions.append(lastWord)
                }
                i += 1
            }
            let count = pairCounts[pair]
            if count > 0 {
                queue.push(CandidateMerge(count: count, pair: pair, start: start, length: positions.count - start))
            } else {
                positions.removeSubrange(start...)
            }
        }
    }

    mutating func mergeUntilDone(_ progress: (Int) -> Void) {
        let maxLength = options.maxTokenLength ?? Int.max
        var changes: [(UInt64, Int32)] = []
        var added: [(UInt64, Int32)] = []
        while tokens.count < options.vocabSize, var top = queue.pop() {
            let current = pairCounts[top.pair]
            if top.count != current {
                top.count = current
                queue.push(top)
                continue
            }
            if top.count < 1 || options.minFrequency > top.count { break }
            let a = UInt32(top.pair >> 32), b = UInt32(truncatingIfNeeded: top.pair)
            let text = tokens[Int(a)] + tokens[Int(b)]
            let merged = tokenIds[text] ?? addToken(text, length: tokenLength[Int(a)] + tokenLength[Int(b)])
            merges.append((a, b, merged))

            changes.removeAll(keepingCapacity: true)
            for p in top.start..<(top.start + top.length) {
                mergeWord(Int(positions[p]), a, b, merged, maxLength: maxLength, changes: &changes)
            }
            added.removeAll(keepingCapacity: true)
            for (encoded, word) in changes {
                // The low bit of the key carries the sign (see mergeWord).
                let pair = encoded >> 1
                let delta: Int64 = encoded & 1 == 1 ? 1 : -1
                pairCounts.add(pair, delta * wordFrequency[Int(word)])
                if delta > 0 { added.append((pair, word)) }
            }
            pushGroups(&added)
            if merges.count % 1000 == 0 { progress(tokens.count) }
        }
        progress(tokens.count)
    }

    /// HF's `Word::merge`: left to right, non-overlapping; records the pair changes as
    /// (pair << 1 | isIncrease, word). Pair keys fit in 63 bits since ids are below 2^31.
    mutating func mergeWord(_ w: Int, _ a: UInt32, _ b: UInt32, _ merged: UInt32, maxLength: Int,
                            changes: inout [(UInt64, Int32)]) {
        let start = wordStart[w]
        var n = Int(wordLength[w])
        let word = Int32(w)
        let mergedLength = tokenLength[Int(merged)]
        var i = 0
        while i < n {
            if symbols[start + i] == a && i + 1 < n && symbols[start + i + 1] == b {
                if i > 0 {
                    let previous = symbols[start + i - 1]
                    changes.append((Self.key(previous, a) << 1, word))
                    if tokenLength[Int(previous)] + mergedLength < maxLength {
                        changes.append((Self.key(previous, merged) << 1 | 1, word))
                    }
                }
                symbols[start + i] = merged
                var k = start + i + 1
                while k < start + n - 1 {
                    symbols[k] = symbols[k + 1]
                    k += 1
                }
                n -= 1
                if i < n - 1 {
                    let next = symbols[start + i + 1]
                    changes.append((Self.key(b, next) << 1, word))
                    if tokenLength[Int(next)] + mergedLength < maxLength {
                        changes.append((Self.key(merged, next) << 1 | 1, word))
                    }
                }
            }
            i += 1
        }
        wordLength[w] = Int32(n)
    }

    /// The trained tokenizer.json (special tokens as added tokens, byte-level decoder).
    func tokenizerJSON(normalizerJSON: String, preTokenizerJSON: String) -> [UInt8] {
        var sections: [String: JSONValue] = [:]
        for key in TokenizerSerialization.sectionKeys { sections[key] = .null }
        sections["normalizer"] = try? JSONParser.parse(normalizerJSON)
        sections["pre_tokenizer"] = try? JSONParser.parse(preTokenizerJSON)
        sections["post_processor"] = try? JSONParser.parse(#"{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false,"use_regex":true}"#)
        sections["decoder"] = try? JSONParser.parse(#"{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}"#)
        var lastRank: [UInt64: Int] = [:]
        for (rank, (a, b, _)) in merges.enumerated() { lastRank[Self.key(a, b)] = rank }
        var orderedMerges: [(String, String)] = []
        for (rank, (a, b, _)) in merges.enumerated() where lastRank[Self.key(a, b)] == rank {
            orderedMerges.append((tokens[Int(a)], tokens[Int(b)]))
        }
        let serialization = TokenizerSerialization(
            sections: sections,
            modelOptions: TokenizerSerialization.modelOptions(of: .object(JSONObject())),
            vocab: tokens.enumerated().map { ($1, UInt32($0)) },
            merges: orderedMerges)
        let added = options.specialTokens.compactMap { special in
            tokenIds[special].map { AddedToken(id: $0, content: special, normalized: false, special: true) }
        }
        var seen = Set<UInt32>()
        return serialization.write(addedTokens: added.filter { seen.insert($0.id).inserted })
    }
}

/// A candidate merge in the trainer's heap: the highest count first, then the smaller pair
/// (HF's `Merge` order).
struct CandidateMerge: HeapOrdered {
    var count: Int64
    var pair: UInt64
    var start: Int
    var length: Int

    @inline(__always)
    static func precedes(_ x: CandidateMerge, _ y: CandidateMerge) -> Bool {
        x.count != y.count ? x.count > y.count : x.pair < y.pair
    }
}
