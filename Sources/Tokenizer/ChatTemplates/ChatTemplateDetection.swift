import Foundation
import JSON

extension ChatTemplate {
    /// The template named by a model's tokenizer_config.json (`chat_template`, with `bos_token`
    /// and `eos_token`), when it belongs to a supported family.
    public init(contentsOf url: URL) throws {
        let json: JSONValue
        do {
            json = try JSONParser.parse(Array(Data(contentsOf: url)))
        } catch {
            throw TokenizerError("\(url.path): cannot read the tokenizer config: \(error)")
        }
        do {
            try self.init(tokenizerConfig: json)
        } catch {
            throw TokenizerError("\(url.path): \(error.message)")
        }
    }

    public init(tokenizerConfig json: JSONValue) throws(TokenizerError) {
        var source = json["chat_template"]?.stringValue
        if source == nil, let named = json["chat_template"]?.arrayValue {
            // The list form: [{"name": "default", "template": "..."}, {"name": "tool_use", ...}].
            source = named.first { $0["name"]?.stringValue == "default" }?["template"]?.stringValue
        }
        guard let source else {
            throw TokenizerError("chat_template: missing; choose a family (\(Self.supportedList))")
        }
        func tokenText(_ key: String) -> String? {
            json[key]?.stringValue ?? json[key]?["content"]?.stringValue
        }
        self = try Self.detect(chatTemplate: source, bosToken: tokenText("bos_token"), eosToken: tokenText("eos_token"))
    }

    static var supportedList: String { ChatTemplateFamily.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Recognises the family of a Jinja chat template by its markers. Variants that render
    /// differently from the plain family (tool calling, reasoning blocks, Llama 3.1's date
    /// preamble) are refused rather than approximated.
    public static func detect(chatTemplate source: String, bosToken: String? = nil,
                              eosToken: String? = nil) throws(TokenizerError) -> ChatTemplate {
        let variants = ["tool_call", "tools", "<think>", "Cutting Knowledge Date", "ipython"]
        if let marker = variants.first(where: { source.contains($0) }) {
            throw TokenizerError("chat_template: this template has \(marker.debugDescription) logic that the plain "
                + "families do not reproduce; pass the family explicitly (\(supportedList)) if the difference does not matter to you")
        }
        if source.contains("<|im_start|>") {
            return ChatTemplate(family: .chatml, defaultSystemPrompt: defaultSystemPrompt(in: source))
        }
        if source.contains("<|start_header_id|>") && source.contains("<|eot_id|>") {
            return ChatTemplate(family: .llama3, bosToken: bosToken)
        }
        if source.contains("<|user|>") && source.contains("<|assistant|>") {
            return ChatTemplate(family: .zephyr, eosToken: eosToken)
        }
        throw TokenizerError("chat_template: not a supported family (supported: \(supportedList)); "
            + "pass the family explicitly to render with one of them")
    }

    /// A literal `<|im_start|>system\n...<|im_end|>` inside a Jinja string: the system prompt the
    /// template inserts when the conversation has none.
    static func defaultSystemPrompt(in source: String) -> String? {
        for opener in ["<|im_start|>system\\n", "<|im_start|>system\n"] {
            var rest = Substring(source)
            while let start = rest.range(of: opener) {
                rest = rest[start.upperBound...]
                guard let end = rest.range(of: "<|im_end|>") else { break }
                let literal = rest[..<end.lowerBound]
                if !literal.contains("'") && !literal.contains("\"") && !literal.contains("{") {
                    return unescapeJinja(String(literal))
                }
            }
        }
        return nil
    }

    private static func unescapeJinja(_ text: String) -> String {
        var out = ""
        var escaping = false
        for c in text {
            if escaping {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(c)
                }
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
