/// A reader for the Thrift compact protocol, the encoding of Parquet's footer and page
/// headers. Every length and count is checked against the bytes that remain before it is
/// used, nesting is capped, and unknown fields are skipped, so hostile input yields a
/// `ParquetError` naming the byte offset (relative to `baseOffset`, the buffer's position in
/// the file) rather than a trap or a huge allocation.
struct ThriftCompactReader {
    enum FieldType: UInt8 {
        case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6
        case double = 7, binary = 8, list = 9, set = 10, map = 11, structure = 12
    }

    static let maxDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let baseOffset: Int64
    private var depth = 0

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0, baseOffset: Int64 = 0) {
        self.bytes = bytes
        self.position = position
        self.baseOffset = baseOffset
    }

    func error(_ message: String, at offset: Int? = nil) -> ParquetError {
        ParquetError("invalid Thrift metadata: " + message, byteOffset: baseOffset + Int64(offset ?? position))
    }

    // MARK: - Primitives

    mutating func readByte() throws -> UInt8 {
        guard position < bytes.count else { throw error("unexpected end of data") }
        let b = bytes[position]
        position += 1
        return b
    }

    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = position
        while true {
            let b = try readByte()
            if shift == 63 && b > 1 { throw error("varint overflows 64 bits", at: start) }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error("varint longer than 10 bytes", at: start) }
        }
    }

    mutating func readI64() throws -> Int64 {
        let v = try readVarint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func readI32() throws -> Int32 {
        let start = position
        let v = try readI64()
        guard let narrow = Int32(exactly: v) else { throw error("i32 value \(v) out of range", at: start) }
        return narrow
    }

    mutating func readDouble() throws -> Double {
        guard bytes.count - position >= 8 else { throw error("unexpected end of data in a double") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return Double(bitPattern: bits)
    }

    mutating func readBinary() throws -> UnsafeRawBufferPointer {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(bytes.count - position) else {
            throw error("binary length \(length) runs past the end of the data", at: start)
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<position + Int(length)])
        position += Int(length)
        return slice
    }

    mutating func readString() throws -> String {
        let start = position
        let raw = try readBinary()
        guard let s = String(validating: raw.bindMemory(to: UInt8.self), as: UTF8.self) else {
            throw error("string is not valid UTF-8", at: start)
        }
        return s
    }

    // MARK: - Structs, lists, skipping

    /// Calls `field(id, type)` for each field of the struct at the current position; the
    /// callback must consume the field (or call `skip`). Stops after the STOP byte.
    mutating func readStruct(_ field: (inout ThriftCompactReader, Int16, FieldType) throws -> Void) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw error("structs nested deeper than \(Self.maxDepth)") }
        var lastId: Int16 = 0
        while true {
            let start = position
            let header = try readByte()
            guard let type = FieldType(rawValue: header & 0x0F) else {
                throw error("unknown field type \(header & 0x0F)", at: start)
            }
            if type == .stop { return }
            let delta = header >> 4
            let id: Int16
            if delta == 0 {
                let wide = try readI64()
                guard let narrow = Int16(exactly: wide) else { throw error("field id \(wide) out of range", at: start) }
                id = narrow
            } else {
                let (sum, overflow) = lastId.addingReportingOverflow(Int16(delta))
                guard !overflow else { throw error("field id overflows", at: start) }
                id = sum
            }
            lastId = id
            try field(&self, id, type)
        }
    }

    /// Reads a list header and checks that `count` elements can fit in the remaining bytes
    /// (every element takes at least one byte), so callers may reserve capacity.
    mutating func readListHeader() throws -> (count: Int, elementType: FieldType) {
        let start = position
        let header = try readByte()
        var count = UInt64(header >> 4)
        if count == 15 { count = try readVarint() }
        guard let type = FieldType(rawValue: header & 0x0F), type != .stop else {
            throw error("unknown list element type \(header & 0x0F)", at: start)
        }
        guard count <= UInt64(bytes.count - position) else {
            throw error("list of \(count) elements cannot fit in the remaining \(bytes.count - position) bytes", at: start)
        }
        return (Int(count), type)
    }

    mutating func readList<T>(of expected: FieldType, _ element: (inout ThriftCompactReader) throws -> T) throws -> [T] {
        let start = position
        let (count, type) = try readListHeader()
        guard type == expected || (expected == .boolTrue && type == .boolFalse) else {
            throw error("list element type \(type) where \(expected) was expected", at: start)
        }
        var items: [T] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try element(&self)) }
        return items
    }

    mutating func skip(_ type: FieldType) throws {
        switch type {
        case .stop: throw error("unexpected STOP")
        case .boolTrue, .boolFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: _ = try readDouble()
        case .binary: _ = try readBinary()
        case .list, .set:
            let (count, elementType) = try readListHeader()
            try nested {
                for _ in 0..<count {
                    if elementType == .boolTrue || elementType == .boolFalse { _ = try $0.readByte() } else { try $0.skip(elementType) }
                }
            }
        case .map:
            let start = position
            let count = try readVarint()
            guard count <= UInt64(bytes.count - position) else { throw error("map of \(count) entries runs past the end", at: start) }
            if count == 0 { return }
            let types = try readByte()
            guard let keyType = FieldType(rawValue: types >> 4), let valueType = FieldType(rawValue: types & 0x0F),
                  keyType != .stop, valueType != .stop else { throw error("unknown map key/value types", at: start) }
            try nested {
                for _ in 0..<count {
                    try $0.skipElement(keyType)
                    try $0.skipElement(valueType)
                }
            }
        case .structure:
            try readStruct { reader, _, fieldType in try reader.skip(fieldType) }
        }
    }

    /// Collection elements encode booleans as a whole byte, unlike struct fields.
    private mutating func skipElement(_ type: FieldType) throws {
        if type == .boolTrue || type == .boolFalse { _ = try readByte() } else { try skip(type) }
    }

    private mutating func nested(_ body: (inout ThriftCompactReader) throws -> Void) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw error("containers nested deeper than \(Self.maxDepth)") }
        try body(&self)
    }

    // MARK: - Typed field helpers

    mutating func expect(_ type: FieldType, is expected: FieldType, field: String) throws {
        guard type == expected else { throw error("field \(field) has Thrift type \(type), expected \(expected)") }
    }

    mutating func i32(_ type: FieldType, _ field: String) throws -> Int32 {
        try expect(type, is: .i32, field: field)
        return try readI32()
    }

    mutating func i64(_ type: FieldType, _ field: String) throws -> Int64 {
        try expect(type, is: .i64, field: field)
        return try readI64()
    }

    mutating func bool(_ type: FieldType, _ field: String) throws -> Bool {
        guard type == .boolTrue || type == .boolFalse else { throw error("field \(field) has Thrift type \(type), expected bool") }
        return type == .boolTrue
    }

    mutating func string(_ type: FieldType, _ field: String) throws -> String {
        try expect(type, is: .binary, field: field)
        return try readString()
    }
}
