import CBrotli
import CLZ4
import CSnappy
import CZlib
import CZstd

/// Decompresses one page into exactly its declared uncompressed size. The size is checked
/// against `limit` and, for codecs with a bounded expansion ratio, against the compressed
/// size before anything is allocated; streaming codecs stop at the declared size, so a
/// decompression bomb ends in an error rather than in memory exhaustion.
enum Decompressor {
    static func isSupported(_ codec: CompressionCodec) -> Bool {
        [.uncompressed, .snappy, .gzip, .brotli, .lz4, .zstd, .lz4Raw].contains(codec)
    }

    static func decompress(_ input: UnsafeRawBufferPointer, codec: CompressionCodec, uncompressedSize: Int, limit: Int) throws -> [UInt8] {
        guard uncompressedSize <= limit else {
            throw ParquetError("page declares \(uncompressedSize) uncompressed bytes, over the limit of \(limit)")
        }
        if let ratio = maxRatio(codec) {
            let (bound, overflow) = input.count.multipliedReportingOverflow(by: ratio)
            guard overflow || uncompressedSize <= bound + 64 else {
                throw ParquetError("page declares \(uncompressedSize) uncompressed bytes from \(input.count) \(codec) bytes, more than the codec can produce")
            }
        }
        return try [UInt8](unsafeUninitializedCapacity: uncompressedSize) { output, initialized in
            let produced: Int
            switch codec {
            case .uncompressed:
                guard input.count == uncompressedSize else {
                    throw ParquetError("uncompressed page has \(input.count) bytes but declares \(uncompressedSize)")
                }
                if input.count > 0 { UnsafeMutableRawBufferPointer(output).copyMemory(from: input) }
                produced = input.count
            case .snappy: produced = try snappy(input, output)
            case .gzip: produced = try gzip(input, output)
            case .zstd: produced = try zstd(input, output)
            case .lz4Raw: produced = try lz4Block(input, output)
            case .lz4: produced = try hadoopLZ4(input, output)
            case .brotli: produced = try brotli(input, output)
            default: throw ParquetError("unsupported codec \(codec)")
            }
            guard produced == uncompressedSize else {
                throw ParquetError("\(codec) page decompressed to \(produced) bytes but declares \(uncompressedSize)")
            }
            initialized = produced
        }
    }

    /// The most output one input byte can produce, where the format bounds it.
    private static func maxRatio(_ codec: CompressionCodec) -> Int? {
        switch codec {
        case .snappy: 32
        case .lz4Raw, .lz4: 256
        case .gzip: 1100
        default: nil
        }
    }

    private static func snappy(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        let src = input.baseAddress?.assumingMemoryBound(to: CChar.self)
        var length = 0
        guard snappy_uncompressed_length(src, input.count, &length) == SNAPPY_OK else {
            throw ParquetError("corrupt SNAPPY data (bad length header)")
        }
        guard length == output.count else {
            throw ParquetError("SNAPPY data holds \(length) bytes but the page declares \(output.count)")
        }
        var outLength = output.count
        let dst = UnsafeMutableRawPointer(output.baseAddress)?.assumingMemoryBound(to: CChar.self)
        guard length == 0 || snappy_uncompress(src, input.count, dst, &outLength) == SNAPPY_OK else {
            throw ParquetError("corrupt SNAPPY data")
        }
        return length == 0 ? 0 : outLength
    }

