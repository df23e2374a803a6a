import ArgumentParser
import Foundation
import Train

struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Bring models in from other formats.",
        subcommands: [Import.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Convert a llama.cpp GGUF file (Llama or Qwen2) into a Hugging Face model folder.",
            discussion: """
            Writes config.json, model.safetensors (Float32), tokenizer.json, tokenizer_config.json, \
            chat_template.jinja and generation_config.json, the folder `pref train --model DIR` and \
            transformers load. Quantized weights (Q4_0, Q4_1, Q8_0, Q4_K, Q6_K) are dequantized.
            """)

        @OptionGroup var common: WorkspaceOptions
        @OptionGroup var output: JSONOutput
        @Argument(help: "The .gguf file.") var file: String
        @Option(help: "Destination folder (default: WORKSPACE/models/NAME, NAME the file's name without .gguf). Replaced if it exists.")
        var to: String?

        func run() throws {
            let source = URL(fileURLWithPath: file)
            let name = source.deletingPathExtension().lastPathComponent
            let destination = to.map { URL(fileURLWithPath: $0) }
                ?? common.workspaceURL.appendingPathComponent("models").appendingPathComponent(name)
            let progress = common.progress()
            defer { progress.finish() }
            let summary: GGUFImport.Summary
            do { summary = try GGUFImport.importModel(from: source, to: destination, progress: progress.handler) } catch {
                throw CLIError("\(error)")
            }
            progress.finish()
            output.print(text: summary.text, json: summary.json)
        }
    }
}
