import Core
import Foundation
import JSON
import Testing
import Tokenizer
@testable import Train

/// A tiny Llama (and Qwen2) written as GGUF in the test, imported, and loaded back: tensor
/// names, llama.cpp's q/k row permutation undone, tied embeddings, tokenizer, atomic folders.
@Suite struct GGUFImportTests {
    static let hidden = 8, heads = 2, kvHeads = 1, headDim = 4, ffn = 12
    static let tokens = ["<|endoftext|>", "<s>", "</s>", "a", "b", "Ġ", "ab", "Ġab", "€", "<think>"]
    static let tokenTypes: [Int32] = [3, 3, 3, 1, 1, 1, 1, 1, 1, 4]

    /// Distinct values per tensor, in Hugging Face row-major order.
    static func values(_ count: Int, seed: Int) -> [Float] { (0..<count).map { Float(seed * 1000 + $0) / 64 } }

    /// llama.cpp's `permute`: within each head the rows (half, i) are stored as (i, half).
    static func llamaCppPermute(_ w: [Float], rows: Int, columns: Int, heads: Int) -> [Float] {
        let dim = rows / heads / 2
        var out = w
        for h in 0..<heads {
            for half in 0..<2 {
                for i in 0..<dim {
                    let hfRow = h * 2 * dim + half * dim + i, ggufRow = h * 2 * dim + i * 2 + half
                    for c in 0..<columns { out[ggufRow * columns + c] = w[hfRow * columns + c] }
                }
            }
        }
        return out
    }

    static func half(_ values: [Float]) -> [UInt8] {
        values.flatMap { v -> [UInt8] in let bits = Float16(v).bitPattern; return [UInt8(bits & 0xFF), UInt8(bits >> 8)] }
    }

    /// (GGUF name, HF name, HF shape, HF values, stored values, ggml type).
    static func tensors(qwen2: Bool) -> [(String, String, [Int], [Float], GGUFWriter.Tensor)] {
        let d = hidden, q = heads * headDim, kv = kvHeads * headDim, v = tokens.count
        var out: [(String, String, [Int], [Float], GGUFWriter.Tensor)] = []
        func add(_ gguf: String, _ hf: String, _ shape: [Int], seed: Int, stored: (([Float]) -> [Float])? = nil, f16: Bool = false) {
            let hfValues = values(shape.reduce(1, *), seed: seed)
            let dims = Array(shape.reversed())
            var tensor = GGUFWriter.f32(gguf, dims, (stored ?? { $0 })(hfValues))
            if f16 { tensor = GGUFWriter.Tensor(name: gguf, dimensions: dims.map(UInt64.init), type: 1, data: half(hfValues)) }
            out.append((gguf, hf, shape, hfValues, tensor))
        }
        let permuteQ: (([Float]) -> [Float])? = qwen2 ? nil : { llamaCppPermute($0, rows: q, columns: d, heads: heads) }
        let permuteK: (([Float]) -> [Float])? = qwen2 ? nil : { llamaCppPermute($0, rows: kv, columns: d, heads: kvHeads) }
        add("token_embd.weight", "model.embed_tokens.weight", [v, d], seed: 1)
        add("blk.0.attn_norm.weight", "model.layers.0.input_layernorm.weight", [d], seed: 2)
        add("blk.0.attn_q.weight", "model.layers.0.self_attn.q_proj.weight", [q, d], seed: 3, stored: permuteQ)
        add("blk.0.attn_k.weight", "model.layers.0.self_attn.k_proj.weight", [kv, d], seed: 4, stored: permuteK)
        add("blk.0.attn_v.weight", "model.layers.0.self_attn.v_proj.weight", [kv, d], seed: 0, f16: true)  // exact in f16
        if qwen2 {
            add("blk.0.attn_q.bias", "model.layers.0.self_attn.q_proj.bias", [q], seed: 13)
            add("blk.0.attn_k.bias", "model.layers.0.self_attn.k_proj.bias", [kv], seed: 14)
            add("blk.0.attn_v.bias", "model.layers.0.self_attn.v_proj.bias", [kv], seed: 15)
        }
        add("blk.0.attn_output.weight", "model.layers.0.self_attn.o_proj.weight", [d, q], seed: 6)
        add("blk.0.ffn_norm.weight", "model.layers.0.post_attention_layernorm.weight", [d], seed: 7)
        add("blk.0.ffn_gate.weight", "model.layers.0.mlp.gate_proj.weight", [ffn, d], seed: 8)
        add("blk.0.ffn_up.weight", "model.layers.0.mlp.up_proj.weight", [ffn, d], seed: 9)
        add("blk.0.ffn_down.weight", "model.layers.0.mlp.down_proj.weight", [d, ffn], seed: 10)
        add("output_norm.weight", "model.norm.weight", [d], seed: 11)
        if qwen2 { add("output.weight", "lm_head.weight", [v, d], seed: 12) }
        return out
    }

