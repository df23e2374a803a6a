import COpenBLAS
import Foundation

/// Measurements for the training benchmark: sgemm peak on this machine, peak memory, and a
/// timed run of forward + backward + AdamW on random tokens.
public enum Performance {
    /// Peak resident set size of this process so far, in bytes (getrusage).
    public static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)  // bytes on Darwin
        #endif
    }

    /// The best sgemm rate seen in this process so far: other processes on the same cores can
    /// only lower a measurement, so the benchmarks also measure before their timed steps.
    nonisolated(unsafe) private static var bestSgemmRate = 0.0
    private static let bestSgemmLock = NSLock()

    /// The best sgemm FLOP/s over square products of the given sizes, split across the pool's
    /// threads the way the model splits its products (or a better rate measured earlier in
    /// this process).
    public static func sgemmPeak(pool: WorkerPool, sizes: [Int] = [512, 1024, 2048], repeats: Int = 3) -> Double {
        let measured = measureSgemm(pool: pool, sizes: sizes, repeats: repeats)
        bestSgemmLock.lock()
        defer { bestSgemmLock.unlock() }
        bestSgemmRate = max(bestSgemmRate, measured)
        return bestSgemmRate
    }

    private static func measureSgemm(pool: WorkerPool, sizes: [Int], repeats: Int) -> Double {
        var best = 0.0
        for n in sizes {
            let a = FloatBuffer(count: n * n), b = FloatBuffer(count: n * n), c = FloatBuffer(count: n * n)
            for i in 0..<(n * n) { a.pointer[i] = Float(i % 7) * 0.1; b.pointer[i] = Float(i % 5) * 0.1 }
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                Linear.forward(out: c.pointer, inp: a.pointer, weight: b.pointer, bias: nil, n: n, inDim: n, outDim: n, pool: pool)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                best = max(best, 2 * Double(n) * Double(n) * Double(n) / seconds)
            }
        }
        return best
    }

    public struct TrainingBenchmark: Sendable {
        public let parameters: Int
        public let tokensPerStep: Int
        public let stepSeconds: [Double]
        public let tokensPerSecond: Double
        public let flopsPerSecond: Double
        public let peakResidentBytes: Int
    }

    /// Times `steps` optimizer steps (after one untimed warm-up step) of cross-entropy training
    /// on uniformly random tokens; tokens/s uses the median step time.
    public static func benchmarkTraining(model: LlamaModel, rows: Int, length: Int, steps: Int,
                                         seed: UInt64 = 1) throws(TrainError) -> TrainingBenchmark {
        let config = model.config
        var random = SeededRandom(seed: seed)
        let n = rows * length
        var batches: [TokenBatch] = []
        for _ in 0...steps {
            let tokens = (0...n).map { _ in Int32(random.next() % UInt64(config.vocabSize)) }
            batches.append(try TokenBatch(rows: rows, length: length, inputs: Array(tokens[0..<n]), targets: Array(tokens[1...n]),
                                          lossWeights: [Float](repeating: 1, count: n)))
        }
        return try timeSteps(model: model, peakLearningRate: 1e-4, seed: seed, tokensPerStep: n, length: length, count: batches.count) { step throws(TrainError) in
            _ = try model.forwardBackwardCrossEntropy(batches[step], normalizer: Double(n))
        }
    }

    /// Times `steps` DPO optimizer steps (after one untimed warm-up): `pairs` random pairs of
    /// a `promptLength`-token prompt and two `responseLength`-token responses, chosen and
    /// rejected in one forward pass, reference log-probs precomputed once from the starting
    /// weights (as `pref train --stage dpo` stores them). Tokens counted: both halves.
    public static func benchmarkDPO(model: LlamaModel, pairs: Int, promptLength: Int, responseLength: Int, steps: Int,
                                    beta: Double = 0.1, lambda: Double = 0.95, seed: UInt64 = 1) throws(TrainError) -> TrainingBenchmark {
        let config = model.config
        var random = SeededRandom(seed: seed)
        let length = promptLength + responseLength - 1
        func half(_ prompts: [[Int32]]) throws(TrainError) -> TokenBatch {
            var inputs: [Int32] = [], targets: [Int32] = [], weights: [Float] = []
            for prompt in prompts {
                let sequence = prompt + (0..<responseLength).map { _ in Int32(random.next() % UInt64(config.vocabSize)) }
                inputs += sequence.dropLast()
                targets += sequence.dropFirst()
                weights += (0..<length).map { $0 + 1 >= promptLength ? 1 : 0 }
            }
            return try TokenBatch(rows: prompts.count, length: length, inputs: inputs, targets: targets, lossWeights: weights)
        }
        var batches: [PreferenceBatch] = []
        for _ in 0...steps {
            let prompts = (0..<pairs).map { _ in (0..<promptLength).map { _ in Int32(random.next() % UInt64(config.vocabSize)) } }
            let chosen = try half(prompts), rejected = try half(prompts)
            let reference = try DPOStep.sequenceLogProbs(model: model, chosen: chosen, rejected: rejected)
            batches.append(try PreferenceBatch(chosen: chosen, rejected: rejected, referenceChosen: reference.chosen,
                                               referenceRejected: reference.rejected))
        }
        let loss = DPOShiftLoss(beta: beta)
        return try timeSteps(model: model, peakLearningRate: 1e-5, seed: seed, tokensPerStep: 2 * pairs * length, length: length,
                             count: batches.count) { step throws(TrainError) in
            _ = try DPOStep.accumulate(model: model, batch: batches[step], loss: loss, lambda: lambda)
        }
    }

    /// Runs `count` optimizer steps, each `accumulate(step)` then AdamW, and reports from the
    /// median step time; the first step is an untimed warm-up.
    private static func timeSteps(model: LlamaModel, peakLearningRate: Double, seed: UInt64, tokensPerStep: Int, length: Int,
                                  count: Int, accumulate: (Int) throws(TrainError) -> Void) throws(TrainError) -> TrainingBenchmark {
        _ = sgemmPeak(pool: model.pool)
        let session = TrainingSession(model: model, adamW: AdamWSettings(weightDecay: 0.1),
                                      schedule: LearningRateSchedule(peak: peakLearningRate, warmupSteps: 0, totalSteps: count, decay: .cosine),
                                      maxGradNorm: 1.0, state: TrainerState(maxSteps: count, seed: seed))
        var times: [Double] = []
        for step in 0..<count {
            let start = DispatchTime.now().uptimeNanoseconds
            try accumulate(step)
            _ = session.step()
            if step > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        let median = times.sorted()[times.count / 2]
        let tokensPerSecond = Double(tokensPerStep) / median
        return TrainingBenchmark(parameters: model.parameterCount, tokensPerStep: tokensPerStep, stepSeconds: times,
                                 tokensPerSecond: tokensPerSecond,
                                 flopsPerSecond: tokensPerSecond * model.config.trainingFlopsPerToken(length: length),
                                 peakResidentBytes: peakResidentBytes())
    }
}
