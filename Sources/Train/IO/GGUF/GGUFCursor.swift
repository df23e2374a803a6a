/// Reads little-endian fields from a GGUF file's bytes. Every read checks the remaining length
/// first, so a truncated or crafted file ends in a `GGUFError`, never an out-of-bounds access.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let path: String
    private(set) var offset = 0

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - offset }

    func error(_ message: String, at position: Int? = nil) -> GGUFError {
        GGUFError(path: path, offset: position ?? offset, message: message)
    }

    /// Fails unless `count` more bytes exist; `what` names the field for the message.
    func require(_ count: Int, _ what: String) throws(GGUFError) {
        guard count >= 0, count <= remaining else {
            throw error("file ends inside \(what): needs \(count) bytes, \(remaining) left of \(bytes.count)")
        }
    }

    mutating func integer<T: FixedWidthInteger>(_: T.Type, _ what: String) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size, what)
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return value
    }

    mutating func float32(_ what: String) throws(GGUFError) -> Float {
        Float(bitPattern: try integer(UInt32.self, what))
    }

    mutating func float64(_ what: String) throws(GGUFError) -> Double {
        Double(bitPattern: try integer(UInt64.self, what))
    }

    /// A u64 count that must not exceed `limit`, returned as Int.
    mutating func count(_ what: String, limit: Int) throws(GGUFError) -> Int {
        let start = offset
        let raw = try integer(UInt64.self, what)
        guard raw <= UInt64(limit) else {
            throw error("\(what) is \(raw), more than the \(limit) this file can hold", at: start)
        }
        return Int(raw)
    }

    /// A GGUF string: u64 byte length, then UTF-8 bytes (no terminator).
    mutating func string(_ what: String, maxBytes: Int) throws(GGUFError) -> String {
        let start = offset
        let length = try count("\(what) length", limit: maxBytes)
        guard length <= remaining else {
            throw error("\(what) is \(length) bytes, but the file ends \(remaining) bytes later", at: start)
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw error("\(what) is not valid UTF-8", at: start)
        }
        offset += length
        return text
    }

    mutating func skip(to position: Int, _ what: String) throws(GGUFError) {
        guard position >= offset, position <= bytes.count else {
            throw error("\(what) at byte \(position) lies outside the \(bytes.count)-byte file")
        }
        offset = position
    }
}
