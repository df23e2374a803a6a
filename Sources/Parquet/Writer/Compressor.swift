import CSnappy
import CZstd

/// Compresses page bodies for the writer's codecs.
enum Compressor {
    static let supported: [CompressionCodec] = [.uncompressed, .snappy, .zstd]

    /// `level` applies to ZSTD only (nil: level 1, Arrow's default).
    static func compress(_ input: UnsafeRawBufferPointer, codec: CompressionCodec, level: Int32?) throws -> [UInt8] {
        switch codec {
        case .uncompressed:
            return Array(input)
        case .snappy:
            let bound = snappy_max_compressed_length(input.count)
            return try [UInt8](unsafeUninitializedCapacity: bound) { output, written in
                var length = bound
                let src = input.baseAddress?.assumingMemoryBound(to: CChar.self)
                let status = output.withMemoryRebound(to: CChar.self) { snappy_compress(src, input.count, $0.baseAddress, &length) }
                guard status == SNAPPY_OK else { throw ParquetError("snappy compression failed (status \(status.rawValue))") }
                written = length
            }
        case .zstd:
            let bound = ZSTD_compressBound(input.count)
            return try [UInt8](unsafeUninitializedCapacity: bound) { output, written in
                let result = ZSTD_compress(output.baseAddress, bound, input.baseAddress, input.count, level ?? 1)
                guard ZSTD_isError(result) == 0 else {
                    throw ParquetError("ZSTD compression failed: \(String(cString: ZSTD_getErrorName(result)))")
                }
                written = result
            }
        default:
            throw ParquetError("the writer does not support the \(codec) codec (it writes \(supported.map(\.description).joined(separator: ", ")))")
        }
    }

    static func compress(_ input: [UInt8], codec: CompressionCodec, level: Int32?) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0, codec: codec, level: level) }
    }
}