    static func writer(qwen2: Bool = false) -> GGUFWriter {
        let arch = qwen2 ? "qwen2" : "llama"
        var w = GGUFWriter()
        w.metadata = [
            ("general.architecture", .string(arch)),
            ("\(arch).block_count", .u32(1)), ("\(arch).context_length", .u32(64)),
            ("\(arch).embedding_length", .u32(UInt32(hidden))), ("\(arch).feed_forward_length", .u32(UInt32(ffn))),
            ("\(arch).attention.head_count", .u32(UInt32(heads))), ("\(arch).attention.head_count_kv", .u32(UInt32(kvHeads))),
            ("\(arch).rope.freq_base", .f32(500_000)), ("\(arch).attention.layer_norm_rms_epsilon", .f32(1e-5)),
            ("tokenizer.ggml.model", .string("gpt2")), ("tokenizer.ggml.pre", .string(qwen2 ? "qwen2" : "default")),
            ("tokenizer.ggml.tokens", .array(type: 8, tokens.map { .string($0) })),
            ("tokenizer.ggml.token_type", .array(type: 5, tokenTypes.map { .i32($0) })),
            ("tokenizer.ggml.merges", .array(type: 8, [.string("a b"), .string("Ġ ab")])),
            ("tokenizer.ggml.bos_token_id", .u32(1)), ("tokenizer.ggml.eos_token_id", .u32(2)),
            ("tokenizer.ggml.padding_token_id", .u32(0)), ("tokenizer.ggml.add_bos_token", .bool(true)),
            ("tokenizer.chat_template", .string("{% for m in messages %}{{ m['content'] }}{% endfor %}")),
        ]
        w.tensors = tensors(qwen2: qwen2).map(\.4)
        return w
    }

    static func write(_ w: GGUFWriter, in root: URL) throws -> URL {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let url = root.appendingPathComponent("tiny.gguf")
        try Data(w.bytes()).write(to: url)
        return url
    }

