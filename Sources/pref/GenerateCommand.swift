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
        abstract: "Answer a conversation with a model (greedy, or temperature / top-p sampling), with its chat template.",
        discussion: """
            The conversation is --prompt TEXT (one user message) or --messages FILE.jsonl (each line a JSON list of \
            {role, content}; one answer each). Generation stops at EOS or the template's end-of-turn token, which is \
            not printed. Tokens per second go to stderr unless --quiet.
            """)

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput
    @Option(help: "An HF model folder (config.json, weights, tokenizer.json, its chat template).") var model: String?
    @Option(name: .customLong("run"), help: "A run of the workspace (or a model folder).") var runName: String?
    @Option(help: "The user message.") var prompt: String?
    @Option(help: "Conversations, one JSON list of {role, content} per line (- for standard input).") var messages: String?
    @Option(help: "Chat template: chatml, llama3 or zephyr (default: the model's own, else the workspace's).") var template: ChatTemplateFamily?
    @Option(help: "Most new tokens.") var maxNewTokens = 128
    @Option(help: "Sampling temperature; 0 is greedy.") var temperature = 0.0
    @Option(help: "Nucleus sampling mass.") var topP = 1.0
    @Option(help: "Sampling seed.") var seed: UInt64 = 0
    @Option(help: "Threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        if (model == nil) == (runName == nil) { throw ValidationError("give one of --model DIR or --run NAME") }
        if (prompt == nil) == (messages == nil) { throw ValidationError("give one of --prompt TEXT or --messages FILE.jsonl") }
        if maxNewTokens < 0 { throw ValidationError("--max-new-tokens must be 0 or more") }
        if temperature < 0 { throw ValidationError("--temperature must be 0 or more") }
        if !(topP > 0 && topP <= 1) { throw ValidationError("--top-p must be in (0, 1]") }
    }

    func run() throws {
        let generation = try makeGeneration()
        if let prompt {
            do { show(.success(try generation.answer([.user(prompt)]))) } catch { throw CLIError("\(error)") }
            return
        }
        var failed = 0, total = 0
        for (n, line) in TextFiles.lines(try TextFiles.read(path: messages!)).enumerated() where !line.isEmpty {
            total += 1
            if !show(generation.answer(line: line, number: n + 1)) { failed += 1 }
        }
        if failed > 0 { throw CLIError("\(failed) of \(total) conversations failed") }
    }

    /// Prints an answer (or its error) and its speed; false on an error.
    @discardableResult
    private func show(_ result: Result<ChatGeneration.Answer, TrainError>) -> Bool {
        switch result {
        case .success(let answer):
            output.print(text: answer.text, json: answer.json)
            if !common.quiet {
                let g = answer.generation
                Console.note(String(format: "%ld new tokens in %.2f s (%.1f tokens/s); prompt %ld tokens in %.2f s",
                                    g.tokens.count, g.prefillSeconds + g.decodeSeconds, g.tokensPerSecond, g.promptTokens, g.prefillSeconds))
            }
            return true
        case .failure(let error):
            if output.json { print(JSONWriter.string(.object(JSONObject([("error", .string(error.description))])))) }
            Console.error(error.description)
            return false
        }
    }

    private func makeGeneration() throws -> ChatGeneration {
        let folder: URL
        var catalog: Catalog?
        if let model {
            folder = URL(fileURLWithPath: model)
        } else {
            catalog = try common.openCatalog()
            folder = RunLocator.modelFolder(runName!, workspace: catalog!.layout)
        }
        var options = GenerationOptions()
        options.maxNewTokens = maxNewTokens
        options.temperature = temperature
        options.topP = topP
        options.seed = seed
        do {
            let tokenizer = try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json"))
            let chat = try Self.chatTemplate(family: template, folder: folder, catalog: catalog)
            let model = try ModelSource.load(folder.path, vocabSize: 0, threads: threads, seed: 0)
            return ChatGeneration(model: model, tokenizer: tokenizer, template: chat, options: options, modelFolder: folder)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError("\(folder.path): \(error)")
        }
    }

    /// The family asked for, else the model's own template (saved with its tokenizer), else the
    /// workspace's; dated as the workspace's tokenize was.
    static func chatTemplate(family: ChatTemplateFamily?, folder: URL, catalog: Catalog?) throws -> ChatTemplate {
        var template: ChatTemplate
        if let family {
            template = ChatTemplate(family: family)
        } else {
            let own = ["chat_template.jinja", "tokenizer_config.json"].contains {
                FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
            }
            let source = own ? folder : catalog?.layout.root ?? folder
            do { template = try ChatTemplate(modelFolder: source) } catch { throw CLIError("\(error); or pass --template chatml, llama3 or zephyr") }
        }
        if let text = try catalog?.settingValue(.templateDate)?.stringValue, let date = JinjaDate(isoDate: text) { template.date = date }
        return template
    }
}

extension ChatTemplateFamily: ExpressibleByArgument {}
