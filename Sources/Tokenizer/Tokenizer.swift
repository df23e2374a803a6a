import Dispatch
import Foundation
import JSON
import Synchronization

/// Ids of the tokens that play a role the model depends on. A tokenizer.json does not say which
/// token is BOS or EOS; they come from the model's tokenizer_config.json when there is one,
/// else from the post-processor (its first added id is BOS, its last is EOS), else from the
/// usual names (see `Tokenizer.inferSpecialTokens`).
public struct SpecialTokenIds: Sendable, Equatable {
    public var bos: UInt32?
    public var eos: UInt32?
    public var pad: UInt32?

    public init(bos: UInt32? = nil, eos: UInt32? = nil, pad: UInt32? = nil) {
        self.bos = bos
        self.eos = eos
        self.pad = pad
    }
}

/// A BPE tokenizer (byte-level, or SentencePiece-style with `▁` and byte fallback) or a Unigram
/// one, that loads Hugging Face `tokenizer.json` files and produces the same ids as HF `tokenizers`
/// (`encode(text, add_special_tokens=...)`), and decodes like it.
///
/// Immutable after loading; `encode` and `decode` may be called from any number of threads at
/// once (each encode call borrows a private scratch with its word cache from a small pool).
public final class Tokenizer: Sendable {
    let model: TokenModel
    let normalizer: Normalizer
    let preTokenizer: PreTokenizer
    let postProcessor: PostProcessor
    let decoder: TokenDecoder
    let lengthLimits: LengthLimits
    /// Added tokens that match on the raw text, and those that match after normalization.
    let rawMatcher: AddedTokenMatcher
    let normalizedMatcher: AddedTokenMatcher
    public let addedTokens: [AddedToken]
    /// id → token string as HF's `id_to_token` gives it (nil for ids that do not exist).
    let tokens: [String?]
    /// Built on first use (see `VocabularyLookups`).
    private let lookupsOnce: Mutex<VocabularyLookups?>
    /// id → the bytes the decoder produces for it (only for a ByteLevel decoder).
    let decodeOffsets: [Int32]
    let decodeBytes: [UInt8]
    public let specialTokens: SpecialTokenIds
    /// What `save` writes back.
    let serialization: TokenizerSerialization
    private let pool = ScratchPool()

    init(model: TokenModel, normalizer: Normalizer, preTokenizer: PreTokenizer, postProcessor: PostProcessor,
         decoder: TokenDecoder, lengthLimits: LengthLimits = LengthLimits(), addedTokens: [AddedToken],
         tokens: [String?], specialTokens: SpecialTokenIds?, serialization: TokenizerSerialization) {
        self.model = model
        self.lengthLimits = lengthLimits
        self.normalizer = normalizer
        self.preTokenizer = preTokenizer
        self.postProcessor = postProcessor
        self.decoder = decoder
        self.addedTokens = addedTokens
        self.serialization = serialization
        rawMatcher = AddedTokenMatcher(tokens: addedTokens.filter { !$0.normalized }, normalizer: nil)
        normalizedMatcher = AddedTokenMatcher(tokens: addedTokens.filter(\.normalized), normalizer: normalizer)

        // Added tokens shadow model tokens with the same id; a normalized added token reads as
        // its normalized form (HF's `simple_id_to_token`).
        var tokens = tokens
        let maxAdded = addedTokens.map { Int($0.id) }.max() ?? -1
        if maxAdded >= tokens.count { tokens += [String?](repeating: nil, count: maxAdded + 1 - tokens.count) }
        for token in addedTokens {
            tokens[Int(token.id)] = token.normalized ? normalizer.apply(token.content) : token.content
        }
        self.tokens = tokens
        var offsets: [Int32] = [0]
        var bytes: [UInt8] = []
        if decoder.isByteLevel {
            offsets.reserveCapacity(tokens.count + 1)
            for token in tokens {
                if let token { bytes += ByteLevel.decodeBytes(ofToken: token) }
                offsets.append(Int32(bytes.count))
            }
        }
        decodeOffsets = offsets
        decodeBytes = bytes
        if let specialTokens {
            self.specialTokens = specialTokens
            lookupsOnce = Mutex(nil)
        } else {
            let lookups = VocabularyLookups(tokens: tokens, addedTokens: addedTokens)
            self.specialTokens = Self.inferSpecialTokens(postProcessor: postProcessor, addedTokens: addedTokens, ids: lookups.ids)
            lookupsOnce = Mutex(lookups)
        }
    }

