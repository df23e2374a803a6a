import Foundation
import Testing
import Tokenizer
@testable import Train

private let smolFolder = Fixtures.url("../shared/data/smollm2-135m-instruct")

/// Where generation's stop ids come from, on SmolLM2's real tokenizer files (../shared/data):
/// its EOS <|im_end|> (2), generation_config.json's or config.json's eos_token_id, and the end of
/// turn its template writes.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: smolFolder.appendingPathComponent("tokenizer.json").path),
                "needs ../shared/data/smollm2-135m-instruct"))
struct StopTokensTests {
    static func tokenizer() throws -> Tokenizer { try Tokenizer(contentsOf: smolFolder.appendingPathComponent("tokenizer.json")) }

    /// A model folder holding only the given config files.
    static func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pref-stops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func eosAndTheTemplatesEndOfTurn() throws {
        let tokenizer = try Self.tokenizer()
        let own = try ChatTemplate(modelFolder: smolFolder)
        #expect(StopTokens.endOfTurn(tokenizer: tokenizer, template: own) == 2)
        #expect(StopTokens.ids(modelFolder: nil, tokenizer: tokenizer, template: own) == [2])
        // Llama 3's <|eot_id|> is not a token of this vocabulary: no end-of-turn id, not some other token.
        #expect(StopTokens.endOfTurn(tokenizer: tokenizer, template: ChatTemplate(family: .llama3)) == nil)
    }

    @Test func generationConfigIdsJoinAndConfigJSONIsTheFallback() throws {
        let tokenizer = try Self.tokenizer()
        let own = try ChatTemplate(modelFolder: smolFolder)
        let listed = try Self.folder(["generation_config.json": #"{"eos_token_id": [2, 0]}"#, "config.json": #"{"eos_token_id": 7}"#])
        #expect(StopTokens.ids(modelFolder: listed, tokenizer: tokenizer, template: own) == [2, 0])
        let single = try Self.folder(["config.json": #"{"eos_token_id": 7}"#])
        #expect(StopTokens.ids(modelFolder: single, tokenizer: tokenizer, template: own) == [2, 7])
        // A generation_config without eos_token_id is transformers' answer: config.json is not read.
        let none = try Self.folder(["generation_config.json": #"{"bos_token_id": 1}"#, "config.json": #"{"eos_token_id": 7}"#])
        #expect(StopTokens.ids(modelFolder: none, tokenizer: tokenizer, template: own) == [2])
        for url in [listed, single, none] { try? FileManager.default.removeItem(at: url) }
    }
}
