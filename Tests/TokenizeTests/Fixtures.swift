import Foundation
import Tokenizer

/// The tokenizers of fixtures/tokenizer (written by scripts/tokenizer-golden.py).
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func tokenizer(_ name: String) throws -> Tokenizer {
        try Tokenizer(contentsOf: packageRoot.appendingPathComponent("fixtures/tokenizer/\(name).tokenizer.json"))
    }
}
