/// GPT-2's reversible byte-to-character map (`bytes_to_unicode`): printable bytes map to
/// themselves, the other 68 to U+0100 and up, so every byte string is a printable string.
/// pref keeps vocab entries as raw bytes and uses this map only to read and write tokenizer.json.
enum ByteLevel {
    /// The character each byte stands for.
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt8(b))
            } else {
                table[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte a character stands for, or nil when the character is outside the alphabet.
    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = Int(scalar.value)
        guard v < scalarToByte.count, scalarToByte[v] >= 0 else { return nil }
        return UInt8(scalarToByte[v])
    }

    /// Indexed by scalar value (all below U+0144); -1 where the scalar is not in the alphabet.
    /// An array, not a dictionary: loading looks up every character of every token.
    private static let scalarToByte: [Int16] = {
        var map = [Int16](repeating: -1, count: Int(byteToScalar.map(\.value).max()!) + 1)
        for (b, s) in byteToScalar.enumerated() { map[Int(s.value)] = Int16(b) }
        return map
    }()

    /// The raw bytes a byte-level token string stands for, or nil when some character is not in
    /// the alphabet (such a token cannot come out of byte-level pre-tokenization).
    static func bytes(ofToken token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count)
        for scalar in token.unicodeScalars {
            guard let b = byte(for: scalar) else { return nil }
            out.append(b)
        }
        return out
    }

    /// The token string for raw bytes.
    static func token(ofBytes bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(byteToScalar[Int(b)]) }
        return String(s)
    }

    /// HF's ByteLevel decoder on one token: mapped bytes when every character is in the
    /// alphabet, else the token's own UTF-8 (how added tokens such as `<|eot_id|>` come out).
    static func decodeBytes(ofToken token: String) -> [UInt8] {
        bytes(ofToken: token) ?? Array(token.utf8)
    }
}