    private static func lz4Block(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        guard input.count <= Int(Int32.max), output.count <= Int(Int32.max) else { throw ParquetError("LZ4 block over 2 GiB") }
        if output.isEmpty { return 0 }
        let n = LZ4_decompress_safe(input.baseAddress?.assumingMemoryBound(to: CChar.self),
                                    UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: CChar.self),
                                    Int32(input.count), Int32(output.count))
        guard n >= 0 else { throw ParquetError("corrupt LZ4 data") }
        return Int(n)
    }

    /// The deprecated LZ4 codec: Hadoop's framing (big-endian uncompressed and compressed
    /// block sizes before each block) as parquet-mr wrote it, else a bare LZ4 block as some
    /// other writers did.
    private static func hadoopLZ4(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        func bigEndian32(_ at: Int) -> Int {
            Int(input[at]) << 24 | Int(input[at + 1]) << 16 | Int(input[at + 2]) << 8 | Int(input[at + 3])
        }
        var inPos = 0, outPos = 0
        var framed = input.count >= 8
        while framed && inPos < input.count {
            guard input.count - inPos >= 8 else { framed = false; break }
            let blockOut = bigEndian32(inPos), blockIn = bigEndian32(inPos + 4)
            guard blockIn <= input.count - inPos - 8, blockOut <= output.count - outPos else { framed = false; break }
            let n = try? lz4Block(UnsafeRawBufferPointer(rebasing: input[(inPos + 8)..<(inPos + 8 + blockIn)]),
                                  UnsafeMutableBufferPointer(rebasing: output[outPos..<(outPos + blockOut)]))
            guard n == blockOut else { framed = false; break }
            inPos += 8 + blockIn
            outPos += blockOut
        }
        if framed && outPos == output.count { return outPos }
        return try lz4Block(input, output)
    }

    /// GZIP, including several concatenated members (and zlib streams, which some writers use).
    private static func gzip(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ParquetError("cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        stream.next_out = output.baseAddress
        stream.avail_out = uInt(output.count)
        while true {
            let status = inflate(&stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                // Another member may follow; trailing zero padding is ignored.
                let rest = UnsafeRawBufferPointer(rebasing: input[(input.count - Int(stream.avail_in))...])
                if rest.allSatisfy({ $0 == 0 }) { break }
                guard inflateReset(&stream) == Z_OK else { throw ParquetError("cannot reset zlib") }
                continue
            }
            if status == Z_OK { continue }
            if status == Z_BUF_ERROR && stream.avail_out == 0 {
                throw ParquetError("GZIP data expands past the declared page size of \(output.count) bytes")
            }
            if status == Z_BUF_ERROR { throw ParquetError("truncated GZIP data") }
            throw ParquetError("corrupt GZIP data (zlib status \(status))")
        }
        return output.count - Int(stream.avail_out)
    }

    /// ZSTD, one or more frames.
    private static func zstd(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        guard let context = ZSTD_createDCtx() else { throw ParquetError("cannot create a ZSTD context") }
        defer { ZSTD_freeDCtx(context) }
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        while inBuffer.pos < inBuffer.size {
            let before = (inBuffer.pos, outBuffer.pos)
            let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
            if ZSTD_isError(result) != 0 {
                throw ParquetError("corrupt ZSTD data: \(String(cString: ZSTD_getErrorName(result)))")
            }
            if before == (inBuffer.pos, outBuffer.pos) {
                throw ParquetError(outBuffer.pos == outBuffer.size
                    ? "ZSTD data expands past the declared page size of \(output.count) bytes" : "truncated ZSTD data")
            }
        }
        return outBuffer.pos
    }

    private static func brotli(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        guard let state = BrotliDecoderCreateInstance(nil, nil, nil) else { throw ParquetError("cannot create a Brotli decoder") }
        defer { BrotliDecoderDestroyInstance(state) }
        var availableIn = input.count
        var nextIn = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var availableOut = output.count
        var nextOut = output.baseAddress
        while true {
            let result = BrotliDecoderDecompressStream(state, &availableIn, &nextIn, &availableOut, &nextOut, nil)
            switch result {
            case BROTLI_DECODER_RESULT_SUCCESS: return output.count - availableOut
            case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
                throw ParquetError("BROTLI data expands past the declared page size of \(output.count) bytes")
            case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT: throw ParquetError("truncated BROTLI data")
            default: throw ParquetError("corrupt BROTLI data")
            }
        }
    }
}
