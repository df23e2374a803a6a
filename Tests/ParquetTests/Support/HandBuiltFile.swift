@testable import Parquet

/// A one-column Parquet file assembled byte by byte, so tests can plant exactly one fault:
/// a negative page size, a wrong value count, a bad dictionary index, an unknown codec.
struct HandBuiltFile {
    struct Page {
        var type: Int32 = 0  // DATA_PAGE
        var numValues: Int32
        var encoding: Int32 = 0  // PLAIN
        var body: [UInt8]
        var uncompressedSize: Int32?
        var compressedSize: Int32?
    }

    var columnName = "x"
    var physicalType: Int32 = 1  // INT32
    var repetition: Int32 = 0  // REQUIRED
    var convertedType: Int32?
    var scale: Int32?
    var numRows: Int64
    var columnNumValues: Int64?
    var codec: Int32 = 0
    var pages: [Page]

    func bytes() -> [UInt8] {
        var file = Array("PAR1".utf8)
        let chunkStart = file.count
        var firstDataPage = chunkStart
        for page in pages {
            if page.type == 2 { firstDataPage = -1 } else if firstDataPage < 0 { firstDataPage = file.count }
            var header = ThriftCompactWriter()
            header.structBody { w in
                w.i32(1, page.type)
                w.i32(2, page.uncompressedSize ?? Int32(page.body.count))
                w.i32(3, page.compressedSize ?? Int32(page.body.count))
                if page.type == 2 {
                    w.structField(7) { d in d.i32(1, page.numValues); d.i32(2, page.encoding) }
                } else {
                    w.structField(5) { d in d.i32(1, page.numValues); d.i32(2, page.encoding); d.i32(3, 3); d.i32(4, 3) }
                }
            }
            file += header.bytes + page.body
        }
        let chunkSize = file.count - chunkStart
        var footer = ThriftCompactWriter()
        footer.structBody { w in
            w.i32(1, 2)
            w.listField(2, elementType: 12, count: 2) { l in
                l.structBody { s in s.string(4, "schema"); s.i32(5, 1) }
                l.structBody { s in
                    s.i32(1, physicalType); s.i32(3, repetition); s.string(4, columnName)
                    if let convertedType { s.i32(6, convertedType) }
                    if let scale { s.i32(7, scale); s.i32(8, 9) }
                }
            }
            w.i64(3, numRows)
            w.listField(4, elementType: 12, count: 1) { l in
                l.structBody { g in
                    g.listField(1, elementType: 12, count: 1) { cl in
                        cl.structBody { c in
                            c.i64(2, Int64(chunkStart))
                            c.structField(3) { m in
                                m.i32(1, physicalType)
                                m.listField(2, elementType: 5, count: 1) { e in e.zigzag(0) }
                                m.listField(3, elementType: 8, count: 1) { p in p.varint(UInt64(columnName.utf8.count)); p.bytes += Array(columnName.utf8) }
                                m.i32(4, codec)
                                m.i64(5, columnNumValues ?? numRows)
                                m.i64(6, Int64(chunkSize))
                                m.i64(7, Int64(chunkSize))
                                m.i64(9, Int64(max(firstDataPage, chunkStart)))
                                if pages.first?.type == 2 { m.i64(11, Int64(chunkStart)) }
                            }
                        }
                    }
                    g.i64(2, Int64(chunkSize))
                    g.i64(3, numRows)
                }
            }
        }
        file += footer.bytes
        let length = UInt32(footer.bytes.count)
        file += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        file += Array("PAR1".utf8)
        return file
    }

    static func plainByteArrays(_ values: [[UInt8]]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.count >> (8 * $0)) } + v }
    }

    static func plainInt32(_ values: [Int32]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    }
}
