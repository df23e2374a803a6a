import Foundation
import JSON
import Tokenizer

/// The tokenizers of fixtures/tokenizer (written by scripts/tokenizer-golden.py).
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func tokenizer(_ name: String) throws -> Tokenizer {
        try Tokenizer(contentsOf: packageRoot.appendingPathComponent("fixtures/tokenizer/\(name).tokenizer.json"))
    }

    /// One JSON value per line of fixtures/tokenizer/NAME.
    static func jsonLines(_ name: String) throws -> [JSONValue] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("fixtures/tokenizer/\(name)"), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    static func ids(_ value: JSONValue?) -> [UInt32] {
        (value?.arrayValue ?? []).compactMap { $0.intValue.flatMap(UInt32.init(exactly:)) }
    }
}
