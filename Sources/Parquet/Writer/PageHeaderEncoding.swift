/// Thrift `PageHeader`s for the three page kinds the writer emits (the counterpart of
/// `PageHeader.decode`).
enum PageHeaderEncoding {
    static func dictionaryPage(count: Int, uncompressedSize: Int, compressedSize: Int) -> [UInt8] {
        header(type: .dictionaryPage, uncompressedSize: uncompressedSize, compressedSize: compressedSize) { w in
            w.structField(7) { d in
                d.i32(1, Int32(count))
                d.i32(2, Encoding.plain.rawValue)
            }
        }
    }

    static func dataPageV1(count: Int, encoding: Encoding, uncompressedSize: Int, compressedSize: Int) -> [UInt8] {
        header(type: .dataPage, uncompressedSize: uncompressedSize, compressedSize: compressedSize) { w in
            w.structField(5) { d in
                d.i32(1, Int32(count))
                d.i32(2, encoding.rawValue)
                d.i32(3, Encoding.rle.rawValue)
                d.i32(4, Encoding.rle.rawValue)
            }
        }
    }

    struct V2Counts {
        var values: Int
        var nulls: Int
        var rows: Int
        var definitionLevelsLength: Int
        var repetitionLevelsLength: Int
    }

    static func dataPageV2(_ counts: V2Counts, encoding: Encoding, isCompressed: Bool, uncompressedSize: Int, compressedSize: Int) -> [UInt8] {
        header(type: .dataPageV2, uncompressedSize: uncompressedSize, compressedSize: compressedSize) { w in
            w.structField(8) { d in
                d.i32(1, Int32(counts.values))
                d.i32(2, Int32(counts.nulls))
                d.i32(3, Int32(counts.rows))
                d.i32(4, encoding.rawValue)
                d.i32(5, Int32(counts.definitionLevelsLength))
                d.i32(6, Int32(counts.repetitionLevelsLength))
                d.bool(7, isCompressed)
            }
        }
    }

    private static func header(type: PageType, uncompressedSize: Int, compressedSize: Int,
                               _ body: (inout ThriftCompactWriter) -> Void) -> [UInt8] {
        var w = ThriftCompactWriter()
        w.structBody { h in
            h.i32(1, type.rawValue)
            h.i32(2, Int32(uncompressedSize))
            h.i32(3, Int32(compressedSize))
            body(&h)
        }
        return w.bytes
    }
}
