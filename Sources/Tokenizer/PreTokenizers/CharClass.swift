/// Character classes of a Unicode scalar as HF's engines see them (see UnicodeTables.swift,
/// generated from HF itself, so they match even where Swift's own Unicode data is newer).
struct CharClass: OptionSet, Sendable {
    let rawValue: UInt8
    /// `\p{L}` in Oniguruma.
    static let letter = CharClass(rawValue: 1)
    /// `\p{N}` in Oniguruma.
    static let number = CharClass(rawValue: 2)
    /// `\s` in Oniguruma and in Rust's regex crate (Unicode White_Space).
    static let whitespace = CharClass(rawValue: 4)
    /// Rust `char::is_numeric` (the Digits pre-tokenizer).
    static let numeric = CharClass(rawValue: 8)
    /// Rust regex `\w` (single-word added tokens).
    static let word = CharClass(rawValue: 16)
}

/// The classes of every scalar in a two-stage table; read through raw pointers in hot loops.
struct CharClassTable: Sendable {
    private let table: TwoStageTable

    static let shared = CharClassTable()

    private init() {
        let flat = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x110000)
        defer { flat.deallocate() }
        flat.initialize(repeating: 0, count: 0x110000)
        markRanges(flat, UnicodeTables.letter, CharClass.letter.rawValue)
        markRanges(flat, UnicodeTables.number, CharClass.number.rawValue)
        markRanges(flat, UnicodeTables.whitespace, CharClass.whitespace.rawValue)
        markRanges(flat, UnicodeTables.numeric, CharClass.numeric.rawValue)
        markRanges(flat, UnicodeTables.word, CharClass.word.rawValue)
        table = TwoStageTable(flat: flat)
    }

    /// Classes of `cp`; scalars above U+10FFFF have none.
    @inline(__always)
    func classes(_ cp: UInt32) -> CharClass {
        guard cp < 0x110000 else { return [] }
        return CharClass(rawValue: table[cp])
    }
}

/// Decodes the scalar starting at `i` in well-formed UTF-8 (every buffer the tokenizer scans
/// comes from a Swift String, which guarantees it). Returns the scalar and its byte length.
@inline(__always)
func decodeScalar(_ p: UnsafePointer<UInt8>, _ i: Int) -> (UInt32, Int) {
    let b0 = UInt32(p[i])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
    if b0 < 0xF0 {
        return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
    }
    return ((b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
        | UInt32(p[i + 3] & 0x3F), 4)
}

/// Byte length of the UTF-8 sequence that starts with `lead`.
@inline(__always)
func scalarLength(_ lead: UInt8) -> Int {
    lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
}
