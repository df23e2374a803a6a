/// What each decoder step does to the token strings, as HF's `decode_chain` of that decoder.
extension TokenDecoder.Step {
    func decodeChain(_ tokens: [String]) -> [String] {
        switch self {
        case .byteLevel:
            var bytes: [UInt8] = []
            for token in tokens { bytes += ByteLevel.decodeBytes(ofToken: token) }
            return [String(decoding: bytes, as: UTF8.self)]
        case .replace(let replacement):
            return tokens.map { String(decoding: replacement.apply(Array($0.utf8)), as: UTF8.self) }
        case .byteFallback:
            return Self.assembleBytes(tokens)
        case .fuse:
            return [tokens.joined()]
        case .strip(let content, let start, let stop):
            return tokens.map { Self.strip($0, content, start: start, stop: stop) }
        case .metaspace(let metaspace):
            return tokens.enumerated().map { i, token in
                var out = String.UnicodeScalarView()
                for scalar in token.unicodeScalars {
                    if scalar != metaspace.replacement {
                        out.append(scalar)
                    } else if i != 0 || metaspace.prependScheme == .never {
                        out.append(" ")
                    }  // HF drops every replacement of the first token when it prepends
                }
                return String(out)
            }
        }
    }

    /// Runs of `<0xNN>` tokens become their UTF-8 text; a run that is not valid UTF-8 becomes one
    /// U+FFFD per byte (HF's rule, not the per-subpart rule of lossy UTF-8 decoding).
    private static func assembleBytes(_ tokens: [String]) -> [String] {
        var out: [String] = []
        var pending: [UInt8] = []
        func flush() {
            guard !pending.isEmpty else { return }
            if let text = String(validating: pending, as: UTF8.self) {
                out.append(text)
            } else {
                out += Array(repeating: "\u{FFFD}", count: pending.count)
            }
            pending.removeAll()
        }
        for token in tokens {
            if let byte = byteToken(token) {
                pending.append(byte)
            } else {
                flush()
                out.append(token)
            }
        }
        flush()
        return out
    }

    /// The byte of a `<0xNN>` token: six bytes, two hex digits parsed as Rust's
    /// `u8::from_str_radix(_, 16)` does (which also takes `+F`).
    static func byteToken(_ token: String) -> UInt8? {
        let u = Array(token.utf8)
        guard u.count == 6, u[0] == UInt8(ascii: "<"), u[1] == UInt8(ascii: "0"), u[2] == UInt8(ascii: "x"),
              u[5] == UInt8(ascii: ">") else { return nil }
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        if u[3] == UInt8(ascii: "+") { return hex(u[4]) }
        guard let high = hex(u[3]), let low = hex(u[4]) else { return nil }
        return high << 4 | low
    }

    /// HF's Strip on one token, over Unicode scalars (where HF would panic on a token shorter than
    /// the counts, this gives the empty string).
    private static func strip(_ token: String, _ content: Unicode.Scalar, start: Int, stop: Int) -> String {
        let scalars = Array(token.unicodeScalars)
        var startCut = 0
        for scalar in scalars.prefix(start) {
            guard scalar == content else { break }
            startCut += 1
        }
        var stopCut = scalars.count
        for scalar in scalars.reversed().prefix(stop) {
            guard scalar == content else { break }
            stopCut -= 1
        }
        guard startCut < stopCut else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[startCut..<stopCut])
        return String(out)
    }
}
