import CZlib

/// gzip decompression with zlib, including files made of several concatenated gzip
/// members (what `cat a.gz b.gz` and some parallel compressors produce).
final class GzipByteStream: ByteStream {
    private let source: ByteStream
    private let path: String
    private var stream = z_stream()
    private var input = CompressedInput(capacity: 1 << 18)
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
            try input.refillIfEmpty(from: source)
            if input.exhausted {
                // Input ended: fine between members, an error inside one.
                if stream.total_in > 0 && !memberComplete {
                    throw IngestError(path: path, offset: Int(outputTotal), message: "truncated gzip stream (decompressed \(outputTotal) bytes before the end)")
                }
                finished = true
                return 0
            }
            let (start, pending) = (input.start, input.pending)
            let (status, consumed, produced) = input.bytes.withUnsafeMutableBufferPointer { inBuf -> (Int32, Int, Int) in
                stream.next_in = inBuf.baseAddress! + start
                stream.avail_in = UInt32(pending)
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, pending - Int(stream.avail_in), min(buffer.count, Int(UInt32.max)) - Int(stream.avail_out))
            }
            input.start += consumed
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
                throw IngestError(path: path, offset: Int(outputTotal) + produced, message: "corrupt gzip data: \(message)")
            }
            if status == Z_BUF_ERROR && consumed == 0 && produced == 0 && input.exhausted {
                throw IngestError(path: path, offset: Int(outputTotal), message: "truncated gzip stream")
            }
            outputTotal += Int64(produced)
            if produced > 0 { return produced }
        }
    }

    private var memberComplete = false
}
