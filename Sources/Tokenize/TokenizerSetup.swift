import Core
import Foundation
import Jinja
import JSON
import Store
import Tokenizer

/// Which chat template `pref tokenize` renders with.
public enum TemplateChoice: Sendable, Equatable {
    /// The model's own: tokenizer_config.json's `chat_template`, or chat_template.jinja beside it.
    case auto
    case family(ChatTemplateFamily)
    /// A .jinja file, with the model folder's special tokens.
    case file(URL)
}

/// The tokenizer and template of a `pref tokenize` run: a model's tokenizer.json (or its
/// folder), or a byte-level BPE trained on the workspace's train split. Either way the
/// tokenizer is saved as the workspace's tokenizer.json, which training and eval read.
public struct TokenizerSetup {
    public enum Source: Sendable {
        case file(URL)
        case trainBPE(vocabSize: Int)
    }

    public let tokenizer: Tokenizer
    public let template: ChatTemplate
    /// The workspace copy of the tokenizer.json.
    public let saved: URL

    /// `date` fixes `strftime_now`; without it the workspace's recorded date is used (the day
    /// of its first tokenize).
    public init(source: Source, template choice: TemplateChoice, date: JinjaDate? = nil, catalog: Catalog,
                progress: ProgressHandler? = nil) throws {
        saved = catalog.layout.root.appendingPathComponent("tokenizer.json")
        let fixedDate = try Self.templateDate(date, catalog: catalog)
        switch source {
        case .trainBPE(let vocabSize):
            guard case .family(let family) = choice else {
                throw TokenizeError("a trained BPE has no chat template of its own: name a family (chatml, llama3, zephyr)")
            }
            template = ChatTemplate(family: family).dated(fixedDate)
            let texts = try catalog.trainSplitTexts()
            progress?(.note("tokenizer", "training a \(vocabSize)-token BPE on \(texts.count) train-split texts"))
            let trainer = try BPETrainer(options: BPETrainingOptions(vocabSize: vocabSize, specialTokens: family.specialTokens))
            trainer.feed(texts)
            tokenizer = try trainer.train()
            try tokenizer.save(to: saved)
        case .file(var url):
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                url = url.appendingPathComponent("tokenizer.json")
            }
            do { tokenizer = try Tokenizer(contentsOf: url) } catch { throw TokenizeError("\(url.path): \(error)") }
            let folder = url.deletingLastPathComponent()
            switch choice {
            case .auto: template = try ChatTemplate(modelFolder: folder).dated(fixedDate)
            case .file(let file): template = try ChatTemplate(modelFolder: folder, override: file).dated(fixedDate)
            case .family(let family): template = ChatTemplate(family: family).dated(fixedDate)
            }
            if url.standardizedFileURL != saved.standardizedFileURL {
                do {
                    if FileManager.default.fileExists(atPath: saved.path) { try FileManager.default.removeItem(at: saved) }
                    try FileManager.default.copyItem(at: url, to: saved)
                } catch {
                    throw TokenizeError("cannot copy \(url.path) into the workspace: \(error.localizedDescription)")
                }
            }
        }
        try Self.saveTemplate(template, beside: saved)
    }

    /// Saves the template beside the workspace's tokenizer.json the way transformers lays out a
    /// model folder (tokenizer_config.json with the special tokens, chat_template.jinja), so
    /// runs, generation and scoring render exactly what was tokenized.
    static func saveTemplate(_ template: ChatTemplate, beside tokenizer: URL) throws {
        let folder = tokenizer.deletingLastPathComponent()
        var config = JSONObject(template.specialTokens.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
        config["chat_template_name"] = .string(template.name)
        do {
            try Data((JSONWriter.string(.object(config)) + "\n").utf8).write(to: folder.appendingPathComponent("tokenizer_config.json"), options: .atomic)
            try Data(template.source.utf8).write(to: folder.appendingPathComponent("chat_template.jinja"), options: .atomic)
        } catch {
            throw TokenizeError("cannot save the chat template into \(folder.path): \(error.localizedDescription)")
        }
    }

    /// The date given, else the one the workspace recorded, else today's (then recorded).
    static func templateDate(_ given: JinjaDate?, catalog: Catalog) throws -> JinjaDate {
        if let given { return given }
        if let text = try catalog.settingValue(.templateDate)?.stringValue, let recorded = JinjaDate(isoDate: text) { return recorded }
        let today = JinjaDate.today()
        try catalog.setSetting(.templateDate, .string(today.isoDate))
        return today
    }
}

extension ChatTemplate {
    func dated(_ date: JinjaDate) -> ChatTemplate {
        var copy = self
        copy.date = date
        return copy
    }
}
