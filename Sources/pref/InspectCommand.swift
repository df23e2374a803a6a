import ArgumentParser
import Foundation
import JSON
import Store
import Tokenizer

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show one tokenized example decoded, with the loss mask visible.",
        discussion: "Trained tokens are shown in green on a terminal, or between ⟦ and ⟧ otherwise; document boundaries of packed sequences as ┃.")

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput

    @Argument(help: "Example id (see `pref stats` or the examples table).")
    var exampleId: Int64

    @Flag(help: "Also print the token ids.")
    var ids = false

    func run() throws {
        let catalog = try common.openCatalog()
        let tokenizerURL = catalog.layout.root.appendingPathComponent("tokenizer.json")
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(contentsOf: tokenizerURL) } catch { throw CLIError("\(tokenizerURL.path): \(error) (run pref tokenize first)") }
        let reader = ShardReader(catalog: catalog)
        let info: ExampleInfo
        let example: DecodedExample
        do {
            info = try reader.info(exampleId)
            example = try reader.example(exampleId)
        } catch { throw CLIError("\(error)") }
        if output.json { return print(JSONWriter.string(Self.json(info, example))) }
        let color = isatty(1) == 1
        let (open, close) = color ? ("\u{1B}[32m", "\u{1B}[0m") : ("⟦", "⟧")
        func text(_ ids: [Int32]) -> String { tokenizer.decode(ids.map { UInt32(bitPattern: $0) }) }

        print("example \(info.id): \(info.kind.rawValue), split \(info.split), \(info.tokens) tokens, stage \(info.stage), rank \(info.curriculumRank)"
              + (info.truncated ? ", truncated" : "") + (info.recordId.map { ", record \($0)" } ?? "") + (info.pairId.map { ", pair \($0)" } ?? ""))
        if let c = info.refChosenLogp, let r = info.refRejectedLogp {
            print(String(format: "reference log-probs: chosen %.4f, rejected %.4f", c, r))
        }
        switch example {
        case .sft(let tokens, let mask, let docs):
            print("documents: \(docs.map(String.init).joined(separator: " + ")); trained tokens: \(mask.filter { $0 }.count) of \(tokens.count)")
            var out = ""
            var start = 0
            var docEnds = Set(docs.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1) })
            docEnds.remove(tokens.count)
            while start < tokens.count {
                var end = start
                while end < tokens.count, mask[end] == mask[start], end == start || !docEnds.contains(end) { end += 1 }
                let piece = text(Array(tokens[start..<end]))
                out += mask[start] ? open + piece + close : piece
                if docEnds.contains(end) { out += "┃" }
                start = end
            }
            print(out)
            if ids { print(tokens.map(String.init).joined(separator: " ")) }
        case .preference(let prompt, let chosen, let rejected):
            for (name, part) in [("prompt", prompt), ("chosen", chosen), ("rejected", rejected)] {
                print("── \(name) (\(part.count) tokens)")
                print(name == "prompt" ? text(part) : open + text(part) + close)
                if ids { print(part.map(String.init).joined(separator: " ")) }
            }
        }
    }

    /// The example as stored: ids, loss mask and document lengths (SFT) or the three parts (pairs).
    static func json(_ info: ExampleInfo, _ example: DecodedExample) -> JSONValue {
        func ids(_ v: [Int32]) -> JSONValue { .array(v.map { .int(Int64($0)) }) }
        var o = JSONObject([("id", .int(info.id)), ("kind", .string(info.kind.rawValue)), ("split", .string(info.split)),
                            ("stage", .int(Int64(info.stage))), ("curriculum_rank", .int(Int64(info.curriculumRank))),
                            ("truncated", .bool(info.truncated)),
                            ("ref_chosen_logp", info.refChosenLogp.map(JSONValue.double) ?? .null),
                            ("ref_rejected_logp", info.refRejectedLogp.map(JSONValue.double) ?? .null)])
        switch example {
        case .sft(let tokens, let mask, let docs):
            o["input_ids"] = ids(tokens)
            o["loss_mask"] = .array(mask.map(JSONValue.bool))
            o["document_lengths"] = .array(docs.map { .int(Int64($0)) })
        case .preference(let prompt, let chosen, let rejected):
            o["prompt_ids"] = ids(prompt)
            o["chosen_ids"] = ids(chosen)
            o["rejected_ids"] = ids(rejected)
        }
        return .object(o)
    }
}
