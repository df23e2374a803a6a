/// The text splits that go before the byte-level mapping, by `tokenizer.ggml.pre`, as
/// transformers chooses them; a name it does not list gets GPT-2's built-in split.
enum GGUFPreTokenizers {
    static let llama3 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    private static let patterns: [String: String] = [
        "llama3": llama3, "llama-v3": llama3, "llama-bpe": llama3, "falcon3": llama3, "falcon-h1": llama3,
        "pixtral": llama3, "midm-2.0": llama3, "lfm2": llama3, "jina-v5-nano": llama3, "dbrx": llama3, "smaug-bpe": llama3,
        "qwen2": qwen2, "deepseek-r1-qwen": qwen2, "kormo": qwen2, "f2llmv2": qwen2, "megrez": qwen2,
    ]

    /// Names transformers gives a split of another shape (GPT-4o / Tekken / Qwen3.5 style).
    static let unsupported: Set<String> = ["tekken", "qwen35", "gpt-4o", "llama4", "kanana2", "talkie", "minimax-m2"]

    static func splitPattern(_ name: String) -> String? { patterns[name] }
}
