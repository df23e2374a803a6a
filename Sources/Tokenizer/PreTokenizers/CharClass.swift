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

/// Two-stage lookup table: a block number per 256 code points, then 256 class bytes per
/// distinct block. Built once, never freed; read through raw pointers in hot loops.
struct CharClassTable: @unchecked Sendable {
    private let stage1: UnsafePointer<UInt16>
    private let stage2: UnsafePointer<UInt8>

    static let shared = CharClassTable()

    private init() {
        var flat = [UInt8](repeating: 0, count: 0x110000)
        func mark(_ pairs: [UInt32], _ bit: CharClass) {
            var i = 0
            while i + 1 < pairs.count {
                for cp in pairs[i]...pairs[i + 1] { flat[Int(cp)] |= bit.rawValue }
                i += 2
            }
        }
        mark(UnicodeTables.letter, .letter)
        mark(UnicodeTables.number, .number)
        mark(UnicodeTables.whitespace, .whitespace)
        mark(UnicodeTables.numeric, .numeric)
        mark(UnicodeTables.word, .word)

        var blockIndex: [[UInt8]: UInt16] = [:]
        var blocks: [UInt8] = []
        let s1 = UnsafeMutablePointer<UInt16>.allocate(capacity: 0x1100)
        for b in 0..<0x1100 {
            let block = Array(flat[(b << 8)..<((b + 1) << 8)])
            if let index = blockIndex[block] {
                s1[b] = index
            } else {
                let index = UInt16(blockIndex.count)
                blockIndex[block] = index
                blocks.append(contentsOf: block)
                s1[b] = index
            }
        }
        let s2 = UnsafeMutablePointer<UInt8>.allocate(capacity: blocks.count)
        s2.initialize(from: blocks, count: blocks.count)
        stage1 = UnsafePointer(s1)
        stage2 = UnsafePointer(s2)
    }

    /// Classes of `cp`; scalars above U+10FFFF have none.
    @inline(__always)
    func classes(_ cp: UInt32) -> CharClass {
        guard cp < 0x110000 else { return [] }
        return CharClass(rawValue: stage2[Int(stage1[Int(cp >> 8)]) << 8 | Int(cp & 0xFF)])
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
