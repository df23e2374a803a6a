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
    @Option(help: "Chat template: chatml, llama3 or zephyr (default: the one the workspace was tokenized with).") var template: String?
    @Option(help: "Most new tokens.") var maxNewTokens = 128
    @Option(help: "Sampling temperature; 0 is greedy.") var temperature = 0.0
    @Option(help: "Nucleus sampling mass.") var topP = 1.0
    @Option(help: "Sampling seed.") var seed: UInt64 = 0

    func run() throws {
        let catalog = try common.openCatalog()
        let folder = RunLocator.modelFolder(runName, workspace: catalog.layout)
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json")) } catch { throw CLIError("\(folder.path): \(error)") }
        let familyName = try template ?? Self.workspaceTemplate(catalog)
        guard let family = ChatTemplateFamily(rawValue: familyName) else { throw CLIError("unknown template \(familyName)") }
        let chat = ChatTemplate(family: family)
        var ids = tokenizer.encode(try chat.render([.user(prompt)], addGenerationPrompt: true), addSpecialTokens: false)
        if let bos = tokenizer.specialTokens.bos, ids.first != bos { ids.insert(bos, at: 0) }
        var options = GenerationOptions()
        options.maxNewTokens = maxNewTokens
        options.temperature = temperature
        options.topP = topP
        options.seed = seed
        let stops = ["<|im_end|>", "<|eot_id|>", "</s>", "<|end_of_text|>", "<|endoftext|>"].compactMap { tokenizer.tokenToId($0) }
        options.stopIds = Set(stops.map { Int32(bitPattern: $0) } + (tokenizer.specialTokens.eos.map { [Int32(bitPattern: $0)] } ?? []))
        do {
            let model = try ModelSource.load(folder.path, vocabSize: 0, threads: ProcessInfo.processInfo.activeProcessorCount, seed: 0)
            let output = try Generator.generate(model: model, prompt: ids.map { Int32(bitPattern: $0) }, options: options)
            let text = tokenizer.decode(output.filter { !options.stopIds.contains($0) }.map { UInt32(bitPattern: $0) })
            print(text)
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
