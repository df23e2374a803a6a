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

    /// The best sgemm FLOP/s over square products of the given sizes, split across the pool's
    /// threads the way the model splits its products.
    public static func sgemmPeak(pool: WorkerPool, sizes: [Int] = [512, 1024, 2048], repeats: Int = 3) -> Double {
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
        let session = TrainingSession(model: model, adamW: AdamWSettings(weightDecay: 0.1),
                                      schedule: LearningRateSchedule(peak: 1e-4, warmupSteps: 0, totalSteps: steps + 1, decay: .cosine),
                                      maxGradNorm: 1.0, state: TrainerState(maxSteps: steps + 1, seed: seed))
        var random = SeededRandom(seed: seed)
        let n = rows * length
        var times: [Double] = []
        for step in 0...steps {
            let tokens = (0...n).map { _ in Int32(random.next() % UInt64(config.vocabSize)) }
            let batch = try TokenBatch(rows: rows, length: length, inputs: Array(tokens[0..<n]), targets: Array(tokens[1...n]),
                                       lossWeights: [Float](repeating: 1, count: n))
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try model.forwardBackwardCrossEntropy(batch, normalizer: Double(n))
            _ = session.step()
            if step > 0 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        let median = times.sorted()[times.count / 2]
        let tokensPerSecond = Double(n) / median
        return TrainingBenchmark(parameters: model.parameterCount, tokensPerStep: n, stepSeconds: times,
                                 tokensPerSecond: tokensPerSecond,
                                 flopsPerSecond: tokensPerSecond * config.trainingFlopsPerToken(length: length),
                                 peakResidentBytes: peakResidentBytes())
    }
}
