import CLZ4
import CZlib
import Testing
@testable import Parquet

@Suite struct CodecTests {
    static func gzip(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        #expect(deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        var out = [UInt8](repeating: 0, count: data.count + 1024)
        var input = data
        let produced = input.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = uInt(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                _ = deflate(&stream, Z_FINISH)
                return dst.count - Int(stream.avail_out)
            }
        }
        deflateEnd(&stream)
        return Array(out.prefix(produced))
    }

    @Test func gzipWithConcatenatedMembers() throws {
        let a = Array("first member, ".utf8), b = Array(String(repeating: "second member ", count: 50).utf8)
        let joined = Self.gzip(a) + Self.gzip(b)
        let out = try joined.withUnsafeBytes { try Decompressor.decompress($0, codec: .gzip, uncompressedSize: a.count + b.count, limit: 1 << 20) }
        #expect(out == a + b)
        #expect(throws: ParquetError.self) {
            try joined.withUnsafeBytes { try Decompressor.decompress($0, codec: .gzip, uncompressedSize: a.count + b.count + 1, limit: 1 << 20) }
        }
    }

    @Test func hadoopFramedAndBareLZ4() throws {
        let data = Array(String(repeating: "lz4 block data ", count: 40).utf8)
        var block = [UInt8](repeating: 0, count: Int(LZ4_compressBound(Int32(data.count))))
        let size = Int(block.withUnsafeMutableBufferPointer { dst in
            data.withUnsafeBufferPointer { src in
                LZ4_compress_default(UnsafeRawPointer(src.baseAddress!).assumingMemoryBound(to: CChar.self),
                                     UnsafeMutableRawPointer(dst.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(src.count), Int32(dst.count))
            }
        })
        block = Array(block.prefix(size))
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let framed = be32(data.count) + be32(block.count) + block
        for input in [framed, block] {
            let out = try input.withUnsafeBytes { try Decompressor.decompress($0, codec: .lz4, uncompressedSize: data.count, limit: 1 << 20) }
            #expect(out == data)
        }
    }

    @Test func rleHybridDecodesRunsAndPackedGroups() throws {
        // Bit width 3: an RLE run of four 5s, then one bit-packed group of 0...7.
        let bytes: [UInt8] = [4 << 1, 5, 1 << 1 | 1, 0b10001000, 0b11000110, 0b11111010]
        var out = [UInt8](repeating: 0, count: 12)
        try bytes.withUnsafeBytes { raw in
            var decoder = try RLEHybridDecoder(raw, bitWidth: 3)
            try out.withUnsafeMutableBufferPointer { try decoder.decode(into: $0) }
        }
        #expect(out == [5, 5, 5, 5, 0, 1, 2, 3, 4, 5, 6, 7])
    }
}

@Suite struct LevelEncodingTests {
    /// The example in Encodings.md: 0...7 at bit width 3, packed most significant bit first.
    @Test func deprecatedBitPackedFollowsTheSpecExample() throws {
        let bytes: [UInt8] = [0b0000_0101, 0b0011_1001, 0b0111_0111]
        var out = [UInt8](repeating: 0, count: 8)
        try bytes.withUnsafeBytes { raw in
            try out.withUnsafeMutableBufferPointer { try LegacyBitPacked.decode(raw, bitWidth: 3, into: $0) }
        }
        #expect(out == [0, 1, 2, 3, 4, 5, 6, 7])
    }
}