    var lookups: VocabularyLookups {
        lookupsOnce.withLock { once in
            if let built = once { return built }
            let built = VocabularyLookups(tokens: tokens, addedTokens: addedTokens)
            once = built
            return built
        }
    }

    // MARK: - Vocabulary

    /// Number of ids, counting added tokens: one more than the largest id (the embedding rows a
    /// model needs).
    public var vocabSize: Int { tokens.count }

    public func tokenToId(_ token: String) -> UInt32? { lookups.ids[token] }

    public func idToToken(_ id: UInt32) -> String? {
        Int(id) < tokens.count ? tokens[Int(id)] : nil
    }

    public func isSpecial(_ id: UInt32) -> Bool {
        let skipped = lookups.skippedWhenDecoding
        return Int(id) < skipped.count && skipped[Int(id)]
    }

    // MARK: - Encode

    /// The ids HF `tokenizers` gives for `encode(text, add_special_tokens: addSpecialTokens)`.
    /// Never fails: a byte-level vocabulary has every byte; otherwise characters outside the
    /// vocabulary become `<0xNN>` tokens (byte_fallback) or the unk token, or are dropped, as in HF.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [UInt32] {
        var text = text
        var ids: [UInt32] = []
        ids.reserveCapacity(text.utf8.count / 3 + 4)
        pool.withScratch { scratch in
            text.withUTF8 { encodeRaw($0, into: &ids, scratch: scratch) }
        }
        if lengthLimits != LengthLimits() {
            lengthLimits.truncate(&ids, added: addSpecialTokens ? postProcessor.prefix.count + postProcessor.suffix.count : 0)
        }
        if addSpecialTokens && !(postProcessor.prefix.isEmpty && postProcessor.suffix.isEmpty) {
            ids = postProcessor.prefix + ids + postProcessor.suffix
        }
        lengthLimits.pad(&ids)
        return ids
    }

    /// `encode` for many texts on `threads` threads (default: one per core; 1 runs on the
    /// calling thread). Results are in input order.
    public func encodeBatch(_ texts: [String], addSpecialTokens: Bool = true, threads: Int? = nil) -> [[UInt32]] {
        let threads = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        if threads == 1 { return texts.map { encode($0, addSpecialTokens: addSpecialTokens) } }
        var results = [[UInt32]](repeating: [], count: texts.count)
        let chunk = max(1, min(256, texts.count / (threads * 8) + 1))
        let chunks = (texts.count + chunk - 1) / chunk
        let nextChunk = Atomic<Int>(0)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendableBox(buffer)
            DispatchQueue.concurrentPerform(iterations: min(threads, chunks)) { _ in
                while true {
                    let c = nextChunk.add(1, ordering: .relaxed).oldValue
                    guard c < chunks else { return }
                    for i in (c * chunk)..<min(texts.count, (c + 1) * chunk) {
                        out.value[i] = encode(texts[i], addSpecialTokens: addSpecialTokens)
                    }
                }
            }
        }
        return results
    }

    /// Text → added tokens on the raw text → normalizer → added tokens on normalized text →
    /// pre-tokenizer → model (BPE or Unigram), as HF's `encode_single_sequence`.
    private func encodeRaw(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt32], scratch: EncoderScratch) {
        encodeAroundAddedTokens(text, atStart: true, rawMatcher, into: &out) {
            encodeText($0, atStart: $1, into: &$2, scratch: scratch)
        }
    }

    private func encodeText(_ text: UnsafeBufferPointer<UInt8>, atStart: Bool, into out: inout [UInt32], scratch: EncoderScratch) {
        guard !text.isEmpty else { return }
        if normalizer.isIdentity {
            encodeNormalized(text, atStart: atStart, into: &out, scratch: scratch)
        } else {
            let normalized = normalizer.apply(text)
            normalized.withUnsafeBufferPointer { encodeNormalized($0, atStart: atStart, into: &out, scratch: scratch) }
        }
    }

    private func encodeNormalized(_ text: UnsafeBufferPointer<UInt8>, atStart: Bool, into out: inout [UInt32], scratch: EncoderScratch) {
        encodeAroundAddedTokens(text, atStart: atStart, normalizedMatcher, into: &out) {
            encodeWords($0, atStart: $1, into: &$2, scratch: scratch)
        }
    }

    /// Emits the added tokens `matcher` finds in `text` and passes the text between them to
    /// `next`, saying whether that text still starts the original text. HF looks for added
    /// tokens twice: in the raw text, then in the normalized text.
    @inline(__always)
    private func encodeAroundAddedTokens(_ text: UnsafeBufferPointer<UInt8>, atStart: Bool, _ matcher: AddedTokenMatcher,
                                         into out: inout [UInt32],
                                         _ next: (UnsafeBufferPointer<UInt8>, Bool, inout [UInt32]) -> Void) {
        guard !matcher.isEmpty else { return next(text, atStart, &out) }
        for split in matcher.splits(text) {
            if let token = split.token {
                out.append(token.id)
            } else {
                next(UnsafeBufferPointer(rebasing: text[split.range]), atStart && split.range.lowerBound == 0, &out)
            }
        }
    }

    @inline(__always)
    private func encodeWords(_ text: UnsafeBufferPointer<UInt8>, atStart: Bool, into out: inout [UInt32], scratch: EncoderScratch) {
        switch model {
        case .bpe(let bpe):
            preTokenizer.run(text, atStart: atStart) { word in
                bpe.encodeWord(word.baseAddress!, word.count, into: &out, scratch: scratch)
            }
        case .unigram(let unigram):
            preTokenizer.run(text, atStart: atStart) { word in
                unigram.encodeWord(word.baseAddress!, word.count, into: &out, scratch: scratch)
            }
        }
    }

    // MARK: - Decode

    /// HF's `decode(ids, skip_special_tokens:)`: ids without a token are ignored; invalid UTF-8
    /// (a multi-byte character cut between tokens) becomes U+FFFD.
    public func decode(_ ids: [UInt32], skipSpecialTokens: Bool = false) -> String {
        let skippedWhenDecoding = skipSpecialTokens ? lookups.skippedWhenDecoding : []
        if decoder.isByteLevel {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(ids.count * 4)
            for id in ids where Int(id) < tokens.count && tokens[Int(id)] != nil {
                if skipSpecialTokens && skippedWhenDecoding[Int(id)] { continue }
                bytes += decodeBytes[Int(decodeOffsets[Int(id)])..<Int(decodeOffsets[Int(id) + 1])]
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var parts: [String] = []
        for id in ids where Int(id) < tokens.count {
            guard let token = tokens[Int(id)] else { continue }
            if skipSpecialTokens && skippedWhenDecoding[Int(id)] { continue }
            parts.append(token)
        }
        return decoder.decode(parts)
    }

    // MARK: - Special tokens

    static let bosNames = ["<|begin_of_text|>", "<s>", "<bos>", "<|startoftext|>", "<|im_start|>"]
    static let eosNames = ["<|end_of_text|>", "<|endoftext|>", "</s>", "<eos>", "<|im_end|>", "<|eot_id|>"]
    static let padNames = ["<pad>", "<|pad|>", "[PAD]", "<|finetune_right_pad_id|>"]

    /// BOS = the post-processor's first added id, EOS = its last appended id; otherwise the
    /// first special token with a usual name.
    static func inferSpecialTokens(postProcessor: PostProcessor, addedTokens: [AddedToken],
                                   ids: [String: UInt32]) -> SpecialTokenIds {
        let special = Set(addedTokens.filter(\.special).map(\.content))
        func named(_ names: [String]) -> UInt32? {
            names.first { special.contains($0) }.flatMap { ids[$0] }
        }
        return SpecialTokenIds(bos: postProcessor.prefix.first ?? named(bosNames),
                               eos: postProcessor.suffix.last ?? named(eosNames),
                               pad: named(padNames))
    }
}

/// Lets a value cross into `concurrentPerform` where each iteration writes disjoint elements.
struct UnsafeSendableBox<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
