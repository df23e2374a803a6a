import Core
import Foundation
import Ingest
import Jinja
import JSON
import Pairs
import Store
import Testing
import Tokenize
import Tokenizer

private let shared = Fixtures.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
private let smolLM2 = shared.appendingPathComponent("smollm2-135m-instruct")
private let hasSmolLM2Data = FileManager.default.fileExists(atPath: smolLM2.appendingPathComponent("tokenizer.json").path)
    && FileManager.default.fileExists(atPath: shared.appendingPathComponent("ultrafeedback_binarized/train_prefs.jsonl").path)

/// `pref tokenize` with a real model's folder: SmolLM2-135M-Instruct's tokenizer and its own
/// chat template (a default system prompt), on the real ultrafeedback_binarized rows. Every
/// example's prompt ids and prompt + chosen ids must be transformers' apply_chat_template ids
/// (scripts/smollm2-chat-golden.py).
@Suite(.enabled(if: hasSmolLM2Data, "../shared/data (SmolLM2's tokenizer, ultrafeedback_binarized) is absent"))
struct SmolLM2TokenizeTests {
    static func key(_ messages: [Message]) -> String {
        SHA256.hex(of: messages.map { $0.role + "\u{1F}" + $0.content + "\u{1E}" }.joined())
    }

    static func digest(_ ids: [Int32]) -> String { SHA256.hex(of: ids.map(String.init).joined(separator: ",")) }

    @Test func promptAndChosenIdsEqualTransformersApplyChatTemplate() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pref-smollm2-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = try Catalog(workspace: root)
        for name in ["train_prefs.jsonl", "test_prefs.jsonl"] {
            _ = try Ingestor(catalog: catalog).ingest(path: shared.appendingPathComponent("ultrafeedback_binarized/\(name)").path)
        }
        _ = try Splitter.run(catalog, settings: SplitSettings(testFraction: 0.05))
        _ = try PairBuilder.run(catalog, settings: PairSettings(strategy: .binarized))
        let setup = try TokenizerSetup(source: .file(smolLM2), template: .auto, date: JinjaDate(year: 2026, month: 1, day: 15), catalog: catalog)
        #expect(setup.template.source.contains("You are a helpful AI assistant named SmolLM"))
        let settings = TokenizeSettings(template: setup.template, limits: try PreferenceLimits(maxLength: 16384), pack: false)
        _ = try TokenizeJob(catalog: catalog, tokenizer: setup.tokenizer, tokenizerSHA256: "smollm2", settings: settings, threads: 2).run()

        var golden: [String: JSONValue] = [:]
        let text = try String(contentsOf: Fixtures.packageRoot.appendingPathComponent("fixtures/chat/smollm2-ultrafeedback.golden.jsonl"), encoding: .utf8)
        for line in text.split(separator: "\n") {
            let row = try JSONParser.parse(String(line))
            golden[row["key"]!.stringValue!] = row
        }
        #expect(golden.count == 1200)
        let reader = ShardReader(catalog: catalog)
        var checked = 0
        for split in ["train", "test"] {
            for id in try reader.exampleIds(kind: .preference, split: split) {
                guard case .preference(let prompt, let chosen, _) = try reader.example(id), let pairId = try reader.info(id).pairId,
                      let pair = try catalog.pairRows([pairId]).first else {
                    Issue.record("example \(id) is not a stored preference pair")
                    continue
                }
                let row = try #require(golden[Self.key(pair.prompt + [.assistant(pair.chosen)])], "pair \(pairId) has no golden row")
                let expectedPrompt = row["prompt"]!.arrayValue!, expectedFull = row["full"]!.arrayValue!
                #expect(expectedPrompt[0].intValue == prompt.count && expectedPrompt[1].stringValue == Self.digest(prompt),
                        "pair \(pairId): prompt ids differ from apply_chat_template(add_generation_prompt=True)")
                #expect(expectedFull[0].intValue == prompt.count + chosen.count && expectedFull[1].stringValue == Self.digest(prompt + chosen),
                        "pair \(pairId): prompt + chosen ids differ from apply_chat_template")
                checked += 1
            }
        }
        #expect(checked > 900)  // binarized pairs skip ties and identical texts
    }
}
