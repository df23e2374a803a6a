#if !_endian(little)
#error("the Parquet decoders assume a little-endian host")
#endif

/// PLAIN encoding: fixed-width little-endian values, bit-packed booleans, and
/// length-prefixed byte arrays.
enum PlainDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, type: PhysicalType, typeLength: Int, count: Int) throws -> PhysicalValues {
        var cursor = ByteCursor(bytes)
        switch type {
        case .boolean:
            let data = try cursor.take((count + 7) / 8)
            var values = [Bool](repeating: false, count: count)
            for i in 0..<count { values[i] = data[i >> 3] >> UInt8(i & 7) & 1 == 1 }
            return .boolean(values)
        case .int32: return .int32(try fixedWidth(&cursor, count: count))
        case .int64: return .int64(try fixedWidth(&cursor, count: count))
        case .float: return .float(try fixedWidth(&cursor, count: count))
        case .double: return .double(try fixedWidth(&cursor, count: count))
        case .int96:
            let data = try cursor.take(try byteCount(count, width: 12))
            var values: [(nanos: Int64, julianDay: Int32)] = []
            values.reserveCapacity(count)
            for i in 0..<count {
                values.append((data.loadUnaligned(fromByteOffset: i * 12, as: Int64.self),
                               data.loadUnaligned(fromByteOffset: i * 12 + 8, as: Int32.self)))
            }
            return .int96(values)
        case .fixedLenByteArray:
            let data = try cursor.take(try byteCount(count, width: typeLength))
            var values = ByteArrays(capacity: count, byteCapacity: data.count)
            values.storage.append(contentsOf: data)
            for i in 0..<count { values.offsets.append((i + 1) * typeLength) }
            return .bytes(values)
        case .byteArray:
            // Each value needs at least its 4-byte length: bound the count before reserving.
            guard count <= cursor.remaining / 4 else {
                throw cursor.error("\(count) BYTE_ARRAY values cannot fit in \(cursor.remaining) bytes")
            }
            var values = ByteArrays(capacity: count, byteCapacity: cursor.remaining - 4 * count)
            for _ in 0..<count {
                let length = Int(try cursor.readUInt32LE())
                values.append(try cursor.take(length))
            }
            return .bytes(values)
        }
    }

    static func byteCount(_ count: Int, width: Int) throws -> Int {
        let (n, overflow) = count.multipliedReportingOverflow(by: width)
        guard !overflow else { throw ParquetError("\(count) values of \(width) bytes overflow") }
        return n
    }

    private static func fixedWidth<T>(_ cursor: inout ByteCursor, count: Int) throws -> [T] {
        let data = try cursor.take(try byteCount(count, width: MemoryLayout<T>.size))
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: data)
            initialized = count
        }
    }
}

/// BYTE_STREAM_SPLIT: byte k of every value is stored in stream k.
enum ByteStreamSplitDecoder {
    static func decode(_ bytes: UnsafeRawBufferPointer, type: PhysicalType, typeLength: Int, count: Int) throws -> PhysicalValues {
        let width: Int
        switch type {
        case .int32, .float: width = 4
        case .int64, .double: width = 8
        case .fixedLenByteArray: width = typeLength
        default: throw ParquetError("BYTE_STREAM_SPLIT is not defined for \(type)")
        }
        let total = try PlainDecoder.byteCount(count, width: width)
        guard total <= bytes.count else {
            throw ParquetError("BYTE_STREAM_SPLIT needs \(total) bytes for \(count) values, the page has \(bytes.count)")
        }
        // Streams are `bytes.count / width` long: the page's value count includes no nulls.
        let stride = bytes.count / width
        var interleaved = [UInt8](repeating: 0, count: total)
        for k in 0..<width {
            for i in 0..<count { interleaved[i * width + k] = bytes[k * stride + i] }
        }
        return try interleaved.withUnsafeBytes { try PlainDecoder.decode($0, type: type, typeLength: typeLength, count: count) }
    }
}
