import Jinja
import Core
import JSON
import Store
import Tokenizer

/// Everything that decides the bytes of the shards; stored under key 'tokenize' in the
/// catalog, so a re-run with the same settings resumes and other settings start over.
public struct TokenizeSettings: Sendable, Equatable {
    public typealias SFTSource = SFTExampleSource

    public enum LossOn: String, Sendable, CaseIterable {
        /// Assistant turns only (TRL's assistant-only loss).
        case assistant
        /// Every token (the alignment-handbook SFT default).
        case all
    }

    public var template: ChatTemplate
    /// Where the assistant header goes for preference pairs (TRL: prompt; alignment-handbook: response).
    public var convention: ResponseConvention
    public var limits: PreferenceLimits
    public var pack: Bool
    public var sftSource: SFTSource
    public var lossOn: LossOn
    /// sha256 of the tokenizer.json used.
    public var tokenizerSHA256: String = ""
    /// The split and pair settings (and when they were made) the shards were built from.
    public var upstream: String = ""

    public init(template: ChatTemplate, convention: ResponseConvention = .trl, limits: PreferenceLimits, pack: Bool = true,
                sftSource: SFTSource = .conversations, lossOn: LossOn = .assistant) {
        self.template = template
        self.convention = convention
        self.limits = limits
        self.pack = pack
        self.sftSource = sftSource
        self.lossOn = lossOn
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("template", .string(template.name)), ("template_sha256", .string(SHA256.hex(of: template.source))),
            ("special_tokens", .object(JSONObject(template.specialTokens.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))),
            ("date", .string(template.date.isoDate)),
            ("convention", .string(convention.rawValue)), ("max_length", .int(Int64(limits.maxLength))),
            ("max_prompt_length", .int(Int64(limits.maxPromptLength))), ("truncation", .string(limits.mode.rawValue)),
            ("pack", .bool(pack)), ("sft_from", .string(sftSource.rawValue)), ("loss_on", .string(lossOn.rawValue)),
            ("tokenizer_sha256", .string(tokenizerSHA256)), ("upstream", .string(upstream)),
        ]))
    }
}
