import JSON

/// `pref tokenizer chat`: one JSON list of messages per line in, one JSON object per line
/// out — `{"text": ...}` (plus `"ids"` with a tokenizer), or `{"error": ...}` where
/// transformers' `apply_chat_template` would raise.
///
/// Three steps, so that the render-and-encode loop can be timed on its own (as bench/chat
/// times transformers' loop): `inputs(of:)` parses the file, `render` does the work,
/// `write` formats the results.
public struct ChatLines: Sendable {
    public let template: ChatTemplate
    /// Encodes the text as `apply_chat_template(tokenize=True)` does (no special tokens added).
    public let tokenizer: Tokenizer?
    public let addGenerationPrompt: Bool

    /// One non-empty input line: its messages, or why it is not JSON.
    public enum Input: Sendable, Equatable {
        case messages(JSONValue)
        case notJSON(String)
    }

    /// What one line gave.
    public enum Output: Sendable, Equatable {
        case rendered(text: String, ids: [UInt32]?)
        case failed(String)
    }

    public init(template: ChatTemplate, tokenizer: Tokenizer?, addGenerationPrompt: Bool) {
        self.template = template
        self.tokenizer = tokenizer
        self.addGenerationPrompt = addGenerationPrompt
    }

    /// The non-empty lines of a messages file, parsed; errors name the line (counting empty ones).
    public static func inputs(of text: String) -> [Input] {
        var text = text
        // Each line is parsed where it lies in the file's bytes: no String per line.
        return text.withUTF8 { bytes in
            var inputs: [Input] = []
            var start = 0
            var number = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                number += 1
                if end > start {
                    do {
                        inputs.append(.messages(try JSONParser.parse(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<end])))))
                    } catch {
                        inputs.append(.notJSON("line \(number): not JSON: \(error)"))
                    }
                }
                start = end + 1
            }
            return inputs
        }
    }

    public func render(_ input: Input) -> Output {
        switch input {
        case .notJSON(let message):
            return .failed(message)
        case .messages(let messages):
            do {
                let text = try template.rendering(json: messages, addGenerationPrompt: addGenerationPrompt).text
                return .rendered(text: text, ids: tokenizer?.encode(text, addSpecialTokens: false))
            } catch {
                return .failed(error.description)
            }
        }
    }

    public func render(_ inputs: [Input]) -> [Output] { inputs.map(render) }

    /// Appends the output's JSON line (with its "\n").
    public static func write(_ output: Output, into out: inout [UInt8]) {
        switch output {
        case .rendered(let text, let ids):
            out.append(contentsOf: #"{"text":"#.utf8)
            JSONWriter.writeString(text, into: &out)
            if let ids {
                out.append(contentsOf: #","ids":"#.utf8)
                JSONWriter.writeArray(ids, into: &out)
            }
        case .failed(let message):
            out.append(contentsOf: #"{"error":"#.utf8)
            JSONWriter.writeString(message, into: &out)
        }
        out.append(contentsOf: "}\n".utf8)
    }

    /// The outputs as JSON lines, handed to `sink` in chunks of about a MiB.
    public static func write(_ outputs: [Output], to sink: ([UInt8]) -> Void) {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 21)
        for output in outputs {
            write(output, into: &out)
            if out.count > 1 << 20 {
                sink(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        if !out.isEmpty { sink(out) }
    }
}
