/// Thrift encodings of the footer's structs (parquet.thrift field ids, mirroring the
/// decoders in Metadata/): schema elements with their logical types, column chunks with
/// statistics, row groups, and the file metadata.
extension SchemaElement {
    func encode(_ w: inout ThriftCompactWriter) {
        if let physicalType { w.i32(1, physicalType.rawValue) }
        if let typeLength { w.i32(2, typeLength) }
        if let repetition { w.i32(3, repetition.rawValue) }
        w.string(4, name)
        if let numChildren { w.i32(5, numChildren) }
        if let convertedType { w.i32(6, convertedType.rawValue) }
        if let scale { w.i32(7, scale) }
        if let precision { w.i32(8, precision) }
        if let logicalType { w.structField(10) { logicalType.encode(&$0) } }
    }
}

extension LogicalType {
    /// The union's one set field.
    func encode(_ w: inout ThriftCompactWriter) {
        let empty: (inout ThriftCompactWriter) -> Void = { _ in }
        switch self {
        case .string: w.structField(1, empty)
        case .map: w.structField(2, empty)
        case .list: w.structField(3, empty)
        case .enumeration: w.structField(4, empty)
        case .decimal(let scale, let precision): w.structField(5) { $0.i32(1, scale); $0.i32(2, precision) }
        case .date: w.structField(6, empty)
        case .time(let utc, let unit): w.structField(7) { Self.encodeTemporal(&$0, utc: utc, unit: unit) }
        case .timestamp(let utc, let unit): w.structField(8) { Self.encodeTemporal(&$0, utc: utc, unit: unit) }
        case .integer(let bitWidth, let signed): w.structField(10) { $0.byte(1, bitWidth); $0.bool(2, signed) }
        case .unknown: w.structField(11, empty)
        case .json: w.structField(12, empty)
        case .bson: w.structField(13, empty)
        case .uuid: w.structField(14, empty)
        case .float16: w.structField(15, empty)
        // Only the variant is known: its parameters (all optional) are left out.
        case .other(let id): w.structField(id, empty)
        }
    }

    private static func encodeTemporal(_ w: inout ThriftCompactWriter, utc: Bool, unit: TimeUnit) {
        w.bool(1, utc)
        let unitField: Int16 = switch unit {
        case .millis: 1
        case .micros: 2
        case .nanos: 3
        }
        w.structField(2) { $0.structField(unitField) { _ in } }
    }
}

extension KeyValue {
    public init(_ key: String, _ value: String?) {
        self.key = key
        self.value = value
    }

    func encode(_ w: inout ThriftCompactWriter) {
        w.string(1, key)
        if let value { w.string(2, value) }
    }
}

/// One column chunk as written: where it lies and what its pages hold.
struct WrittenColumnChunk {
    var physicalType: PhysicalType
    var path: [String]
    var codec: CompressionCodec
    var fileOffset: Int64
    var chunk: EncodedColumnChunk

    var dataPageOffset: Int64 { fileOffset + Int64(chunk.dictionaryPage.count) }

    func encode(_ w: inout ThriftCompactWriter) {
        w.i64(2, fileOffset)
        w.structField(3) { m in
            m.i32(1, physicalType.rawValue)
            m.listField(2, elementType: ThriftCompactWriter.FieldType.i32.rawValue, count: chunk.encodings.count) { l in
                for encoding in chunk.encodings { l.zigzag(Int64(encoding.rawValue)) }
            }
            m.listField(3, elementType: ThriftCompactWriter.FieldType.binary.rawValue, count: path.count) { l in
                for name in path { l.binaryElement(Array(name.utf8)) }
            }
            m.i32(4, codec.rawValue)
            m.i64(5, chunk.numValues)
            m.i64(6, chunk.uncompressedSize)
            m.i64(7, Int64(chunk.compressedSize))
            m.i64(9, dataPageOffset)
            if !chunk.dictionaryPage.isEmpty { m.i64(11, fileOffset) }
            m.structField(12) { chunk.statistics.encode(&$0) }
        }
    }
}

extension ColumnStatistics {
    func encode(_ w: inout ThriftCompactWriter) {
        w.i64(3, nullCount)
        if let max { w.binary(5, max) }
        if let min { w.binary(6, min) }
        if max != nil { w.bool(7, true) }
        if min != nil { w.bool(8, true) }
    }
}

struct WrittenRowGroup {
    var columns: [WrittenColumnChunk]
    var numRows: Int64

    func encode(_ w: inout ThriftCompactWriter) {
        w.structList(1, columns) { $1.encode(&$0) }
        w.i64(2, columns.reduce(0) { $0 + $1.chunk.uncompressedSize })
        w.i64(3, numRows)
        if let first = columns.first { w.i64(5, first.fileOffset) }
        w.i64(6, columns.reduce(0) { $0 + Int64($1.chunk.compressedSize) })
    }
}

/// The footer: `FileMetaData` with format version 2 and a type-defined column order for
/// every leaf (so readers trust min/max statistics in the logical type's order).
struct FooterEncoding {
    var schema: [SchemaElement]
    var leafCount: Int
    var numRows: Int64
    var rowGroups: [WrittenRowGroup]
    var keyValueMetadata: [KeyValue]
    var createdBy: String

    func encode() -> [UInt8] {
        var w = ThriftCompactWriter()
        w.structBody { f in
            f.i32(1, 2)
            f.structList(2, schema) { $1.encode(&$0) }
            f.i64(3, numRows)
            f.structList(4, rowGroups) { $1.encode(&$0) }
            if !keyValueMetadata.isEmpty { f.structList(5, keyValueMetadata) { $1.encode(&$0) } }
            f.string(6, createdBy)
            f.structList(7, Array(repeating: (), count: leafCount)) { w, _ in w.structField(1) { _ in } }
        }
        return w.bytes
    }
}
