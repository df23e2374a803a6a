import Core
import Foundation

/// Draws the libraries' progress events on stderr: a bar redrawn in place on a terminal,
/// plain lines (phase start, every 10%, the end, at most one per 30 s otherwise) when stderr
/// is a file or pipe, nothing with --quiet. The only place pref writes progress.
final class ProgressRenderer: @unchecked Sendable {  // state guarded by `lock`
    enum Mode { case bar, lines, silent }

    let mode: Mode
    private let lock = NSLock()
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var lastPhase = ""
    private var lastTenth = -1
    private var barShown = false

    init(quiet: Bool) {
        if quiet {
            mode = .silent
        } else if isatty(2) == 1, ProcessInfo.processInfo.environment["TERM"] != "dumb" {
            mode = .bar
        } else {
            mode = .lines
        }
    }

    /// The handler to pass to a library, nil when nothing will be shown.
    var handler: ProgressHandler? {
        guard mode != .silent else { return nil }
        return { [self] event in handle(event) }
    }

    func handle(_ event: ProgressEvent) {
        lock.lock()
        defer { lock.unlock() }
        if let message = event.message {
            writeLine("\(event.phase): \(message)")
            return
        }
        let now = Date()
        let newPhase = event.phase != lastPhase
        switch mode {
        case .silent:
            return
        case .bar:
            guard newPhase || event.isFinal || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            write("\r\u{1B}[K" + Self.describe(event, bar: true, elapsed: now.timeIntervalSince(started)))
            barShown = true
        case .lines:
            let tenth = event.total.map { $0 > 0 ? event.done * 10 / $0 : 10 } ?? -1
            guard newPhase || event.isFinal || tenth != lastTenth && tenth >= 0 || now.timeIntervalSince(lastDraw) >= 30 else { return }
            lastTenth = tenth
            write(Self.describe(event, bar: false, elapsed: now.timeIntervalSince(started)) + "\n")
        }
        lastPhase = event.phase
        lastDraw = now
    }

    /// A line of its own (a summary of a phase), kept above the bar.
    func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard mode != .silent else { return }
        writeLine(text)
    }

    /// Clears the bar before the command prints its summary.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if barShown { write("\r\u{1B}[K") }
        barShown = false
    }

    private func writeLine(_ text: String) {
        write((barShown ? "\r\u{1B}[K" : "") + text + "\n")
        barShown = false
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    static func describe(_ e: ProgressEvent, bar: Bool, elapsed: Double) -> String {
        var parts = [e.phase]
        if let total = e.total {
            let fraction = total > 0 ? min(1, Double(e.done) / Double(total)) : 1
            if bar {
                let width = 24, filled = Int(fraction * Double(width))
                parts.append(String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled))
            }
            parts.append(String(format: "%3.0f%%", fraction * 100))
            parts.append(e.unit == .bytes ? String(format: "%.1f/%.1f MB", Double(e.done) / 1e6, Double(total) / 1e6)
                                          : "\(e.done)/\(total) \(e.unit.rawValue)")
        } else {
            parts.append("\(e.done) \(e.unit.rawValue)")
        }
        for f in e.figures { parts.append("\(f.name) \(format(f.value))") }
        parts.append(String(format: "%.1fs", elapsed))
        return parts.joined(separator: "  ")
    }

    private static func format(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e9 { return String(Int(v)) }
        return abs(v) >= 1e-3 && abs(v) < 1e5 ? String(format: "%.4g", v) : String(format: "%.3e", v)
    }
}
