import Foundation
import JSON

/// The normalizer of a tokenizer.json: Unicode normal forms and lowercasing, alone or in a
/// `Sequence`. Applied to each piece of text between added tokens, as HF does.
struct Normalizer: Sendable {
    enum Step: Sendable, Equatable {
        case nfc, nfd, nfkc, nfkd, lowercase
    }

    let steps: [Step]

    static let supportedTypes = ["NFC", "NFD", "NFKC", "NFKD", "Lowercase", "Sequence"]

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
        case "Sequence":
            guard let members = json["normalizers"]?.arrayValue else {
                throw .invalid(path, "Sequence needs a \"normalizers\" array")
            }
            for (i, member) in members.enumerated() {
                try compile(member, path: "\(path).normalizers[\(i)]", into: &steps)
            }
        default:
            throw .unsupported(path, "normalizer type \"\(type)\"", supported: supportedTypes)
        }
    }

    /// The normalized text of a piece (valid UTF-8 in, valid UTF-8 out).
    func apply(_ piece: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var ascii = true
        for b in piece where b >= 0x80 { ascii = false; break }
        if ascii {
            // Normal forms leave ASCII alone; lowercasing it is a byte map.
            guard steps.contains(.lowercase) else { return Array(piece) }
            return piece.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        }
        var text = String(decoding: piece, as: UTF8.self)
        for step in steps {
            switch step {
            case .nfc: text = text.precomposedStringWithCanonicalMapping
            case .nfd: text = text.decomposedStringWithCanonicalMapping
            case .nfkc: text = text.precomposedStringWithCompatibilityMapping
            case .nfkd: text = text.decomposedStringWithCompatibilityMapping
            case .lowercase:
                // Rust's `char::to_lowercase`, one character at a time (no final-sigma rule).
                var lowered = String.UnicodeScalarView()
                for scalar in text.unicodeScalars {
                    lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                }
                text = String(lowered)
            }
        }
        return Array(text.utf8)
    }

    /// The normalized form of a whole string (for added tokens marked `normalized`).
    func apply(_ text: String) -> String {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { String(decoding: apply(UnsafeBufferPointer($0)), as: UTF8.self) }
    }
}
