/// A response's text reduced to what the pair rules compare: whether it is empty, and a
/// 64-bit FNV-1a hash of it with ASCII whitespace runs collapsed to one space and the ends
/// trimmed. Equal hashes are confirmed on the full texts before two responses count as
/// identical, so the hash only has to be fast.
public struct TextFingerprint: Sendable, Equatable, Hashable {
    public var isEmpty: Bool
    public var hash: UInt64

    public init(_ bytes: UnsafeRawBufferPointer) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var pendingSpace = false
        var empty = true
        for b in bytes {
            if Self.isASCIIWhitespace(b) {
                pendingSpace = !empty
                continue
            }
            if pendingSpace {
                h = (h ^ 0x20) &* 0x0000_0100_0000_01B3
                pendingSpace = false
            }
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3
            empty = false
        }
        isEmpty = empty
        hash = h
    }

    public init(_ text: String) {
        var text = text
        self = text.withUTF8 { TextFingerprint(UnsafeRawBufferPointer($0)) }
    }

    /// The comparison the hash stands for, used to confirm a hash match.
    public static func normalizedEqual(_ a: String, _ b: String) -> Bool {
        normalized(a) == normalized(b)
    }

    static func normalized(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for b in text.utf8 {
            if isASCIIWhitespace(b) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            out.append(b)
        }
        return out
    }

    @inline(__always)
    static func isASCIIWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }
}
