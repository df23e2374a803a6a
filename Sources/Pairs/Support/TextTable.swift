/// Plain aligned columns for the one-screen summaries: first column left, the rest right.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render(indent: String = "  ") -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        return all.map { row in
            let cells = row.enumerated().map { i, cell -> String in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return i == 0 ? cell + pad : pad + cell
            }
            return indent + cells.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

enum Format {
    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "n/a" : percent(Double(part) / Double(whole))
    }

    static func percent(_ fraction: Double) -> String {
        let hundredths = Int((fraction * 10_000).rounded())
        return "\(hundredths / 100).\(pad2(hundredths % 100))%"
    }

    /// Shortest decimal for a score or gap: 2 -> "2", 0.25 -> "0.25".
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }

    private static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
