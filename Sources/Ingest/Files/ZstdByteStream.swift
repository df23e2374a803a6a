import CZstd

/// zstd decompression (one or more frames) with a bounded window, so a crafted frame
/// header cannot make us allocate gigabytes.
final class ZstdByteStream: ByteStream {
    private let source: ByteStream
    private let path: String
    private let dctx: OpaquePointer
    private var input = CompressedInput(capacity: ZSTD_DStreamInSize())
    private var frameOpen = false
    private var outputTotal: Int64 = 0

    var compressedBytesRead: Int64 { source.compressedBytesRead }

    init(source: ByteStream, path: String) throws {
        self.source = source
        self.path = path
        guard let ctx = ZSTD_createDCtx() else { throw IngestError(path: path, message: "zstd initialisation failed") }
        dctx = ctx
        // 2^27 = 128 MiB window: zstd's default limit, stated explicitly.
        ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 27)
    }

    deinit { ZSTD_freeDCtx(dctx) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            try input.refillIfEmpty(from: source)
            if input.exhausted {
                if frameOpen {
                    throw IngestError(path: path, offset: Int(outputTotal), message: "truncated zstd stream (decompressed \(outputTotal) bytes before the end)")
                }
                return 0
            }
            let (start, pending) = (input.start, input.pending)
            let (ret, consumed, produced) = input.bytes.withUnsafeBytes { inBytes -> (Int, Int, Int) in
                var inb = ZSTD_inBuffer(src: inBytes.baseAddress! + start, size: pending, pos: 0)
                var outb = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                let ret = ZSTD_decompressStream(dctx, &outb, &inb)
                return (ret, inb.pos, outb.pos)
            }
            if ZSTD_isError(ret) != 0 {
                throw IngestError(path: path, offset: Int(outputTotal) + produced, message: "corrupt zstd data: \(String(cString: ZSTD_getErrorName(ret)))")
            }
            input.start += consumed
            frameOpen = ret != 0
            outputTotal += Int64(produced)
            if produced > 0 { return produced }
        }
    }
}
