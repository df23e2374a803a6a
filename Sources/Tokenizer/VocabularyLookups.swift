/// token → id (`tokenToId`) and id → dropped by `decode(skipSpecialTokens: true)`. Each costs a
/// String hash per vocabulary token (tens of milliseconds for a large byte-level vocabulary,
/// where nearly every token is non-ASCII and hashes through normalization), and encoding needs
/// neither, so a tokenizer builds them on first use (`Tokenizer.lookups`).
struct VocabularyLookups: Sendable {
    let ids: [String: UInt32]
    let skippedWhenDecoding: [Bool]

    /// `tokens` as the tokenizer holds them (added tokens already in place).
    init(tokens: [String?], addedTokens: [AddedToken]) {
        var ids: [String: UInt32] = [:]
        ids.reserveCapacity(tokens.count)
        // The first id of a token wins: assigned from the last id down, one hash per token.
        for (id, token) in tokens.enumerated().reversed() { if let token { ids[token] = UInt32(id) } }
        for token in addedTokens { ids[token.content] = token.id }
        self.ids = ids
        let specialContents = Set(addedTokens.filter(\.special).map(\.content))
        skippedWhenDecoding = specialContents.isEmpty ? [Bool](repeating: false, count: tokens.count)
            : tokens.map { $0.map { specialContents.contains($0) } ?? false }
    }
}
