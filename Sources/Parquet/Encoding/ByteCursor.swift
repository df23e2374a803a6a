/// A bounds-checked forward reader over page bytes for the value decoders. Offsets in its
/// errors are relative to the start of the (decompressed) page section it reads.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }
    var isAtEnd: Bool { position >= bytes.count }

    func error(_ message: String) -> ParquetError { ParquetError(message + " at byte \(position) of the page data") }

    mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw error("unexpected end of page data") }
        defer { position += 1 }
        return bytes[position]
    }

    /// Unsigned LEB128, at most 64 bits.
    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try readByte()
            guard shift < 64, shift != 63 || b <= 1 else { throw error("varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readZigZag() throws -> Int64 {
        let v = try readVarint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    /// A varint that must fit `Int` and not exceed `limit`, named in the error.
    mutating func readCount(_ what: String, limit: Int) throws -> Int {
        let v = try readVarint()
        guard v <= UInt64(limit) else { throw error("\(what) \(v) exceeds the limit \(limit)") }
        return Int(v)
    }

    mutating func readUInt32LE() throws -> UInt32 {
        guard remaining >= 4 else { throw error("unexpected end of page data reading a 4-byte length") }
        defer { position += 4 }
        return bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian
    }

    mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else {
            throw error("section of \(count) bytes runs past the end of the page data (\(remaining) left)")
        }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }
}
