import Foundation
import JSON

/// Counts and throughput of an encode run (`pref tokenizer encode --stats`).
public struct EncodeReport: Sendable {
    public var lines: Int
    public var bytes: Int
    public var tokens: Int
    public var threads: Int
    public var seconds: Double

    public init(lines: Int, bytes: Int, tokens: Int, threads: Int, seconds: Double) {
        self.lines = lines
        self.bytes = bytes
        self.tokens = tokens
        self.threads = threads
        self.seconds = seconds
    }

    public var tokensPerSecond: Double { seconds > 0 ? Double(tokens) / seconds : 0 }
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1e6 / seconds : 0 }

    public var json: JSONValue {
        .object(JSONObject([
            ("lines", .int(Int64(lines))), ("bytes", .int(Int64(bytes))), ("tokens", .int(Int64(tokens))),
            ("threads", .int(Int64(threads))), ("seconds", .double(seconds)),
            ("tokens_per_second", .double(tokensPerSecond)), ("mb_per_second", .double(megabytesPerSecond)),
        ]))
    }

    public var text: String {
        String(format: "%d lines, %d bytes, %d tokens in %.3f s on %d thread(s): %.0f tokens/s, %.2f MB/s",
               lines, bytes, tokens, seconds, threads, tokensPerSecond, megabytesPerSecond)
    }
}
