import Core
import JSON

/// The canonical shape every dataset format is normalised into: one prompt (the messages
/// before the answer) and its alternative answers.
public struct CanonicalRecord: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Alternatives to compare: scored (UltraFeedback) or labelled chosen/rejected.
        case preference
        /// A conversation for SFT; its single completion is the final assistant turn.
        case conversation
    }

    public var kind: Kind
    public var prompt: [Message]
    public var completions: [Completion]
    /// The dataset's own prompt id, when it carries one (checked against sha256 of the prompt).
    public var promptId: String?
    /// The record's own sub-source (UltraFeedback `source`, Capybara `source`).
    public var origin: String?

    public init(kind: Kind, prompt: [Message], completions: [Completion], promptId: String? = nil, origin: String? = nil) {
        self.kind = kind
        self.prompt = prompt
        self.completions = completions
        self.promptId = promptId
        self.origin = origin
    }

    /// The prompt as stored: a JSON array of `{"role", "content"}` objects.
    public var promptJSON: String { Self.messagesJSON(prompt) }

    public static func messagesJSON(_ messages: [Message]) -> String {
        JSONWriter.string(.array(messages.map { .object(JSONObject([("role", .string($0.role)), ("content", .string($0.content))])) }))
    }

    /// The inverse of `messagesJSON`, strict: the catalog only ever holds what that wrote, so
    /// anything else means a damaged catalog, never a message to guess at.
    public static func messages(fromJSON text: String) throws -> [Message] {
        let items: [JSONValue]
        do {
            guard let array = try JSONParser.parse(text).arrayValue else { throw StoreError("not an array") }
            items = array
        } catch {
            throw StoreError("a stored prompt is not a JSON list of messages (\(error)); the catalog is damaged, re-ingest its source")
        }
        return try items.map { item in
            guard let role = item["role"]?.stringValue, let content = item["content"]?.stringValue else {
                throw StoreError("a stored prompt message lacks a string role or content; the catalog is damaged, re-ingest its source")
            }
            return Message(role: role, content: content)
        }
    }

    /// Groups records that ask the same thing: roles and contents with surrounding
    /// whitespace trimmed and inner runs of ASCII whitespace collapsed to one space, so
    /// re-exports that differ only in spacing land on the same side of the train/test split.
    public var promptHash: String {
        var h = SHA256()
        var normalized: [UInt8] = []
        for m in prompt {
            h.update(m.role)
            h.update("\u{1F}")
            Self.collapseWhitespace(m.content, into: &normalized)
            h.update(normalized)
            h.update("\u{1E}")
        }
        return h.finalizeHex()
    }

    static func collapseWhitespace(_ text: String, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        @inline(__always) func isSpace(_ b: UInt8) -> Bool {
            b == 0x20 || (b >= 0x09 && b <= 0x0D)
        }
        var text = text
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                var wordStart = i
                while wordStart < bytes.count, isSpace(bytes[wordStart]) { wordStart += 1 }
                guard wordStart < bytes.count else { break }
                if wordStart > i, !out.isEmpty { out.append(0x20) }
                var wordEnd = wordStart
                while wordEnd < bytes.count, !isSpace(bytes[wordEnd]) { wordEnd += 1 }
                // Whole words at a time: per-byte appends cost more than the scan.
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[wordStart..<wordEnd]))
                i = wordEnd
            }
        }
    }

    /// Identity for exact-duplicate detection: same prompt, same completions (text, model,
    /// score, label, ratings), same kind.
    public var contentHash: String {
        var h = SHA256()
        h.update(kind.rawValue)
        h.update("\u{1D}")
        h.update(promptJSON)
        for c in completions {
            h.update("\u{1D}")
            h.update(c.text)
            h.update("\u{1F}\(c.model ?? "\u{0}")\u{1F}\(c.score.map { String($0) } ?? "\u{0}")\u{1F}\(c.label?.rawValue ?? "\u{0}")\u{1F}\(c.ratingsJSON ?? "\u{0}")")
        }
        return h.finalizeHex()
    }
}

public struct Completion: Sendable, Equatable {
    public enum Label: String, Sendable { case chosen, rejected }

    public var text: String
    public var model: String?
    /// nil when the dataset has no score for it (missing, null or NaN).
    public var score: Double?
    /// Fine-grained ratings as a JSON object, e.g. UltraFeedback's per-aspect `Rating`s.
    public var ratingsJSON: String?
    /// The dataset's own chosen/rejected label, when it has one.
    public var label: Label?

    public init(text: String, model: String? = nil, score: Double? = nil, ratingsJSON: String? = nil, label: Label? = nil) {
        self.text = text
        self.model = model
        self.score = score
        self.ratingsJSON = ratingsJSON
        self.label = label
    }
}
