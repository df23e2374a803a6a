/// One entry of the footer's flattened schema (parquet.thrift `SchemaElement`).
public struct SchemaElement: Sendable {
    public var name = ""
    public var physicalType: PhysicalType?
    public var typeLength: Int32?
    public var repetition: Repetition?
    public var numChildren: Int32?
    public var convertedType: ConvertedType?
    public var scale: Int32?
    public var precision: Int32?
    public var logicalType: LogicalType?
}

public struct KeyValue: Sendable, Equatable {
    public var key: String
    public var value: String?
}

/// Where one column's pages lie and how they are compressed (parquet.thrift `ColumnMetaData`).
struct ColumnChunkMetadata: Sendable {
    var physicalType: PhysicalType = .int32
    var path: [String] = []
    var codec = CompressionCodec.uncompressed
    var numValues: Int64 = 0
    var totalUncompressedSize: Int64 = 0
    var totalCompressedSize: Int64 = 0
    var dataPageOffset: Int64 = 0
    var dictionaryPageOffset: Int64?
    var filePath: String?
}

struct RowGroupMetadata: Sendable {
    var columns: [ColumnChunkMetadata] = []
    var numRows: Int64 = 0
}

struct FileMetadata: Sendable {
    var version: Int32 = 0
    var schema: [SchemaElement] = []
    var numRows: Int64 = 0
    var rowGroups: [RowGroupMetadata] = []
    var keyValueMetadata: [KeyValue] = []
    var createdBy: String?
    var encrypted = false
}

// MARK: - Decoding

extension FileMetadata {
    static func decode(_ r: inout ThriftCompactReader) throws -> FileMetadata {
        var meta = FileMetadata()
        var seen: Set<Int16> = []
        try r.readStruct { r, id, type in
            seen.insert(id)
            switch id {
            case 1: meta.version = try r.i32(type, "FileMetaData.version")
            case 2:
                try r.expect(type, is: .list, field: "FileMetaData.schema")
                meta.schema = try r.readList(of: .structure) { try SchemaElement.decode(&$0) }
            case 3: meta.numRows = try r.i64(type, "FileMetaData.num_rows")
            case 4:
                try r.expect(type, is: .list, field: "FileMetaData.row_groups")
                meta.rowGroups = try r.readList(of: .structure) { try RowGroupMetadata.decode(&$0) }
            case 5:
                try r.expect(type, is: .list, field: "FileMetaData.key_value_metadata")
                meta.keyValueMetadata = try r.readList(of: .structure) { try KeyValue.decode(&$0) }
            case 6: meta.createdBy = try r.string(type, "FileMetaData.created_by")
            case 8: meta.encrypted = true; try r.skip(type)
            default: try r.skip(type)
            }
        }
        for (id, name) in [(Int16(1), "version"), (2, "schema"), (3, "num_rows"), (4, "row_groups")] where !seen.contains(id) {
            throw r.error("FileMetaData lacks the required field \(name)")
        }
        return meta
    }
}

extension SchemaElement {
    static func decode(_ r: inout ThriftCompactReader) throws -> SchemaElement {
        var e = SchemaElement()
        var hasName = false
        try r.readStruct { r, id, type in
            switch id {
            case 1:
                let raw = try r.i32(type, "SchemaElement.type")
                guard let t = PhysicalType(rawValue: raw) else { throw r.error("unknown physical type \(raw)") }
                e.physicalType = t
            case 2: e.typeLength = try r.i32(type, "SchemaElement.type_length")
            case 3:
                let raw = try r.i32(type, "SchemaElement.repetition_type")
                guard let rep = Repetition(rawValue: raw) else { throw r.error("unknown repetition type \(raw)") }
                e.repetition = rep
            case 4: e.name = try r.string(type, "SchemaElement.name"); hasName = true
            case 5: e.numChildren = try r.i32(type, "SchemaElement.num_children")
            case 6:
                // An unknown converted type is ignored: the column is read by its physical type.
                e.convertedType = ConvertedType(rawValue: try r.i32(type, "SchemaElement.converted_type"))
            case 7: e.scale = try r.i32(type, "SchemaElement.scale")
            case 8: e.precision = try r.i32(type, "SchemaElement.precision")
            case 10:
                try r.expect(type, is: .structure, field: "SchemaElement.logicalType")
                e.logicalType = try LogicalType.decode(&r)
            default: try r.skip(type)
            }
        }
        guard hasName else { throw r.error("SchemaElement lacks its name") }
        return e
    }
}

