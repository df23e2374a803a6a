import JSON

/// The train steps since the last metrics.jsonl line (HF's `logging_steps` window): loss and
/// the stage's metrics are averaged over the window, as the HF Trainer and TRL log them;
/// step, epoch, learning rate and gradient norm are the last step's.
struct MetricsWindow {
    private var steps = 0
    private var loss = 0.0
    private var sums: [(String, Double)] = []
    private var tokens = 0
    private var seconds = 0.0

    mutating func add(_ metric: StepMetrics, metrics: [(String, Double)], seconds stepSeconds: Double) {
        steps += 1
        loss += metric.loss
        for (name, value) in metrics where name != "loss" {
            if let i = sums.firstIndex(where: { $0.0 == name }) { sums[i].1 += value } else { sums.append((name, value)) }
        }
        tokens += metric.tokens
        seconds += stepSeconds
    }

    func record(last metric: StepMetrics) -> JSONObject {
        let n = Double(max(1, steps))
        var record = JSONObject([
            ("step", .int(Int64(metric.step))), ("epoch", .double(metric.epoch)), ("split", .string("train")),
            ("loss", .double(loss / n)),
        ])
        for (name, sum) in sums { record[name] = .double(sum / n) }
        record["learning_rate"] = .double(metric.learningRate)
        record["grad_norm"] = .double(metric.gradNorm)
        record["tokens_per_second"] = .double(Double(tokens) / max(1e-9, seconds))
        record["elapsed"] = .double(metric.elapsed)
        return record
    }
}
