/// DELTA_BINARY_PACKED: a header (block size, miniblocks per block, value count, first
/// value), then blocks of a minimum delta and miniblocks of bit-packed deltas. Arithmetic
/// wraps, as the format specifies, so INT32 columns come out right after truncation.
struct DeltaBinaryPackedDecoder {
    private(set) var cursor: ByteCursor
    let totalCount: Int
    private let blockSize: Int
    private let miniblocksPerBlock: Int
    private let valuesPerMiniblock: Int

    private var produced = 0
    private var last: Int64 = 0
    // The current block and miniblock.
    private var minDelta: Int64 = 0
    private var widths: [UInt8] = []
    private var miniblockIndex = 0
    private var miniblockRemaining = 0
    private var miniblockBitWidth = 0
    private var miniblockStart = 0
    private var miniblockBit = 0

    init(_ bytes: UnsafeRawBufferPointer, maxCount: Int) throws {
        cursor = ByteCursor(bytes)
        blockSize = try cursor.readCount("DELTA_BINARY_PACKED block size", limit: 1 << 20)
        miniblocksPerBlock = try cursor.readCount("DELTA_BINARY_PACKED miniblock count", limit: 1 << 10)
        totalCount = try cursor.readCount("DELTA_BINARY_PACKED value count", limit: maxCount)
        guard blockSize > 0, blockSize % 128 == 0, miniblocksPerBlock > 0, blockSize % miniblocksPerBlock == 0,
              (blockSize / miniblocksPerBlock) % 32 == 0 else {
            throw cursor.error("DELTA_BINARY_PACKED header has block size \(blockSize) with \(miniblocksPerBlock) miniblocks")
        }
        valuesPerMiniblock = blockSize / miniblocksPerBlock
        last = try cursor.readZigZag()
    }

    /// Decodes all `totalCount` values; afterwards `cursor.position` is just past them.
    mutating func decodeAll() throws -> [Int64] {
        var out = [Int64](repeating: 0, count: totalCount)
        try out.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<buffer.count { buffer[i] = try next() }
        }
        return out
    }

    mutating func next() throws -> Int64 {
        defer { produced += 1 }
        if produced == 0 { return last }
        if miniblockRemaining == 0 { try startMiniblock() }
        let delta = readPacked()
        miniblockRemaining -= 1
        last = last &+ minDelta &+ Int64(bitPattern: delta)
        return last
    }

    private mutating func startMiniblock() throws {
        if widths.isEmpty || miniblockIndex == miniblocksPerBlock {
            minDelta = try cursor.readZigZag()
            widths = Array(try cursor.take(miniblocksPerBlock))
            miniblockIndex = 0
        }
        let width = Int(widths[miniblockIndex])
        guard width <= 64 else { throw cursor.error("DELTA_BINARY_PACKED miniblock bit width \(width) exceeds 64") }
        miniblockIndex += 1
        miniblockBitWidth = width
        miniblockStart = cursor.position
        miniblockBit = 0
        miniblockRemaining = valuesPerMiniblock
        // The last miniblock with values is stored whole (padded); later ones take no bytes.
        _ = try cursor.take(valuesPerMiniblock * width / 8)
    }

    private mutating func readPacked() -> UInt64 {
        let width = miniblockBitWidth
        if width == 0 { return 0 }
        let base = cursor.bytes.baseAddress! + miniblockStart
        var value: UInt64 = 0
        var got = 0
        var bit = miniblockBit
        while got < width {
            let byte = UInt64(base.load(fromByteOffset: bit >> 3, as: UInt8.self))
            let offset = bit & 7
            let take = min(8 - offset, width - got)
            value |= ((byte >> UInt64(offset)) & ((1 << UInt64(take)) - 1)) << UInt64(got)
            got += take
            bit += take
        }
        miniblockBit = bit
        return value
    }
}

/// DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY, decoded into owned byte arrays.
enum DeltaByteArrayDecoding {
    static func decodeLengthPrefixed(_ bytes: UnsafeRawBufferPointer, count: Int) throws -> ByteArrays {
        var lengthDecoder = try DeltaBinaryPackedDecoder(bytes, maxCount: count)
        guard lengthDecoder.totalCount >= count else {
            throw ParquetError("DELTA_LENGTH_BYTE_ARRAY holds \(lengthDecoder.totalCount) lengths, the page needs \(count)")
        }
        let lengths = try lengthDecoder.decodeAll()
        var data = ByteCursor(UnsafeRawBufferPointer(rebasing: bytes[lengthDecoder.cursor.position...]))
        var result = ByteArrays(capacity: count, byteCapacity: data.remaining)
        for i in 0..<count {
            let length = lengths[i]
            guard length >= 0, length <= Int64(data.remaining) else {
                throw ParquetError("DELTA_LENGTH_BYTE_ARRAY value \(i) has length \(length) with \(data.remaining) bytes left")
            }
            result.append(try data.take(Int(length)))
        }
        return result
    }

    /// `maxTotalBytes` caps the output: shared prefixes let a small page expand quadratically.
    static func decodeIncremental(_ bytes: UnsafeRawBufferPointer, count: Int, maxTotalBytes: Int) throws -> ByteArrays {
        var prefixDecoder = try DeltaBinaryPackedDecoder(bytes, maxCount: count)
        guard prefixDecoder.totalCount >= count else {
            throw ParquetError("DELTA_BYTE_ARRAY holds \(prefixDecoder.totalCount) prefix lengths, the page needs \(count)")
        }
        let prefixes = try prefixDecoder.decodeAll()
        let suffixes = try decodeLengthPrefixed(UnsafeRawBufferPointer(rebasing: bytes[prefixDecoder.cursor.position...]), count: count)
        var result = ByteArrays(capacity: count, byteCapacity: suffixes.storage.count)
        var previous: [UInt8] = []
        for i in 0..<count {
            let prefix = prefixes[i]
            guard prefix >= 0, prefix <= Int64(previous.count) else {
                throw ParquetError("DELTA_BYTE_ARRAY value \(i) reuses a prefix of \(prefix) bytes from a \(previous.count)-byte value")
            }
            var value = Array(previous[0..<Int(prefix)])
            suffixes.withValue(i) { value.append(contentsOf: $0) }
            guard value.count <= maxTotalBytes - result.storage.count else {
                throw ParquetError("DELTA_BYTE_ARRAY page expands past the limit of \(maxTotalBytes) bytes")
            }
            value.withUnsafeBytes { result.append($0) }
            previous = value
        }
        return result
    }
}
