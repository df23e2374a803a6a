import Foundation
import JSON

extension ChatTemplate {
    /// The special tokens a template sees, as transformers passes them.
    static let specialTokenKeys = ["bos_token", "eos_token", "unk_token", "pad_token"]

    /// A model's template, found the way transformers finds it: `chat_template` in
    /// tokenizer_config.json (a string, or the named list's `default` entry), otherwise
    /// `chat_template.jinja` beside it (transformers ≥ 4.43); `override` (a .jinja file)
    /// replaces either. The special tokens come from tokenizer_config.json.
    public init(modelFolder folder: URL, override: URL? = nil) throws(ChatTemplateError) {
        try self.init(tokenizerConfig: folder.appendingPathComponent("tokenizer_config.json"), override: override)
    }

    /// The same from the tokenizer_config.json file itself (chat_template.jinja is looked for beside it).
    public init(tokenizerConfig configURL: URL, override: URL? = nil) throws(ChatTemplateError) {
        let folder = configURL.deletingLastPathComponent()
        var config = JSONValue.object(JSONObject())
        if FileManager.default.fileExists(atPath: configURL.path) {
            do { config = try JSONParser.parse(Array(Data(contentsOf: configURL))) } catch {
                throw .failed("\(configURL.path): cannot read the tokenizer config: \(error)")
            }
        }
        var tokens: [String: String] = [:]
        for key in Self.specialTokenKeys {
            if let text = config[key]?.stringValue ?? config[key]?["content"]?.stringValue { tokens[key] = text }
        }
        let (source, name) = try Self.templateSource(config: config, configURL: configURL, folder: folder, override: override)
        try self.init(source: source, name: name, specialTokens: tokens)
    }

    static func templateSource(config: JSONValue, configURL: URL, folder: URL, override: URL?) throws(ChatTemplateError)
        -> (source: String, name: String) {
        func read(_ url: URL) throws(ChatTemplateError) -> String {
            do { return try String(contentsOf: url, encoding: .utf8) } catch { throw .failed("\(url.path): cannot read: \(error.localizedDescription)") }
        }
        if let override { return (try read(override), override.lastPathComponent) }
        if let text = config["chat_template"]?.stringValue { return (text, "tokenizer_config.json") }
        if let named = config["chat_template"]?.arrayValue {
            guard let text = named.first(where: { $0["name"]?.stringValue == "default" })?["template"]?.stringValue else {
                throw .failed("\(configURL.path): chat_template is a list without a \"default\" entry")
            }
            return (text, "tokenizer_config.json")
        }
        let file = folder.appendingPathComponent("chat_template.jinja")
        if FileManager.default.fileExists(atPath: file.path) { return (try read(file), "chat_template.jinja") }
        throw .failed("\(folder.path): no chat template (neither chat_template in tokenizer_config.json nor chat_template.jinja); "
            + "pass --chat-template FILE.jinja or a family (chatml, llama3, zephyr)")
    }
}
