/// Summary statistics of a sample (means, spread, quantiles), for eval reports.
public struct Distribution: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var std: Double
    public var min: Double
    public var p10: Double
    public var median: Double
    public var p90: Double
    public var max: Double

    public init(_ values: [Double]) {
        let sorted = values.filter(\.isFinite).sorted()
        count = sorted.count
        guard !sorted.isEmpty else {
            (mean, std, min, p10, median, p90, max) = (.nan, .nan, .nan, .nan, .nan, .nan, .nan)
            return
        }
        mean = sorted.reduce(0, +) / Double(sorted.count)
        let m = mean
        std = (sorted.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(sorted.count)).squareRoot()
        min = sorted[0]
        max = sorted[sorted.count - 1]
        p10 = Self.quantile(sorted, 0.1)
        median = Self.quantile(sorted, 0.5)
        p90 = Self.quantile(sorted, 0.9)
    }

    /// Linear interpolation between closest ranks (numpy's default).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let weight = position - Double(lower)
        return sorted[lower] * (1 - weight) + sorted[upper] * weight
    }
}
