import Foundation
import JSON

/// Seconds `pref tokenizer chat` spends in each phase, so that its render-and-encode loop can
/// be set against transformers' loop alone: bench/chat_peer.py times the same phases the same
/// way (monotonic clock; the loop's CPU time on its thread as well, steadier than wall time
/// when other processes share the cores). Process start comes before any of them.
public struct ChatTiming: Sendable, Equatable {
    /// The template and tokenizer loaded, the conversations read and parsed.
    public var loadSeconds = 0.0
    /// Every conversation rendered with the template and encoded to ids.
    public var renderEncodeSeconds = 0.0
    public var renderEncodeCPUSeconds = 0.0
    /// The results formatted as JSON lines and written.
    public var writeSeconds = 0.0

    public init() {}

    public mutating func load<T>(_ body: () throws -> T) rethrows -> T {
        try Self.timed(&loadSeconds, body)
    }

    public mutating func renderEncode<T>(_ body: () throws -> T) rethrows -> T {
        let cpuStart = Self.threadCPUSeconds()
        defer { renderEncodeCPUSeconds += Self.threadCPUSeconds() - cpuStart }
        return try Self.timed(&renderEncodeSeconds, body)
    }

    public mutating func write<T>(_ body: () throws -> T) rethrows -> T {
        try Self.timed(&writeSeconds, body)
    }

    /// `{"load_seconds":…,"render_encode_seconds":…,"render_encode_cpu_seconds":…,"write_seconds":…}`
    /// (in microseconds: finer digits are clock noise).
    public var json: JSONValue {
        func micro(_ s: Double) -> JSONValue { .double((s * 1e6).rounded() / 1e6) }
        return .object(JSONObject([("load_seconds", micro(loadSeconds)), ("render_encode_seconds", micro(renderEncodeSeconds)),
                                   ("render_encode_cpu_seconds", micro(renderEncodeCPUSeconds)), ("write_seconds", micro(writeSeconds))]))
    }

    private static func timed<T>(_ seconds: inout Double, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { seconds += (ContinuousClock.now - start).seconds }
        return try body()
    }

    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

fileprivate extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
