/// The one progress event every long-running library operation reports: how far a phase has
/// got, in what unit, plus named figures specific to the stage (a training step's loss, the
/// records an ingest has read). Libraries only report; the `pref` command decides whether and
/// how to show it (a bar on a terminal, plain lines otherwise, nothing with --quiet).
public struct ProgressEvent: Sendable, Equatable {
    public enum Unit: String, Sendable {
        case bytes, records, completions, pairs, examples, sequences, words, merges, steps, items
    }

    public var phase: String
    public var done: Int
    /// nil when the amount of work is not known in advance.
    public var total: Int?
    public var unit: Unit
    /// Stage-specific figures, in the order they should be shown.
    public var figures: [Figure]
    /// A line worth showing on its own ("saved checkpoint-200", "round 2 of 3").
    public var message: String?

    public struct Figure: Sendable, Equatable {
        public var name: String
        public var value: Double
        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }

    public init(phase: String, done: Int, total: Int?, unit: Unit, figures: [Figure] = [], message: String? = nil) {
        self.phase = phase
        self.done = done
        self.total = total
        self.unit = unit
        self.figures = figures
        self.message = message
    }

    /// A one-off line of a phase.
    public static func note(_ phase: String, _ message: String) -> ProgressEvent {
        ProgressEvent(phase: phase, done: 0, total: nil, unit: .items, message: message)
    }

    /// A figure by name.
    public func figure(_ name: String) -> Double? { figures.first { $0.name == name }?.value }

    /// Whether this event closes its phase.
    public var isFinal: Bool { total.map { done >= $0 } ?? false }
}

public typealias ProgressHandler = @Sendable (ProgressEvent) -> Void

/// Calls a handler at most every `every` items and at the end, so per-item reporting costs
/// nothing in tight loops.
public struct ProgressTicker: Sendable {
    public let phase: String
    public let total: Int
    public let unit: ProgressEvent.Unit
    public let handler: ProgressHandler?
    public let every: Int

    public init(phase: String, total: Int, unit: ProgressEvent.Unit, handler: ProgressHandler?, every: Int = 16_384) {
        self.phase = phase
        self.total = total
        self.unit = unit
        self.handler = handler
        self.every = max(1, every)
    }

    @inline(__always)
    public func tick(_ done: Int) {
        guard let handler, done % every == 0 || done == total else { return }
        handler(ProgressEvent(phase: phase, done: done, total: total, unit: unit))
    }
}
