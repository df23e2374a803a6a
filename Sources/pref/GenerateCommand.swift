import ArgumentParser
import Foundation
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
        guard let family = try template ?? ChatTemplateFamily(rawValue: Self.workspaceTemplate(catalog)) else {
            throw CLIError("the workspace's tokenize settings name an unknown template; pass --template")
        }
        var options = GenerationOptions()
        options.maxNewTokens = maxNewTokens
        options.temperature = temperature
        options.topP = topP
        options.seed = seed
        do {
            let model = try ModelSource.load(folder.path, vocabSize: 0, threads: ProcessInfo.processInfo.activeProcessorCount, seed: 0)
            print(try ChatGeneration.answer(prompt, model: model, tokenizer: tokenizer, template: ChatTemplate(family: family), options: options))
        } catch {
            throw CLIError("\(error)")
        }
    }

    static func workspaceTemplate(_ catalog: Catalog) throws -> String {
        guard let t = try catalog.settingValue(.tokenize)?["template"]?.stringValue else {
            throw CLIError("the workspace has no tokenize settings; pass --template")
        }
        return t
    }
}

extension ChatTemplateFamily: ExpressibleByArgument {}