    static func temporaryRoot() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("pref-gguf-import-\(UUID().uuidString)")
    }

    @Test(arguments: [false, true])
    func importsAndLoadsWithHuggingFaceLayout(qwen2: Bool) throws {
        let root = Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("model")
        let events = EventLog()
        let summary = try GGUFImport.importModel(from: try Self.write(Self.writer(qwen2: qwen2), in: root), to: folder,
                                                 progress: events.record)
        let phases = events.all.map(\.phase)
        #expect(phases.filter { $0 == "dequantize" }.count == (qwen2 ? 16 : 12), "one event per tensor and a final one")
        #expect(events.all.last(where: { $0.phase == "dequantize" })?.isFinal == true)
        #expect(events.all.compactMap(\.message) == ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                                                     "chat_template.jinja", "generation_config.json"])
        #expect(summary.tensorTypes == ["F32": qwen2 ? 14 : 10, "F16": 1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == [
            "chat_template.jinja", "config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
        ])
        let model = try Checkpoint.loadModel(from: folder, threads: 1)
        #expect(model.config.architecture == (qwen2 ? .qwen2 : .llama))
        #expect(model.config.tieWordEmbeddings == !qwen2 && model.config.qkvBias == qwen2)
        #expect(model.config.numKeyValueHeads == Self.kvHeads && model.config.headDim == Self.headDim)
        #expect(model.config.ropeTheta == 500_000 && model.config.maxPositionEmbeddings == 64)
        #expect(model.config.bosTokenId == 1 && model.config.eosTokenId == 2 && model.config.vocabSize == Self.tokens.count)
        let weights = try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors"))
        #expect((weights.entry("lm_head.weight") != nil) == qwen2)
        for (gguf, hf, shape, expected, _) in Self.tensors(qwen2: qwen2) {
            let t = try #require(model.layout.tensor(named: hf), "\(hf) not in layout")
            #expect(t.shape == shape)
            #expect(model.parameters.slice(offset: t.offset, count: t.count) == expected, "\(gguf) → \(hf)")
        }
        let generation = try JSONParser.parse(Array(Data(contentsOf: folder.appendingPathComponent("generation_config.json"))))
        #expect(generation["bos_token_id"]?.intValue == 1 && generation["eos_token_id"]?.intValue == 2 && generation["pad_token_id"]?.intValue == 0)
        let template = try String(contentsOf: folder.appendingPathComponent("chat_template.jinja"), encoding: .utf8)
        #expect(template == "{% for m in messages %}{{ m['content'] }}{% endfor %}")
        // Qwen2's vocabulary is split by its own regex before the byte mapping; both load and agree here.
        let tokenizer = try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json"))
        #expect(tokenizer.encode("ab ab") == [1, 6, 7])
        let json = try JSONParser.parse(Array(Data(contentsOf: folder.appendingPathComponent("tokenizer.json"))))
        #expect(json["pre_tokenizer"]?["type"]?.stringValue == (qwen2 ? "Sequence" : "ByteLevel"))
    }

    @Test func tokenizerKeepsIdsSpecialsAndSpelling() throws {
        let root = Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("model")
        _ = try GGUFImport.importModel(from: try Self.write(Self.writer(), in: root), to: folder)
        let tokenizer = try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json"))
        #expect(tokenizer.specialTokens.bos == 1 && tokenizer.specialTokens.eos == 2 && tokenizer.specialTokens.pad == 0)
        #expect(tokenizer.encode("ab ab") == [1, 6, 7], "add_bos_token puts <s> first; merges a+b, Ġ+ab")
        #expect(tokenizer.encode("<think>ab</s>", addSpecialTokens: false) == [9, 6, 2], "added tokens stay whole")
        let json = try JSONParser.parse(Array(Data(contentsOf: folder.appendingPathComponent("tokenizer.json"))))
        // "€" is outside the byte alphabet: it is spelled as its UTF-8 bytes, as transformers does.
        #expect(json["model"]?["vocab"]?["â\u{0082}¬"] == nil && json["model"]?["vocab"]?["âĤ¬"]?.intValue == 8)
        let added = json["added_tokens"]?.arrayValue ?? []
        #expect(added.compactMap { $0["id"]?.intValue } == [0, 1, 2, 9])
        #expect(added.compactMap { $0["special"]?.boolValue } == [true, true, true, false])
        let config = try JSONParser.parse(Array(Data(contentsOf: folder.appendingPathComponent("tokenizer_config.json"))))
        #expect(config["bos_token"]?.stringValue == "<s>" && config["eos_token"]?.stringValue == "</s>")
        #expect(config["pad_token"]?.stringValue == "<|endoftext|>" && config["add_bos_token"]?.boolValue == true)
    }

    @Test func replacesAnExistingFolderOnlyWhenComplete() throws {
        let root = Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: folder.appendingPathComponent("stale.txt"))

        // A file with a tensor the architecture does not have: nothing changes.
        var bad = Self.writer()
        bad.tensors.append(GGUFWriter.f32("blk.0.weird.weight", [8], Self.values(8, seed: 20)))
        #expect { try GGUFImport.importModel(from: try Self.write(bad, in: root), to: folder) } throws: { error in
            "\(error)".contains("blk.0.weird.weight") && "\(error)".contains("tiny.gguf")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["stale.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["model", "tiny.gguf"])

        _ = try GGUFImport.importModel(from: try Self.write(Self.writer(), in: root), to: folder)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("stale.txt").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["model", "tiny.gguf"])
    }

    @Test func missingMisshapenAndUnsupportedInputsAreNamed() throws {
        let root = Self.temporaryRoot()
        defer { try? FileManager.default.removeItem(at: root) }
        func failure(_ change: (inout GGUFWriter) -> Void) throws -> String {
            var w = Self.writer()
            change(&w)
            do {
                _ = try GGUFImport.importModel(from: try Self.write(w, in: root), to: root.appendingPathComponent("out"))
                return "imported"
            } catch { return "\(error)" }
        }
        #expect(try failure { $0.tensors.removeAll { $0.name == "blk.0.ffn_up.weight" } }.contains("missing tensor for model.layers.0.mlp.up_proj.weight"))
        #expect(try failure { $0.tensors[0] = GGUFWriter.f32("token_embd.weight", [4, 20], Self.values(80, seed: 1)) }.contains("shape"))
        #expect(try failure { $0.metadata[0].1 = .string("gpt2") }.contains("architecture \"gpt2\" is not supported"))
        #expect(try failure { $0.metadata.removeAll { $0.0 == "llama.block_count" } }.contains("llama.block_count is missing"))
        #expect(try failure { $0.metadata[9].1 = .string("llama") }.contains("tokenizer.ggml.model \"llama\" is not supported"))
        #expect(try failure { $0.metadata[10].1 = .string("gpt-4o") }.contains("tokenizer.ggml.pre \"gpt-4o\""))
        #expect(try failure { $0.metadata.append(("llama.rope.scaling.type", .string("yarn"))) }.contains("yarn"))
        #expect(try failure { $0.metadata[6] = ("llama.attention.head_count_kv", .u32(0)) }.contains("num_key_value_heads must be"))
        // Metadata claiming a 56 GB model over a few bytes of tensors: refused before allocating.
        #expect(try failure {
            $0.metadata[3] = ("llama.embedding_length", .u32(16384))
            $0.metadata[5] = ("llama.attention.head_count", .u32(16))
            $0.metadata[6] = ("llama.attention.head_count_kv", .u32(16))
            $0.metadata.append(("llama.vocab_size", .u32(400_000)))
        }.contains("token_embd.weight has shape [10, 8], the config implies [400000, 16384]"))
        #expect(try failure { $0.tensors[1].type = 26 }.contains("blk.0.attn_norm.weight has type I32, which cannot be converted"))
        #expect(try failure { $0.metadata[5] = ("llama.attention.head_count", .u32(4)) }.contains("attn_k.weight has shape [4, 8], the config implies [2, 8]"))
    }

    @Test func rotaryPermutationRoundTrips() {
        let rows = 12, columns = 3, heads = 3
        let hf = Self.values(rows * columns, seed: 30)
        var stored = Self.llamaCppPermute(hf, rows: rows, columns: columns, heads: heads)
        #expect(stored != hf)
        // Head 0 of width 4: stored rows are (i0,h0) (i0,h1) (i1,h0) (i1,h1) = HF rows 0, 2, 1, 3.
        #expect(Array(stored[3..<6]) == Array(hf[6..<9]))
        stored.withUnsafeMutableBufferPointer {
            GGUFTensorNames.unpermuteRotaryRows($0.baseAddress!, rows: rows, columns: columns, heads: heads)
        }
        #expect(stored == hf)
        #expect(GGUFTensorNames.huggingFaceName("blk.12.ffn_down.weight") == "model.layers.12.mlp.down_proj.weight")
        #expect(GGUFTensorNames.huggingFaceName("blk.01.ffn_down.weight") == nil)
        #expect(GGUFTensorNames.huggingFaceName("blk.x.ffn_down.weight") == nil)
        #expect(GGUFTensorNames.huggingFaceName("output.weight") == "lm_head.weight")
    }
}

/// Collects progress events from a `@Sendable` handler.
final class EventLog: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var events: [ProgressEvent] = []

    var all: [ProgressEvent] { lock.withLock { events } }

    var record: ProgressHandler { { [self] event in lock.withLock { events.append(event) } } }
}
