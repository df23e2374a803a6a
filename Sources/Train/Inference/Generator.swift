import Foundation

/// Text generation for reading what a model says: greedy, or temperature with nucleus
/// (top-p) sampling from a seeded generator. Each step runs the model on the whole
/// sequence so far (no KV cache: the models pref trains on a CPU are small).
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

public enum Generator {
    /// The ids that follow `prompt`, stop id included when one was produced.
    public static func generate(model: LlamaModel, prompt: [Int32], options: GenerationOptions) throws(TrainError) -> [Int32] {
        guard !prompt.isEmpty else { throw .invalidOption("the prompt has no tokens") }
        var sequence = prompt
        var random = SeededRandom(seed: options.seed)
        let vocab = model.config.vocabSize
        for _ in 0..<options.maxNewTokens {
            let n = sequence.count
            let batch = try TokenBatch(rows: 1, length: n, inputs: sequence, targets: [Int32](repeating: -1, count: n),
                                       lossWeights: [Float](repeating: 0, count: n))
            let logits = try model.logits(batch)
            let last = Array(logits[((n - 1) * vocab)..<(n * vocab)])
            let next = Int32(choose(last, options: options, random: &random))
            sequence.append(next)
            if options.stopIds.contains(next) { break }
        }
        return Array(sequence[prompt.count...])
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
