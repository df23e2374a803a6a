import ArgumentParser
import Core
import Foundation
import Jinja
import JSON
import Store
import Tokenizer

struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Inspect, run and train byte-level BPE tokenizers (Hugging Face tokenizer.json).",
        subcommands: [Encode.self, Decode.self, Info.self, Train.self, Chat.self])

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the ids of each line of FILE, as HF tokenizers' encode(line) gives them.",
            discussion: "A line is the text between \"\\n\" characters (a \"\\r\" before one stays in the line).")
        @OptionGroup var common: WorkspaceOptions
        @Option(help: "The tokenizer.json.") var tokenizer: String
        @Flag(help: "Leave out the post-processor's tokens (add_special_tokens=False).") var noSpecial = false
        @Flag(help: "Print only counts and throughput, not the ids.") var stats = false
        @Option(help: "Threads for --stats (default 1).") var threads = 1
        @Flag(help: "With --stats, print the summary as JSON.") var json = false

        func validate() throws {
            if json && !stats { throw ValidationError("--json prints the --stats summary; add --stats") }
        }
        @Argument(help: "Text file, or - for standard input.") var file: String

        func run() throws {
            let model = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizer))
            let text = try TextFiles.read(path: file)
            let lines = TextFiles.lines(text)
            guard stats else {
                var out = ""
                for line in lines {
                    out += model.encode(line, addSpecialTokens: !noSpecial).map(String.init).joined(separator: " ")
                    out += "\n"
                    if out.utf8.count > 1 << 20 { FileHandle.standardOutput.write(Data(out.utf8)); out = "" }
                }
                FileHandle.standardOutput.write(Data(out.utf8))
                return
            }
            let clock = ContinuousClock()
            var ids: [[UInt32]] = []
            let elapsed = clock.measure { ids = model.encodeBatch(lines, addSpecialTokens: !noSpecial, threads: threads) }
            let report = EncodeReport(lines: lines.count, bytes: lines.reduce(0) { $0 + $1.utf8.count },
                                      tokens: ids.reduce(0) { $0 + $1.count }, threads: threads,
                                      seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            print(json ? JSONWriter.string(report.json) : report.text)
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the text of each line of space-separated ids in FILE.")
        @OptionGroup var common: WorkspaceOptions
        @Option(help: "The tokenizer.json.") var tokenizer: String
        @Flag(help: "Drop special tokens (skip_special_tokens=True).") var skipSpecial = false
        @Flag(help: "Print each text as a JSON string (keeps newlines visible).") var json = false
        @Argument(help: "File of id lines, or - for standard input.") var file: String

        func run() throws {
            let model = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizer))
            for (n, line) in TextFiles.lines(try TextFiles.read(path: file)).enumerated() {
                let ids = try line.split(separator: " ").map { field in
                    guard let id = UInt32(field) else { throw TokenizerError("\(file):\(n + 1): \(field.debugDescription) is not a token id") }
                    return id
                }
                let text = model.decode(ids, skipSpecialTokens: skipSpecial)
                print(json ? JSONWriter.string(.string(text)) : text)
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Summarize a tokenizer.json.")
        @OptionGroup var common: WorkspaceOptions
        @OptionGroup var output: JSONOutput
        @Option(help: "The tokenizer.json.") var tokenizer: String

        func run() throws {
            let info = try Tokenizer(contentsOf: URL(fileURLWithPath: tokenizer)).info
            output.print(text: info.text, json: info.json)
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a byte-level BPE tokenizer on text files or the workspace's train split; the result equals HF's BpeTrainer.",
            discussion: "Files are read line by line, line endings kept, as HF's Tokenizer.train(files) does. --from-workspace trains on the train split's messages and completions only (the test split never reaches the vocabulary).")
        @Option(help: "Vocabulary size, special tokens and the 256 bytes included.") var vocabSize: Int
        @Option(help: "Pairs seen fewer times are not merged.") var minFrequency: Int64 = 0
        @Option(help: "A special token (repeatable); they take the first ids.") var specialToken: [String] = []
        @Option(help: "Longest token, in bytes.") var maxTokenLength: Int?
        @Option(help: "Pre-tokenization: gpt2, llama3 or qwen2.") var preTokenizer: TrainingPreTokenizer = .gpt2
        @Flag(help: "NFC-normalize text first.") var nfc = false
        @Option(name: .shortAndLong, help: "Where to write tokenizer.json.") var output: String
        @OptionGroup var common: WorkspaceOptions
        @Flag(help: "Train on the train split of the workspace (see --workspace) instead of files.") var fromWorkspace = false
        @Argument(help: "Text files.") var files: [String] = []

        func validate() throws {
            guard vocabSize > 0 else { throw ValidationError("--vocab-size must be positive") }
            guard fromWorkspace != !files.isEmpty else { throw ValidationError("give text files or --from-workspace (not both)") }
        }

        func run() throws {
            let trainer = try BPETrainer(options: BPETrainingOptions(
                vocabSize: vocabSize, minFrequency: minFrequency, specialTokens: specialToken,
                maxTokenLength: maxTokenLength, preTokenizer: preTokenizer, nfc: nfc))
            if fromWorkspace {
                trainer.feed(try common.openCatalog().trainSplitTexts())
            }
            for file in files { trainer.feed(TextFiles.linesWithEndings(try TextFiles.read(path: file))) }
            let progress = common.progress()
            // The tokenizer stands alone (JSON only), so its trainer reports its own progress type.
            let tokenizer = try trainer.train(progress: progress.handler.map { handler in
                { p in handler(ProgressEvent(phase: p.phase.rawValue, done: p.done, total: p.total, unit: p.phase == .merging ? .merges : .words)) }
            })
            progress.finish()
            try tokenizer.save(to: URL(fileURLWithPath: output))
            print("trained \(tokenizer.vocabSize) tokens (\(tokenizer.info.merges) merges) from \(trainer.textsSeen) lines, "
                + "\(trainer.distinctWords) distinct words; wrote \(output)")
        }
    }
    struct Chat: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render conversations with a chat template exactly as transformers' apply_chat_template does.",
            discussion: "Each line of MESSAGES.jsonl is a JSON list of {role, content} messages; each output line is {\"text\": ...} (with --ids, also \"ids\"), or {\"error\": ...} where transformers would raise.")
        @OptionGroup var common: WorkspaceOptions
        @Option(help: "A model folder (tokenizer.json, tokenizer_config.json or chat_template.jinja).") var tokenizer: String?
        @Option(help: "A Jinja chat template file (instead of, or overriding, the model's).") var template: String?
        @Option(help: "bos_token for the template.") var bosToken: String?
        @Option(help: "eos_token for the template.") var eosToken: String?
        @Flag(help: "Append the assistant header (add_generation_prompt=True).") var addGenerationPrompt = false
        @Option(help: "The date strftime_now renders (YYYY-MM-DD; default: today).") var date: String?
        @Flag(help: "Also print the token ids (needs --tokenizer).") var ids = false
        @Flag(help: "Print the seconds of each phase (load, render + encode, write) as JSON on stderr.") var timing = false
        @Argument(help: "Messages file (JSON Lines), or - for standard input.") var file: String

        func validate() throws {
            if tokenizer == nil && template == nil { throw ValidationError("give --tokenizer DIR or --template FILE.jinja") }
            if ids && tokenizer == nil { throw ValidationError("--ids needs --tokenizer") }
            if let date, JinjaDate(isoDate: date) == nil { throw ValidationError("--date must be YYYY-MM-DD, got \(date)") }
        }

        func run() throws {
            var timing = ChatTiming()
            let (lines, inputs) = try timing.load { () throws -> (ChatLines, [ChatLines.Input]) in
                let chat = try chatTemplate()
                let model = try ids ? tokenizer.map { try Tokenizer(contentsOf: URL(fileURLWithPath: $0).appendingPathComponent("tokenizer.json")) } : nil
                return (ChatLines(template: chat, tokenizer: model, addGenerationPrompt: addGenerationPrompt),
                        ChatLines.inputs(of: try TextFiles.read(path: file)))
            }
            let outputs = timing.renderEncode { lines.render(inputs) }
            timing.write { ChatLines.write(outputs) { FileHandle.standardOutput.write(Data($0)) } }
            if self.timing { FileHandle.standardError.write(Data((JSONWriter.string(timing.json) + "\n").utf8)) }
        }

        /// The model's template (or --template), with --bos-token, --eos-token and --date applied.
        private func chatTemplate() throws -> ChatTemplate {
            let override = template.map { URL(fileURLWithPath: $0) }
            do {
                var chat: ChatTemplate
                if let tokenizer {
                    chat = try ChatTemplate(modelFolder: URL(fileURLWithPath: tokenizer), override: override)
                } else {
                    guard let url = override else { throw CLIError("give --tokenizer DIR or --template FILE.jinja") }
                    chat = try ChatTemplate(source: try String(contentsOf: url, encoding: .utf8), name: url.lastPathComponent)
                }
                var tokens = chat.specialTokens
                if let bosToken { tokens["bos_token"] = bosToken }
                if let eosToken { tokens["eos_token"] = eosToken }
                return try ChatTemplate(source: chat.source, name: chat.name, specialTokens: tokens,
                                        date: date.flatMap(JinjaDate.init(isoDate:)) ?? .today())
            } catch { throw CLIError("\(error)") }
        }
    }
}

extension TrainingPreTokenizer: ExpressibleByArgument {}
