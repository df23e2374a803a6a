import Foundation
import Jinja
import JSON

/// Chat templates pref ships as named Jinja sources (for tokenizers pref trains itself);
/// a model's own template is read from its folder instead.
public enum ChatTemplateFamily: String, CaseIterable, Sendable {
    /// `<|im_start|>{role}\n{content}<|im_end|>\n` (Qwen2 and TRL's `setup_chat_format`).
    case chatml
    /// `<|start_header_id|>{role}<|end_header_id|>\n\n{content, trimmed}<|eot_id|>`, BOS first (Llama 3).
    case llama3
    /// `<|{role}|>\n{content}{eos}\n` (Zephyr, the alignment-handbook SFT recipe).
    case zephyr
}

/// How a preference example's text is cut into prompt and response (see DPO_SHIFT.md §1.6,
/// §2.4, §3.1, §3.2). Neither adds the tokenizer's EOS token beyond what the template writes.
public enum ResponseConvention: String, CaseIterable, Sendable {
    /// TRL ≥ 0.12 and HEAD: prompt = render(prompt, add_generation_prompt: true); response = the
    /// rest of render(prompt + [assistant]).
    case trl
    /// alignment-handbook `apply_chat_template(task: "dpo")`, the DPO-Shift paper's pipeline:
    /// prompt = render(prompt) without a generation prompt; response = render([assistant]) on its own.
    case alignmentHandbook = "alignment-handbook"
}

/// A prompt and its responses rendered to text; `prompt + responses[i]` is the whole example.
public struct RenderedExample: Sendable, Equatable {
    public var prompt: String
    public var responses: [String]
}

/// Why a chat could not be rendered.
public enum ChatTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template called `raise_exception` for this conversation (transformers raises too).
    case raised(String)
    /// The template does not parse, or rendering failed otherwise.
    case failed(String)

    public var description: String {
        switch self {
        case .raised(let message): "the chat template raised: \(message)"
        case .failed(let message): message
        }
    }
}

/// A Jinja chat template with the special tokens and the fixed date it renders with, the way
/// transformers' `apply_chat_template` renders it.
public struct ChatTemplate: Sendable, Equatable {
    /// What it is: a family name, or the file it came from.
    public let name: String
    public let source: String
    /// `bos_token`, `eos_token`, `unk_token`, `pad_token` as the tokenizer config gives them.
    public let specialTokens: [String: String]
    /// The date `strftime_now` sees, fixed so that renders are reproducible.
    public var date: JinjaDate
    private let template: JinjaTemplate

    public static let defaultDate = JinjaDate(year: 2026, month: 1, day: 15)

    public init(source: String, name: String, specialTokens: [String: String] = [:], date: JinjaDate = defaultDate)
        throws(ChatTemplateError) {
        do { template = try JinjaTemplate(source: source) } catch { throw .failed("\(name): \(error)") }
        self.name = name
        self.source = source
        self.specialTokens = specialTokens
        self.date = date
    }

    /// One of the built-in families.
    public init(family: ChatTemplateFamily, specialTokens: [String: String]? = nil) {
        do {
            try self.init(source: BuiltInTemplates.source(family), name: family.rawValue,
                          specialTokens: specialTokens ?? BuiltInTemplates.specialTokens(family))
        } catch {
            fatalError("the built-in \(family) template does not parse: \(error)")  // a constant, covered by tests
        }
    }

    public static func == (a: ChatTemplate, b: ChatTemplate) -> Bool {
        a.name == b.name && a.source == b.source && a.specialTokens == b.specialTokens && a.date == b.date
    }

    /// Whether the template marks assistant output with `{% generation %}` blocks.
    public var hasGenerationBlocks: Bool { template.hasGenerationBlocks }

    // MARK: - Rendering

    /// `apply_chat_template(messages, tokenize=False, add_generation_prompt:)`, with the
    /// spans of `{% generation %}` output.
    public func rendering(_ messages: [ChatMessage], addGenerationPrompt: Bool = false) throws(ChatTemplateError) -> JinjaRendering {
        let values = messages.map { JinjaValue.dict(JinjaDict([(.string("role"), .string($0.role)), (.string("content"), .string($0.content))])) }
        return try rendering(ChatTemplateContext(messages: values, addGenerationPrompt: addGenerationPrompt, specialTokens: specialTokens, date: date))
    }

    /// Renders a context, telling `raise_exception` (that conversation's own error) from other failures.
    private func rendering(_ context: ChatTemplateContext) throws(ChatTemplateError) -> JinjaRendering {
        do { return try template.render(chat: context) } catch let error as TemplateException {
            throw .raised(error.message)
        } catch {
            throw .failed("\(name): \(error)")
        }
    }

    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = false) throws(ChatTemplateError) -> String {
        try rendering(messages, addGenerationPrompt: addGenerationPrompt).text
    }

    /// The prompt and each response as text, cut by `convention`.
    public func render(prompt: [ChatMessage], responses: [String],
                       convention: ResponseConvention = .trl) throws(ChatTemplateError) -> RenderedExample {
        switch convention {
        case .trl:
            let promptText = try render(prompt, addGenerationPrompt: true)
            var texts: [String] = []
            for response in responses {
                let full = try render(prompt + [.assistant(response)])
                // Compared as bytes: as Characters, a response starting with a combining mark
                // would fuse with the prompt's last character.
                guard full.utf8.starts(with: promptText.utf8) else {
                    throw .failed("the \(name) template does not render the prompt as a prefix of the conversation")
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
}

extension ChatTemplate {
    /// Renders messages given as JSON (each a dict with role, content and whatever else the
    /// template reads: tool calls, reasoning), as `apply_chat_template` receives them.
    public func rendering(json messages: JSONValue, addGenerationPrompt: Bool = false) throws(ChatTemplateError) -> JinjaRendering {
        let context: ChatTemplateContext
        do {
            context = try ChatTemplateContext(messages: messages, addGenerationPrompt: addGenerationPrompt, specialTokens: specialTokens, date: date)
        } catch {
            throw .failed("messages must be a JSON list of message objects: \(error)")
        }
        return try rendering(context)
    }
}
