import CZlib

/// gzip decompression with zlib, including files made of several concatenated gzip
/// members (what `cat a.gz b.gz` and some parallel compressors produce).
final class GzipByteStream: ByteStream {
    private let source: ByteStream
    private let path: String
    private var stream = z_stream()
    private var input = [UInt8](repeating: 0, count: 1 << 18)
    private var inputStart = 0
    private var inputEnd = 0
    private var sourceDone = false
    private var finished = false
    private var outputTotal: Int64 = 0

    var compressedBytesRead: Int64 { source.compressedBytesRead }

    init(source: ByteStream, path: String) throws {
        self.source = source
        self.path = path
        // 15 + 32: a gzip or zlib header, detected automatically.
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw IngestError(path: path, message: "zlib initialisation failed (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        while true {
            if inputStart == inputEnd, !sourceDone {
                let n = try input.withUnsafeMutableBytes { try source.read(into: $0) }
                inputStart = 0
                inputEnd = n
                if n == 0 { sourceDone = true }
            }
            if inputStart == inputEnd, sourceDone {
                // Input ended: fine between members, an error inside one.
                if stream.total_in > 0 && !memberComplete {
                    throw IngestError(path: path, offset: Int(outputTotal), message: "truncated gzip stream (decompressed \(outputTotal) bytes before the end)")
                }
                finished = true
                return 0
            }
            let produced = try input.withUnsafeMutableBufferPointer { inBuf -> Int in
                stream.next_in = inBuf.baseAddress! + inputStart
                stream.avail_in = UInt32(inputEnd - inputStart)
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
                let status = inflate(&stream, Z_NO_FLUSH)
                let consumed = (inputEnd - inputStart) - Int(stream.avail_in)
                inputStart += consumed
                let out = min(buffer.count, Int(UInt32.max)) - Int(stream.avail_out)
                switch status {
                case Z_OK, Z_BUF_ERROR:
                    memberComplete = false
                case Z_STREAM_END:
                    // Another member may follow; reset and continue with the same input.
                    memberComplete = true
                    inflateReset(&stream)
                    stream.total_in = 0
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw IngestError(path: path, offset: Int(outputTotal) + out, message: "corrupt gzip data: \(message)")
                }
                if status == Z_BUF_ERROR && consumed == 0 && out == 0 && inputStart == inputEnd && sourceDone {
                    throw IngestError(path: path, offset: Int(outputTotal), message: "truncated gzip stream")
                }
                return out
            }
            outputTotal += Int64(produced)
            if produced > 0 { return produced }
        }
    }

    private var memberComplete = false
}
