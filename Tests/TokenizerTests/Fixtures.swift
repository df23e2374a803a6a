import Foundation
import JSON
@testable import Tokenizer

/// Paths and loaders for fixtures/tokenizer (written by scripts/tokenizer-golden.py).
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = packageRoot.appendingPathComponent("fixtures/tokenizer")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func tokenizer(_ name: String) throws -> Tokenizer {
        try Tokenizer(contentsOf: url("\(name).tokenizer.json"))
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSONParser.parse(Array(Data(contentsOf: url(name))))
    }

    /// One JSON value per line.
    static func jsonLines(_ name: String) throws -> [JSONValue] {
        let text = try String(contentsOf: url(name), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    static func ids(_ value: JSONValue?) -> [UInt32] {
        (value?.arrayValue ?? []).compactMap { $0.intValue.flatMap(UInt32.init(exactly:)) }
    }

    /// The training sample as HF's `train(files)` reads it: lines with their endings.
    static func sampleLines() throws -> [String] {
        try linesWithEndings(String(contentsOf: url("sample.txt"), encoding: .utf8))
    }
}

func linesWithEndings(_ text: String) -> [String] {
    var lines: [String] = []
    var current = ""
    for scalar in text.unicodeScalars {
        current.unicodeScalars.append(scalar)
        if scalar == "\n" {
            lines.append(current)
            current = ""
        }
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}

/// A seeded generator (SplitMix64) for the randomized tests, so a failure reproduces.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