extension LogicalType {
    static func decode(_ r: inout ThriftCompactReader) throws -> LogicalType? {
        var result: LogicalType?
        try r.readStruct { r, id, type in
            guard type == .structure else { try r.skip(type); return }
            switch id {
            case 1: result = .string; try r.skip(type)
            case 2: result = .map; try r.skip(type)
            case 3: result = .list; try r.skip(type)
            case 4: result = .enumeration; try r.skip(type)
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try r.readStruct { r, id, type in
                    switch id {
                    case 1: scale = try r.i32(type, "DecimalType.scale")
                    case 2: precision = try r.i32(type, "DecimalType.precision")
                    default: try r.skip(type)
                    }
                }
                result = .decimal(scale: scale, precision: precision)
            case 6: result = .date; try r.skip(type)
            case 7, 8:
                var utc = false, unit = TimeUnit.millis
                try r.readStruct { r, field, type in
                    switch field {
                    case 1: utc = try r.bool(type, "isAdjustedToUTC")
                    case 2:
                        try r.expect(type, is: .structure, field: "TimeUnit")
                        unit = try TimeUnit.decode(&r)
                    default: try r.skip(type)
                    }
                }
                result = id == 7 ? .time(utc: utc, unit: unit) : .timestamp(utc: utc, unit: unit)
            case 10:
                var width: Int8 = 0, signed = true
                try r.readStruct { r, field, type in
                    switch field {
                    case 1:
                        try r.expect(type, is: .byte, field: "IntType.bitWidth")
                        width = Int8(bitPattern: try r.readByte())
                    case 2: signed = try r.bool(type, "IntType.isSigned")
                    default: try r.skip(type)
                    }
                }
                result = .integer(bitWidth: width, signed: signed)
            case 11: result = .unknown; try r.skip(type)
            case 12: result = .json; try r.skip(type)
            case 13: result = .bson; try r.skip(type)
            case 14: result = .uuid; try r.skip(type)
            case 15: result = .float16; try r.skip(type)
            default: result = .other(id: id); try r.skip(type)
            }
        }
        return result
    }
}

extension TimeUnit {
    static func decode(_ r: inout ThriftCompactReader) throws -> TimeUnit {
        var unit = TimeUnit.millis
        try r.readStruct { r, id, type in
            switch id {
            case 1: unit = .millis
            case 2: unit = .micros
            case 3: unit = .nanos
            default: break
            }
            try r.skip(type)
        }
        return unit
    }
}

extension KeyValue {
    static func decode(_ r: inout ThriftCompactReader) throws -> KeyValue {
        var kv = KeyValue(key: "", value: nil)
        try r.readStruct { r, id, type in
            switch id {
            case 1: kv.key = try r.string(type, "KeyValue.key")
            case 2: kv.value = try r.string(type, "KeyValue.value")
            default: try r.skip(type)
            }
        }
        return kv
    }
}

extension RowGroupMetadata {
    static func decode(_ r: inout ThriftCompactReader) throws -> RowGroupMetadata {
        var group = RowGroupMetadata()
        try r.readStruct { r, id, type in
            switch id {
            case 1:
                try r.expect(type, is: .list, field: "RowGroup.columns")
                group.columns = try r.readList(of: .structure) { try ColumnChunkMetadata.decodeChunk(&$0) }
            case 3: group.numRows = try r.i64(type, "RowGroup.num_rows")
            default: try r.skip(type)
            }
        }
        return group
    }
}

extension ColumnChunkMetadata {
    /// Decodes a `ColumnChunk`, flattening its `ColumnMetaData` into this struct.
    static func decodeChunk(_ r: inout ThriftCompactReader) throws -> ColumnChunkMetadata {
        var chunk = ColumnChunkMetadata()
        var hasMetadata = false
        try r.readStruct { r, id, type in
            switch id {
            case 1: chunk.filePath = try r.string(type, "ColumnChunk.file_path")
            case 3:
                try r.expect(type, is: .structure, field: "ColumnChunk.meta_data")
                try chunk.decodeMetadata(&r)
                hasMetadata = true
            default: try r.skip(type)
            }
        }
        guard hasMetadata else { throw r.error("ColumnChunk lacks meta_data (an encrypted column?)") }
        return chunk
    }

    private mutating func decodeMetadata(_ r: inout ThriftCompactReader) throws {
        try r.readStruct { r, id, type in
            switch id {
            case 1:
                let raw = try r.i32(type, "ColumnMetaData.type")
                guard let t = PhysicalType(rawValue: raw) else { throw r.error("unknown physical type \(raw)") }
                physicalType = t
            case 3:
                try r.expect(type, is: .list, field: "ColumnMetaData.path_in_schema")
                path = try r.readList(of: .binary) { try $0.readString() }
            case 4: codec = CompressionCodec(rawValue: try r.i32(type, "ColumnMetaData.codec"))
            case 5: numValues = try r.i64(type, "ColumnMetaData.num_values")
            case 6: totalUncompressedSize = try r.i64(type, "ColumnMetaData.total_uncompressed_size")
            case 7: totalCompressedSize = try r.i64(type, "ColumnMetaData.total_compressed_size")
            case 9: dataPageOffset = try r.i64(type, "ColumnMetaData.data_page_offset")
            case 11: dictionaryPageOffset = try r.i64(type, "ColumnMetaData.dictionary_page_offset")
            default: try r.skip(type)
            }
        }
    }
}
