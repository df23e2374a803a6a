/// A writer for the Thrift compact protocol: the counterpart of `ThriftCompactReader`, used
/// for the footer and page headers (and by tests to hand-build hostile files). Field ids are
/// delta-encoded against the previous field of the same struct, so structs nest through
/// `structBody`, which keeps one "last id" per open struct.
struct ThriftCompactWriter {
    typealias FieldType = ThriftCompactReader.FieldType

    var bytes: [UInt8] = []
    private var lastFieldIds: [Int16] = [0]

    init() {}

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

    mutating func i32(_ id: Int16, _ value: Int32) { fieldHeader(id, type: FieldType.i32.rawValue); zigzag(Int64(value)) }
    mutating func i64(_ id: Int16, _ value: Int64) { fieldHeader(id, type: FieldType.i64.rawValue); zigzag(value) }
    mutating func bool(_ id: Int16, _ value: Bool) { fieldHeader(id, type: (value ? FieldType.boolTrue : .boolFalse).rawValue) }

    mutating func byte(_ id: Int16, _ value: Int8) {
        fieldHeader(id, type: FieldType.byte.rawValue)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func string(_ id: Int16, _ value: String) { binary(id, Array(value.utf8)) }

    mutating func binary(_ id: Int16, _ value: [UInt8]) {
        fieldHeader(id, type: FieldType.binary.rawValue)
        binaryElement(value)
    }

    /// A binary (or string) list element: length, then the bytes.
    mutating func binaryElement(_ value: [UInt8]) {
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func structField(_ id: Int16, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, type: FieldType.structure.rawValue)
        structBody(body)
    }

    /// A struct's fields and its STOP byte (a struct field's value, or a list element).
    mutating func structBody(_ body: (inout ThriftCompactWriter) -> Void) {
        lastFieldIds.append(0)
        body(&self)
        bytes.append(0)
        lastFieldIds.removeLast()
    }

    /// A list field's header; `body` writes the `count` elements.
    mutating func listField(_ id: Int16, elementType: UInt8, count: Int, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(id, type: FieldType.list.rawValue)
        if count < 15 { bytes.append(UInt8(count) << 4 | elementType) } else { bytes.append(0xF0 | elementType); varint(UInt64(count)) }
        body(&self)
    }

    /// A list of structs, one `element` call per item.
    mutating func structList<T>(_ id: Int16, _ items: [T], _ element: (inout ThriftCompactWriter, T) -> Void) {
        listField(id, elementType: FieldType.structure.rawValue, count: items.count) { w in
            for item in items { w.structBody { element(&$0, item) } }
        }
    }
}
