/// A step of a long operation, for the CLI to draw on stderr. The library only reports;
/// whether and how to show it is the caller's business.
public struct PairsProgress: Sendable, Equatable {
    public let phase: String
    public let done: Int
    public let total: Int

    public init(phase: String, done: Int, total: Int) {
        self.phase = phase
        self.done = done
        self.total = total
    }
}

public typealias PairsProgressHandler = @Sendable (PairsProgress) -> Void

/// Calls the handler at most every `every` items (and at the end), so reporting costs nothing.
struct ProgressTicker {
    let phase: String
    let total: Int
    let handler: PairsProgressHandler?
    let every: Int

    init(phase: String, total: Int, handler: PairsProgressHandler?, every: Int = 16_384) {
        self.phase = phase
        self.total = total
        self.handler = handler
        self.every = every
    }

    @inline(__always)
    func tick(_ done: Int) {
        guard let handler, done % every == 0 || done == total else { return }
        handler(PairsProgress(phase: phase, done: done, total: total))
    }
}
