import Foundation
import JSON

/// The normalizer of a tokenizer.json: Unicode normal forms, lowercasing, and SentencePiece's
/// Prepend / Replace, alone or in a `Sequence`. Applied to each piece of text between added
/// tokens, as HF does.
struct Normalizer: Sendable {
    enum Step: Sendable {
        case nfc, nfd, nfkc, nfkd, lowercase
        /// Prepends the bytes to a non-empty piece (Llama 2's `Prepend("▁")`).
        case prepend([UInt8])
        /// Replaces every match with the content (Llama 2's `Replace(" ", "▁")`).
        case replace(Replacement)
    }

    let steps: [Step]

    static let supportedTypes = ["NFC", "NFD", "NFKC", "NFKD", "Lowercase", "Prepend", "Replace", "Sequence"]

    init(steps: [Step]) {
        self.steps = steps
    }

    init(json: JSONValue?, path: String = "normalizer") throws(TokenizerError) {
        var steps: [Step] = []
        if let json, !json.isNull { try Self.compile(json, path: path, into: &steps) }
        self.steps = steps
    }

    var isIdentity: Bool { steps.isEmpty }

    private static func compile(_ json: JSONValue, path: String, into steps: inout [Step]) throws(TokenizerError) {
        guard let type = json["type"]?.stringValue else {
            throw .invalid(path, "expected an object with a \"type\"")
        }
        switch type {
        case "NFC": steps.append(.nfc)
        case "NFD": steps.append(.nfd)
        case "NFKC": steps.append(.nfkc)
        case "NFKD": steps.append(.nfkd)
        case "Lowercase": steps.append(.lowercase)
        case "Prepend":
            guard let text = json["prepend"]?.stringValue else { throw .invalid("\(path).prepend", "expected a string") }
            steps.append(.prepend(Array(text.utf8)))
        case "Replace": steps.append(.replace(try Replacement(json: json, path: path)))
        case "Sequence":
            for member in try sequenceMembers(json, key: "normalizers", path: path) {
                try compile(member.json, path: member.path, into: &steps)
            }
        default:
            throw .unsupported(path, "normalizer type \"\(type)\"", supported: supportedTypes)
        }
    }

    /// The normalized text of a piece (valid UTF-8 in, valid UTF-8 out).
    func apply(_ piece: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var bytes = Array(piece)
        for step in steps { bytes = Self.apply(step, to: bytes) }
        return bytes
    }

    private static func apply(_ step: Step, to bytes: [UInt8]) -> [UInt8] {
        switch step {
        case .prepend(let prefix):
            return bytes.isEmpty ? bytes : prefix + bytes
        case .replace(let replacement):
            return replacement.apply(bytes)
        case .lowercase where !bytes.contains(where: { $0 >= 0x80 }):
            return bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        case .lowercase:
            // Rust's `char::to_lowercase`, one character at a time (no final-sigma rule).
            var lowered = String.UnicodeScalarView()
            for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
                lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
            return Array(String(lowered).utf8)
        case .nfc, .nfd, .nfkc, .nfkd:
            // Normal forms leave ASCII alone.
            guard bytes.contains(where: { $0 >= 0x80 }) else { return bytes }
            let text = String(decoding: bytes, as: UTF8.self)
            let normalized = switch step {
            case .nfc: text.precomposedStringWithCanonicalMapping
            case .nfd: text.decomposedStringWithCanonicalMapping
            case .nfkc: text.precomposedStringWithCompatibilityMapping
            default: text.decomposedStringWithCompatibilityMapping
            }
            return Array(normalized.utf8)
        }
    }

    /// The normalized form of a whole string (for added tokens marked `normalized`).
    func apply(_ text: String) -> String {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { String(decoding: apply(UnsafeBufferPointer($0)), as: UTF8.self) }
    }
}
