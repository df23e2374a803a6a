import CZstd

/// zstd decompression (one or more frames) with a bounded window, so a crafted frame
/// header cannot make us allocate gigabytes.
final class ZstdByteStream: ByteStream {
    private let source: ByteStream
    private let path: String
    private let dctx: OpaquePointer
    private var input = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceDone = false
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
            if inputStart == inputEnd, !sourceDone {
                let n = try input.withUnsafeMutableBytes { try source.read(into: $0) }
                inputStart = 0
                inputEnd = n
                if n == 0 { sourceDone = true }
            }
            if inputStart == inputEnd, sourceDone {
                if frameOpen {
                    throw IngestError(path: path, offset: Int(outputTotal), message: "truncated zstd stream (decompressed \(outputTotal) bytes before the end)")
                }
                return 0
            }
            let produced = try input.withUnsafeBytes { inBytes -> Int in
                var inb = ZSTD_inBuffer(src: inBytes.baseAddress! + inputStart, size: inputEnd - inputStart, pos: 0)
                var outb = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
                let ret = ZSTD_decompressStream(dctx, &outb, &inb)
                if ZSTD_isError(ret) != 0 {
                    throw IngestError(path: path, offset: Int(outputTotal) + outb.pos, message: "corrupt zstd data: \(String(cString: ZSTD_getErrorName(ret)))")
                }
                inputStart += inb.pos
                frameOpen = ret != 0
                return outb.pos
            }
            outputTotal += Int64(produced)
            if produced > 0 { return produced }
        }
    }
}
