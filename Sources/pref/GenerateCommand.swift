import ArgumentParser
import Foundation
import Jinja
import JSON
import Store
import Tokenizer
import Train

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate an answer with a trained run (greedy, or temperature / top-p sampling).")

    @OptionGroup var common: WorkspaceOptions
    @Option(name: .customLong("run"), help: "Run name or model folder (with tokenizer.json).") var runName: String
    @Option(help: "The user message.") var prompt: String
    @Option(help: "Chat template: chatml, llama3 or zephyr (default: the one the workspace was tokenized with).") var template: ChatTemplateFamily?
    @Option(help: "Most new tokens.") var maxNewTokens = 128
    @Option(help: "Sampling temperature; 0 is greedy.") var temperature = 0.0
    @Option(help: "Nucleus sampling mass.") var topP = 1.0
    @Option(help: "Sampling seed.") var seed: UInt64 = 0

    func run() throws {
        let catalog = try common.openCatalog()
        let folder = RunLocator.modelFolder(runName, workspace: catalog.layout)
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json")) } catch { throw CLIError("\(folder.path): \(error)") }
        let chat = try Self.chatTemplate(family: template, run: folder, catalog: catalog)
        var options = GenerationOptions()
        options.maxNewTokens = maxNewTokens
        options.temperature = temperature
        options.topP = topP
        options.seed = seed
        do {
            let model = try ModelSource.load(folder.path, vocabSize: 0, threads: ProcessInfo.processInfo.activeProcessorCount, seed: 0)
            print(try ChatGeneration.answer(prompt, model: model, tokenizer: tokenizer, template: chat, options: options))
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// The family asked for, else the run's own template (saved with its tokenizer), else the
    /// workspace's; dated as the workspace's tokenize was.
    static func chatTemplate(family: ChatTemplateFamily?, run: URL, catalog: Catalog) throws -> ChatTemplate {
        var template: ChatTemplate
        if let family {
            template = ChatTemplate(family: family)
        } else {
            let folder = FileManager.default.fileExists(atPath: run.appendingPathComponent("chat_template.jinja").path)
                || FileManager.default.fileExists(atPath: run.appendingPathComponent("tokenizer_config.json").path) ? run : catalog.layout.root
            do { template = try ChatTemplate(modelFolder: folder) } catch { throw CLIError("\(error); or pass --template chatml, llama3 or zephyr") }
        }
        if let text = try catalog.settingValue(.templateDate)?.stringValue, let date = JinjaDate(isoDate: text) { template.date = date }
        return template
    }
}

extension ChatTemplateFamily: ExpressibleByArgument {}
