import Foundation
import JSON

/// The chat template families pref renders natively, each exactly as the model repos' Jinja
/// templates render through transformers' `apply_chat_template` (checked against it in tests).
public enum ChatTemplateFamily: String, CaseIterable, Sendable {
    /// `<|im_start|>{role}\n{content}<|im_end|>\n` (Qwen2 and TRL's `setup_chat_format`).
    case chatml
    /// `<|start_header_id|>{role}<|end_header_id|>\n\n{content, trimmed}<|eot_id|>`, BOS first (Llama 3).
    case llama3
    /// `<|{role}|>\n{content}{eos}\n` (Zephyr, the alignment-handbook SFT recipe).
    case zephyr
}

/// How a preference example's text is cut into prompt and response (see DPO_SHIFT.md §1.6,
/// §2.4, §3.1, §3.2). Neither adds the tokenizer's EOS token beyond what the template writes:
/// TRL v0.9.6 appends `eos_token_id` to each response at the id level, which is the packer's
/// decision, not the template's.
public enum ResponseConvention: String, CaseIterable, Sendable {
    /// TRL ≥ 0.12 and HEAD: prompt = render(prompt, add_generation_prompt: true); response = the
    /// rest of render(prompt + [assistant]). The assistant header and (llama3) the BOS are in the
    /// masked prompt; the response is the content and the end-of-turn marker
    /// (`<|im_end|>\n`, `<|eot_id|>`, `</s>\n`).
    case trl
    /// alignment-handbook `apply_chat_template(task: "dpo")`, the DPO-Shift paper's pipeline:
    /// prompt = render(prompt) without a generation prompt; response = render([assistant]) on its
    /// own. The assistant header is in the scored response, and the response repeats what the
    /// template puts before a first message: llama3's BOS (the mid-sequence BOS of §1.6) and a
    /// chatml default system block.
    case alignmentHandbook = "alignment-handbook"
}

/// A prompt and its responses rendered to text; `prompt + responses[i]` is the whole example.
public struct RenderedExample: Sendable, Equatable {
    public var prompt: String
    public var responses: [String]
}

public struct ChatTemplate: Sendable, Equatable {
    public var family: ChatTemplateFamily
    /// chatml: the system message inserted when the first message is not a system message
    /// (Qwen2's "You are a helpful assistant."); nil inserts nothing.
    public var defaultSystemPrompt: String?
    /// llama3: written before the first message rendered.
    public var bosToken: String
    /// zephyr: written after every message.
    public var eosToken: String

    public init(family: ChatTemplateFamily, defaultSystemPrompt: String? = nil, bosToken: String? = nil,
                eosToken: String? = nil) {
        self.family = family
        self.defaultSystemPrompt = defaultSystemPrompt
        self.bosToken = bosToken ?? "<|begin_of_text|>"
        self.eosToken = eosToken ?? "</s>"
    }

    // MARK: - Rendering

    /// `apply_chat_template(messages, tokenize=False, add_generation_prompt:)`.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = false) throws(TokenizerError) -> String {
        var out = ""
        for (i, message) in messages.enumerated() {
            switch family {
            case .chatml:
                if i == 0, let system = defaultSystemPrompt, messages[0].role != "system" {
                    out += "<|im_start|>system\n\(system)<|im_end|>\n"
                }
                out += "<|im_start|>\(message.role)\n\(message.content)<|im_end|>\n"
            case .llama3:
                if i == 0 { out += bosToken }
                out += "<|start_header_id|>\(message.role)<|end_header_id|>\n\n\(Self.pythonStrip(message.content))<|eot_id|>"
            case .zephyr:
                guard ["system", "user", "assistant"].contains(message.role) else {
                    throw TokenizerError("the zephyr template has no role \(message.role.debugDescription) (message \(i))")
                }
                out += "<|\(message.role)|>\n\(message.content)\(eosToken)\n"
            }
        }
        if addGenerationPrompt {
            switch family {
            case .chatml: out += "<|im_start|>assistant\n"
            case .llama3: out += "<|start_header_id|>assistant<|end_header_id|>\n\n"
            case .zephyr: if !messages.isEmpty { out += "<|assistant|>\n" }  // the template emits it inside its loop
            }
        }
        return out
    }

    /// The prompt and each response as text, cut by `convention`.
    public func render(prompt: [ChatMessage], responses: [String],
                       convention: ResponseConvention = .trl) throws(TokenizerError) -> RenderedExample {
        switch convention {
        case .trl:
            let promptText = try render(prompt, addGenerationPrompt: true)
            var texts: [String] = []
            for response in responses {
                let full = try render(prompt + [.assistant(response)])
                // Compared as bytes: as Characters, a response starting with a combining mark
                // would fuse with the prompt's last character.
                guard full.utf8.starts(with: promptText.utf8) else {
                    throw TokenizerError("the \(family) template does not render the prompt as a prefix of the conversation")
                }
                texts.append(String(decoding: full.utf8.dropFirst(promptText.utf8.count), as: UTF8.self))
            }
            return RenderedExample(prompt: promptText, responses: texts)
        case .alignmentHandbook:
            var texts: [String] = []
            for response in responses { texts.append(try render([.assistant(response)])) }
            return RenderedExample(prompt: try render(prompt), responses: texts)
        }
    }

    /// Python's `str.strip()` (Jinja's `trim`): strips what `str.isspace` calls space, which
    /// includes U+001C...U+001F besides Unicode White_Space.
    static func pythonStrip(_ text: String) -> String {
        func isSpace(_ s: Unicode.Scalar) -> Bool {
            switch s.value {
            case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
                return true
            default:
                return false
            }
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
