/// GPT-2's byte-to-character table (`bytes_to_unicode`): printable Latin-1 bytes stand for
/// themselves, the other 68 bytes map to U+0100 onwards in byte order. Byte-level BPE
/// vocabularies are written in these characters.
struct ByteAlphabet {
    let characters: [Character]
    private let members: Set<Character>

    init() {
        var characters: [Character] = []
        var next: UInt32 = 256
        for byte in 0...255 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            let value = printable ? UInt32(byte) : next
            if !printable { next += 1 }
            characters.append(Character(Unicode.Scalar(value)!))
        }
        self.characters = characters
        members = Set(characters)
    }

    /// Whether every character of `text` is one of the 256 byte characters.
    func isSpelled(_ text: String) -> Bool { text.allSatisfy { members.contains($0) } }

    /// `text`'s UTF-8 bytes written in the byte characters.
    func spell(_ text: String) -> String { String(text.utf8.map { characters[Int($0)] }) }
}
