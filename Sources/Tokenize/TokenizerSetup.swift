import Core
import Foundation
import Store
import Tokenizer

/// Which chat template `pref tokenize` renders with.
public enum TemplateChoice: Sendable, Equatable {
    /// The model's own, from the tokenizer_config.json beside its tokenizer.json.
    case auto
    case family(ChatTemplateFamily)
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

    public init(source: Source, template choice: TemplateChoice, catalog: Catalog, progress: ProgressHandler? = nil) throws {
        saved = catalog.layout.root.appendingPathComponent("tokenizer.json")
        switch source {
        case .trainBPE(let vocabSize):
            guard case .family(let family) = choice else {
                throw TokenizeError("--template auto needs a model's tokenizer_config.json; with a trained BPE name the template")
            }
            template = ChatTemplate(family: family)
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
            switch choice {
            case .auto:
                let config = url.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
                do { template = try ChatTemplate(contentsOf: config) } catch {
                    throw TokenizeError("--template auto: \(error); or pass --template chatml, llama3 or zephyr")
                }
            case .family(let family):
                template = ChatTemplate(family: family)
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
    }
}
