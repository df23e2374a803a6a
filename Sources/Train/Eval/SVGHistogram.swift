import Foundation

/// Overlaid histograms as a standalone SVG, in the style of the DPO-Shift paper's figures:
/// one translucent filled outline per series over shared bins, axes with ticks, a legend.
public struct SVGHistogram: Sendable {
    public struct Series: Sendable {
        public var label: String
        public var values: [Double]
        public init(label: String, values: [Double]) {
            self.label = label
            self.values = values
        }
    }

    public var title: String
    public var xLabel: String
    public var series: [Series]
    public var bins = 40
    public var width = 860.0
    public var height = 400.0

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    public init(title: String, xLabel: String, series: [Series]) {
        self.title = title
        self.xLabel = xLabel
        self.series = series
    }

    public func render() -> String {
        let finite = series.flatMap { $0.values.filter(\.isFinite) }
        // The legend gets a column of its own on the right, clear of the bars.
        let left = 60.0, right = 240.0, top = 40.0, bottom = 50.0
        let plotW = width - left - right, plotH = height - top - bottom
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="22" text-anchor="middle" font-size="15">\(Self.escape(title))</text>

            """
        guard var lo = finite.min(), var hi = finite.max() else {
            return svg + "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">no data</text>\n</svg>\n"
        }
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let binWidth = (hi - lo) / Double(bins)
        // Densities, so series of different sizes compare.
        let densities: [[Double]] = series.map { s in
            var counts = [Double](repeating: 0, count: bins)
            let values = s.values.filter(\.isFinite)
            for v in values { counts[Swift.min(bins - 1, Int((v - lo) / binWidth))] += 1 }
            return counts.map { values.isEmpty ? 0 : $0 / (Double(values.count) * binWidth) }
        }
        let peak = Swift.max(densities.flatMap { $0 }.max() ?? 1, 1e-12)
        func x(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * plotW }
        func y(_ d: Double) -> Double { top + plotH - d / peak * plotH }

        // Axes and ticks.
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"black\"/>\n"
        for i in 0...5 {
            let v = lo + (hi - lo) * Double(i) / 5
            svg += "<line x1=\"\(x(v))\" y1=\"\(top + plotH)\" x2=\"\(x(v))\" y2=\"\(top + plotH + 5)\" stroke=\"black\"/>"
            svg += "<text x=\"\(x(v))\" y=\"\(top + plotH + 18)\" text-anchor=\"middle\">\(Self.format(v))</text>\n"
            let d = peak * Double(i) / 5
            svg += "<text x=\"\(left - 6)\" y=\"\(y(d) + 4)\" text-anchor=\"end\">\(Self.format(d))</text>\n"
        }
        svg += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        svg += "<text x=\"14\" y=\"\(top + plotH / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(top + plotH / 2))\">density</text>\n"

        // One stepped outline per series.
        for (k, d) in densities.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            var points = "\(x(lo)),\(y(0))"
            for (i, value) in d.enumerated() {
                let x0 = x(lo + Double(i) * binWidth), x1 = x(lo + Double(i + 1) * binWidth)
                points += " \(x0),\(y(value)) \(x1),\(y(value))"
            }
            points += " \(x(hi)),\(y(0))"
            svg += "<polygon points=\"\(points)\" fill=\"\(color)\" fill-opacity=\"0.25\" stroke=\"\(color)\" stroke-width=\"1.5\"/>\n"
            let ly = top + 8 + Double(k) * 18
            svg += "<rect x=\"\(left + plotW + 16)\" y=\"\(ly)\" width=\"12\" height=\"12\" fill=\"\(color)\" fill-opacity=\"0.5\" stroke=\"\(color)\"/>"
            svg += "<text x=\"\(left + plotW + 34)\" y=\"\(ly + 10)\">\(Self.escape(series[k].label)) (n=\(series[k].values.count))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func format(_ v: Double) -> String {
        abs(v) >= 100 || v == v.rounded() ? String(format: "%.0f", v) : String(format: "%.2g", v)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
