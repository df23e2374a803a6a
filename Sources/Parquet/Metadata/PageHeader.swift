/// A page header (parquet.thrift `PageHeader` with its data / dictionary / v2 sub-headers
/// flattened): the fields a reader needs to locate, decompress and decode one page.
struct PageHeader {
    var type: Int32 = -1
    var uncompressedSize: Int32 = -1
    var compressedSize: Int32 = -1
    var numValues: Int32 = 0
    var encoding = Encoding.plain
    var definitionLevelEncoding = Encoding.rle
    var repetitionLevelEncoding = Encoding.rle
    // Data page v2 only.
    var numNulls: Int32 = 0
    var numRows: Int32 = 0
    var definitionLevelsByteLength: Int32 = 0
    var repetitionLevelsByteLength: Int32 = 0
    var isCompressed = true

    var pageType: PageType? { PageType(rawValue: type) }

    static func decode(_ r: inout ThriftCompactReader) throws -> PageHeader {
        var h = PageHeader()
        try r.readStruct { r, id, type in
            switch id {
            case 1: h.type = try r.i32(type, "PageHeader.type")
            case 2: h.uncompressedSize = try r.i32(type, "PageHeader.uncompressed_page_size")
            case 3: h.compressedSize = try r.i32(type, "PageHeader.compressed_page_size")
            case 5:
                try r.expect(type, is: .structure, field: "PageHeader.data_page_header")
                try r.readStruct { r, id, type in
                    switch id {
                    case 1: h.numValues = try r.i32(type, "DataPageHeader.num_values")
                    case 2: h.encoding = Encoding(rawValue: try r.i32(type, "DataPageHeader.encoding"))
                    case 3: h.definitionLevelEncoding = Encoding(rawValue: try r.i32(type, "DataPageHeader.definition_level_encoding"))
                    case 4: h.repetitionLevelEncoding = Encoding(rawValue: try r.i32(type, "DataPageHeader.repetition_level_encoding"))
                    default: try r.skip(type)
                    }
                }
            case 7:
                try r.expect(type, is: .structure, field: "PageHeader.dictionary_page_header")
                try r.readStruct { r, id, type in
                    switch id {
                    case 1: h.numValues = try r.i32(type, "DictionaryPageHeader.num_values")
                    case 2: h.encoding = Encoding(rawValue: try r.i32(type, "DictionaryPageHeader.encoding"))
                    default: try r.skip(type)
                    }
                }
            case 8:
                try r.expect(type, is: .structure, field: "PageHeader.data_page_header_v2")
                try r.readStruct { r, id, type in
                    switch id {
                    case 1: h.numValues = try r.i32(type, "DataPageHeaderV2.num_values")
                    case 2: h.numNulls = try r.i32(type, "DataPageHeaderV2.num_nulls")
                    case 3: h.numRows = try r.i32(type, "DataPageHeaderV2.num_rows")
                    case 4: h.encoding = Encoding(rawValue: try r.i32(type, "DataPageHeaderV2.encoding"))
                    case 5: h.definitionLevelsByteLength = try r.i32(type, "DataPageHeaderV2.definition_levels_byte_length")
                    case 6: h.repetitionLevelsByteLength = try r.i32(type, "DataPageHeaderV2.repetition_levels_byte_length")
                    case 7: h.isCompressed = try r.bool(type, "DataPageHeaderV2.is_compressed")
                    default: try r.skip(type)
                    }
                }
            default: try r.skip(type)
            }
        }
        guard h.uncompressedSize >= 0, h.compressedSize >= 0 else {
            throw r.error("page header has a negative or missing size (compressed \(h.compressedSize), uncompressed \(h.uncompressedSize))")
        }
        guard h.numValues >= 0, h.numNulls >= 0, h.definitionLevelsByteLength >= 0, h.repetitionLevelsByteLength >= 0 else {
            throw r.error("page header has a negative count or level length")
        }
        return h
    }
}
