/// A Thrift compact-protocol writer, enough to hand-build footers and page headers with
/// exactly the (possibly hostile) values a test needs.
struct ThriftCompactWriter {
    var bytes: [UInt8] = []
    private var lastFieldIds: [Int16] = [0]

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func zigzag(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func fieldHeader(_ id: Int16, type: UInt8) {
        let delta = id - lastFieldIds[lastFieldIds.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type)
        } else {
            bytes.append(type)
            zigzag(Int64(id))
        }
        lastFieldIds[lastFieldIds.count - 1] = id
    }

    mutating func i32(_ id: Int16, _ value: Int32) { fieldHeader(id, type: 5); zigzag(Int64(value)) }
    mutating func i64(_ id: Int16, _ value: Int64) { fieldHeader(id, type: 6); zigzag(value) }
    mutating func bool(_ id: Int16, _ value: Bool) { fieldHeader(id, type: value ? 1 : 2) }

    mutating func string(_ id: Int16, _ value: String) {
        fieldHeader(id, type: 8)
        varint(UInt64(value.utf8.count))
        bytes.append(contentsOf: value.utf8)
    }

    mutating func structField(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, type: 12)
        structBody(body)
    }

    mutating func structBody(_ body: (inout ThriftCompactWriter) -> Void) {
        lastFieldIds.append(0)
        body(&self)
        bytes.append(0)
        lastFieldIds.removeLast()
    }

    mutating func listField(_ id: Int16, elementType: UInt8, count: Int, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, type: 9)
        if count < 15 { bytes.append(UInt8(count) << 4 | elementType) } else { bytes.append(0xF0 | elementType); varint(UInt64(count)) }
        body(&self)
    }
}
