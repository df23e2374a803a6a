import Foundation
import JSON

/// A developer path for SFT before the tokenized shards exist: conversations from a JSONL
/// file (`messages` or `chosen` as lists of {role, content}, or a `text` string) rendered as
/// `<|role|>\n…\n` and tokenized one byte per token, with BOS and EOS around each document.
/// Vocabulary: bytes 0–255, BOS 256, EOS 257. Loss on every token, as alignment-handbook's
/// SFT recipe does.
public struct ByteLevelCorpus: Sendable {
    public static let bos: Int32 = 256
    public static let eos: Int32 = 257
    public static let vocabSize = 258

    public let documents: [[Int32]]
    /// Lines that held no usable conversation, with the reason (1-based line numbers).
    public let skipped: [(line: Int, reason: String)]

    public init(jsonl url: URL, maxDocuments: Int? = nil) throws(TrainError) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw .io("\(url.path): cannot read: \(error.localizedDescription)")
        }
        var documents: [[Int32]] = []
        var skipped: [(Int, String)] = []
        var lineNumber = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if let maxDocuments, documents.count >= maxDocuments { break }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            let value: JSONValue
            do { value = try JSONParser.parse([UInt8](line)) } catch {
                skipped.append((lineNumber, "not JSON: \(error)"))
                continue
            }
            guard let text = Self.render(value) else {
                skipped.append((lineNumber, "no messages, chosen or text field"))
                continue
            }
            documents.append([Self.bos] + text.utf8.map { Int32($0) } + [Self.eos])
        }
        guard !documents.isEmpty else { throw .invalidOption("\(url.path): no usable conversations in \(lineNumber) lines") }
        self.documents = documents
        self.skipped = skipped
    }

    static func render(_ record: JSONValue) -> String? {
        if let text = record["text"]?.stringValue { return text }
        guard let messages = (record["messages"] ?? record["chosen"])?.arrayValue, !messages.isEmpty else { return nil }
        var out = ""
        for m in messages {
            guard let role = m["role"]?.stringValue, let content = m["content"]?.stringValue else { return nil }
            out += "<|\(role)|>\n\(content)\n"
        }
        return out
    }

    /// Splits off the last `fraction` of documents (at least one) for evaluation.
    public func split(testFraction fraction: Double) -> (train: [[Int32]], test: [[Int32]]) {
        let testCount = max(1, min(documents.count - 1, Int((Double(documents.count) * fraction).rounded())))
        return (Array(documents.dropLast(testCount)), Array(documents.suffix(testCount)))
    }
}
