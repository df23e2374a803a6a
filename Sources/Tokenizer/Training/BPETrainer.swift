import Foundation
import JSON

/// Pre-tokenization a trained tokenizer uses (and trains with): the pattern of GPT-2, Llama 3
/// or Qwen2 followed by byte-level mapping, as in those models' tokenizer.json files.
public enum TrainingPreTokenizer: String, CaseIterable, Sendable {
    case gpt2, llama3, qwen2

    var json: String {
        let byteLevel = #"{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":"#
        switch self {
        case .gpt2: return byteLevel + "true}"
        case .llama3, .qwen2:
            let pattern = self == .llama3 ? PatternScanner.llama3Pattern : PatternScanner.qwen2Pattern
            var escaped: [UInt8] = []
            JSONWriter.writeString(pattern, into: &escaped)
            return #"{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"#
                + String(decoding: escaped, as: UTF8.self)
                + #"},"behavior":"Isolated","invert":false},"# + byteLevel + "false}]}"
        }
    }
}

public struct BPETrainingOptions: Sendable {
    /// Target size, special tokens and the 256 bytes included (HF's `vocab_size`).
    public var vocabSize: Int
    /// Pairs seen fewer times are not merged (HF's `min_frequency`).
    public var minFrequency: Int64
    /// Given the first ids, in order; never split when encoding, skipped by `decode(skipSpecialTokens:)`.
    public var specialTokens: [String]
    /// No token longer than this many bytes is built (HF's `max_token_length`).
    public var maxTokenLength: Int?
    public var preTokenizer: TrainingPreTokenizer
    /// NFC-normalize text first (as Qwen2 does).
    public var nfc: Bool

    public init(vocabSize: Int, minFrequency: Int64 = 0, specialTokens: [String] = [], maxTokenLength: Int? = nil,
                preTokenizer: TrainingPreTokenizer = .gpt2, nfc: Bool = false) {
        self.vocabSize = vocabSize
        self.minFrequency = minFrequency
        self.specialTokens = specialTokens
        self.maxTokenLength = maxTokenLength
        self.preTokenizer = preTokenizer
        self.nfc = nfc
    }
}

/// Where training is, for progress display.
public struct TrainingProgress: Sendable {
    public enum Phase: String, Sendable { case countingWords = "count words", countingPairs = "count pairs", merging = "merge" }
    public var phase: Phase
    public var done: Int
    public var total: Int
}

/// A byte-level BPE trainer that reproduces HF `tokenizers`' `BpeTrainer` (with
/// `initial_alphabet = ByteLevel.alphabet()`) merge for merge:
///
/// 1. special tokens take the first ids, then the 256 byte characters sorted by code point;
/// 2. texts are normalized and pre-tokenized (added tokens are not extracted) and words counted;
/// 3. pair counts and, per pair, the words holding it;
/// 4. repeatedly the most frequent pair is merged (ties: the smaller (left, right) id pair), in
///    every word recorded for it, with HF's incremental count updates, until the vocabulary
///    reaches `vocabSize` or the best count drops below `minFrequency`.
///
/// Feed texts in any number of batches (for example one per workspace chunk), then `train`.
public final class BPETrainer {
    public let options: BPETrainingOptions
    private let normalizer: Normalizer
    private let preTokenizer: PreTokenizer
    private let words = ByteStringCounter(capacity: 1 << 16)
    public private(set) var textsSeen = 0

    public init(options: BPETrainingOptions) throws(TokenizerError) {
        guard options.vocabSize > 0 else { throw TokenizerError("vocab size must be positive, got \(options.vocabSize)") }
        self.options = options
        normalizer = Normalizer(steps: options.nfc ? [.nfc] : [])
        preTokenizer = try PreTokenizer(json: try? JSONParser.parse(options.preTokenizer.json))
    }

    /// Counts the words of `texts` (each text is pre-tokenized as a whole, like HF's
    /// `train_from_iterator`; HF's `train(files)` feeds files line by line with line endings).
    public func feed(_ texts: [String]) {
        words.merge(WordCounter(normalizer: normalizer, preTokenizer: preTokenizer).count(texts))
        textsSeen += texts.count
    }

    /// Number of distinct words counted so far.
    public var distinctWords: Int { words.count }

    public func train(progress: ((TrainingProgress) -> Void)? = nil) throws -> Tokenizer {
        var state = MergeState(options: options, words: words)
        progress?(TrainingProgress(phase: .countingPairs, done: 0, total: state.wordCount))
        state.countPairs()
        state.mergeUntilDone { done in progress?(TrainingProgress(phase: .merging, done: done, total: options.vocabSize)) }
        let json = state.tokenizerJSON(normalizerJSON: options.nfc ? #"{"type":"NFC"}"# : "null",
                                       preTokenizerJSON: options.preTokenizer.json)
        return try Tokenizer(json: JSONParser.parse(json))
    }
}
