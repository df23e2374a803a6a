import Foundation

/// Text generation for reading what a model says: greedy, or temperature with nucleus
/// (top-p) sampling from a seeded generator. The prompt runs through the model once, then each
/// new token runs alone against a KV cache sized for prompt + maxNewTokens (at most the model's
/// max_position_embeddings).
public struct GenerationOptions: Sendable {
    public var maxNewTokens = 128
    /// 0 is greedy.
    public var temperature = 0.0
    public var topP = 1.0
    public var seed: UInt64 = 0
    /// Generation stops after any of these ids (end of turn, EOS).
    public var stopIds: Set<Int32> = []

    public init() {}
}

/// What one generation produced, and how long its two phases took.
public struct GenerationResult: Sendable, Equatable {
    /// The new ids, stop id included when one was produced.
    public var tokens: [Int32] = []
    /// Whether the last token is a stop id (else maxNewTokens ran out).
    public var stopped = false
    public var promptTokens = 0
    public var prefillSeconds = 0.0
    /// Time spent choosing tokens and running them through the model after the prefill.
    public var decodeSeconds = 0.0

    /// New tokens per second of the whole generation (prefill included).
    public var tokensPerSecond: Double {
        let seconds = prefillSeconds + decodeSeconds
        return seconds > 0 ? Double(tokens.count) / seconds : 0
    }
}

public enum Generator {
    /// The ids that follow `prompt`, stop id included when one was produced.
    public static func generate(model: LlamaModel, prompt: [Int32], options: GenerationOptions) throws(TrainError) -> [Int32] {
        try run(model: model, prompt: prompt, options: options).tokens
    }

    public static func run(model: LlamaModel, prompt: [Int32], options: GenerationOptions) throws(TrainError) -> GenerationResult {
        guard !prompt.isEmpty else { throw .invalidOption("the prompt has no tokens") }
        guard options.maxNewTokens >= 0 else { throw .invalidOption("maxNewTokens must not be negative") }
        var result = GenerationResult(promptTokens: prompt.count)
        guard options.maxNewTokens > 0 else { return result }
        // Like transformers' max_length, the model's context bounds the sequence (and the cache).
        let context = model.config.maxPositionEmbeddings
        guard prompt.count < context else {
            throw .invalidOption("the prompt's \(prompt.count) tokens leave no room in the model's max_position_embeddings \(context)")
        }
        let budget = min(options.maxNewTokens, context - prompt.count)
        var random = SeededRandom(seed: options.seed)
        let clock = ContinuousClock()
        let started = clock.now
        // The last new token is never fed back, so the cache needs one position less.
        let cache = try model.makeKVCache(capacity: prompt.count + budget - 1)
        var logits = try model.extend(cache, with: prompt)
        let prefilled = clock.now
        result.prefillSeconds = (prefilled - started).seconds
        while true {
            let next = Int32(choose(logits, options: options, random: &random))
            result.tokens.append(next)
            if options.stopIds.contains(next) {
                result.stopped = true
                break
            }
            if result.tokens.count == budget { break }
            logits = try model.extend(cache, with: [next])
        }
        result.decodeSeconds = (clock.now - prefilled).seconds
        return result
    }

    static func choose(_ logits: [Float], options: GenerationOptions, random: inout SeededRandom) -> Int {
        guard options.temperature > 0 else {
            return logits.indices.max { logits[$0] < logits[$1] } ?? 0
        }
        let scaled = logits.map { Double($0) / options.temperature }
        let peak = scaled.max() ?? 0
        var probs = scaled.map { exp($0 - peak) }
        let total = probs.reduce(0, +)
        probs = probs.map { $0 / total }
        // Nucleus: the smallest set of most likely tokens whose mass reaches top-p.
        let order = probs.indices.sorted { probs[$0] > probs[$1] }
        var kept: [Int] = []
        var mass = 0.0
        for i in order {
            kept.append(i)
            mass += probs[i]
            if mass >= options.topP { break }
        }
        let u = Double(random.next() >> 11) / Double(1 << 53) * mass
        var acc = 0.0
        for i in kept {
            acc += probs[i]
            if u < acc { return i }
        }
        return kept.last ?? 0
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
