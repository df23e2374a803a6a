import Foundation

/// A one-line progress bar on stderr, redrawn at most 10 times a second; silent when
/// stderr is not a terminal or with --quiet.
final class ProgressBar: @unchecked Sendable {  // drawn from one thread at a time
    private let enabled: Bool
    private let label: String
    private var lastDraw = Date.distantPast
    private let started = Date()

    init(label: String, quiet: Bool) {
        self.label = label
        enabled = !quiet && isatty(2) == 1
    }

    func update(done: Double, total: Double, detail: String = "") {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = now
        let fraction = total > 0 ? min(1, done / total) : 0
        let width = 28
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let elapsed = now.timeIntervalSince(started)
        let line = String(format: "\r%@ %@ %3.0f%% %@ %.1fs", label, bar, fraction * 100, detail, elapsed)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
