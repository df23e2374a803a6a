import Foundation

/// Draws progress events as one self-overwriting line on stderr, only when stderr is a
/// terminal (and TERM is not "dumb"), so logs and pipes stay clean.
public enum ProgressDisplay {
    public static func stderrHandler(quiet: Bool) -> PairsProgressHandler? {
        guard !quiet, isatty(2) == 1, ProcessInfo.processInfo.environment["TERM"] != "dumb" else { return nil }
        return { event in
            let percent = event.total > 0 ? event.done * 100 / event.total : 100
            var line = "\r\u{1B}[2K\(event.phase): \(event.done)/\(event.total) (\(percent)%)"
            if event.done >= event.total { line += "\r\u{1B}[2K" }
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
