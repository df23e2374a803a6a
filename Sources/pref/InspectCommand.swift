import ArgumentParser
import Foundation
import JSON
import Store
import Tokenizer

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show tokenized examples decoded, with the loss mask visible.",
        discussion: "Trained tokens are shown in green on a terminal, or between ⟦ and ⟧ otherwise; document boundaries of packed sequences as ┃. --json prints the ids, loss mask and document lengths as the trainer reads them.")

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput

    @Argument(help: "Example ids (see `pref stats` or the examples table).")
    var exampleIds: [Int64]

    @Flag(help: "Also print the token ids.")
    var ids = false

    func validate() throws {
        if exampleIds.isEmpty { throw ValidationError("give at least one example id") }
    }

    func run() throws {
        let catalog = try common.openCatalog()
        let reader = ShardReader(catalog: catalog)
        var tokenizer: Tokenizer?
        for id in exampleIds {
            let info: ExampleInfo
            let example: DecodedExample
            do {
                info = try reader.info(id)
                example = try reader.example(id)
            } catch { throw CLIError("\(error)") }
            if output.json {
                // One JSON object per line (JSON Lines) when several ids are given.
                print(JSONWriter.string(Self.json(info, example)))
                continue
            }
            if tokenizer == nil {
                let url = catalog.layout.root.appendingPathComponent("tokenizer.json")
                do { tokenizer = try Tokenizer(contentsOf: url) } catch { throw CLIError("\(url.path): \(error) (run pref tokenize first)") }
            }
            show(info, example, tokenizer!)
        }
    }

    private func show(_ info: ExampleInfo, _ example: DecodedExample, _ tokenizer: Tokenizer) {
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
}

extension InspectCommand {
    /// The example as the trainer reads it: ids, loss mask and document lengths (SFT) or the
    /// prompt, chosen and rejected ids (pairs), with its index metadata.
    static func json(_ info: ExampleInfo, _ example: DecodedExample) -> JSONValue {
        func ints<T: BinaryInteger>(_ values: [T]) -> JSONValue { .array(values.map { .int(Int64($0)) }) }
        func optional<T>(_ value: T?, _ wrap: (T) -> JSONValue) -> JSONValue { value.map(wrap) ?? .null }
        var o = JSONObject([
            ("id", .int(info.id)), ("kind", .string(info.kind.rawValue)), ("split", .string(info.split)), ("tokens", .int(Int64(info.tokens))),
            ("stage", .int(Int64(info.stage))), ("curriculum_rank", .int(Int64(info.curriculumRank))), ("truncated", .bool(info.truncated)),
            ("record_id", optional(info.recordId, JSONValue.int)), ("pair_id", optional(info.pairId, JSONValue.int)),
            ("ref_chosen_logp", optional(info.refChosenLogp, JSONValue.double)),
            ("ref_rejected_logp", optional(info.refRejectedLogp, JSONValue.double)),
        ])
        switch example {
        case .sft(let ids, let mask, let documents):
            o["input_ids"] = ints(ids)
            o["loss_mask"] = .array(mask.map { .int($0 ? 1 : 0) })
            o["document_lengths"] = ints(documents)
        case .preference(let prompt, let chosen, let rejected):
            o["prompt_ids"] = ints(prompt)
            o["chosen_ids"] = ints(chosen)
            o["rejected_ids"] = ints(rejected)
        }
        return .object(o)
    }
}
