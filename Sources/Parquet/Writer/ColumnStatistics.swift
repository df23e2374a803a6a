#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A column chunk's statistics (parquet.thrift `Statistics`): the null count, and the
/// minimum and maximum in the column's sort order as PLAIN bytes (BYTE_ARRAY without its
/// length), exact — never truncated, left out instead when too long.
struct ColumnStatistics {
    var nullCount: Int64
    var min: [UInt8]?
    var max: [UInt8]?

    /// How a column's values sort (LogicalTypes.md, "Sort order"); nil where the order is
    /// undefined or unsupported here (INT96, FLOAT16, variable-width decimals), so only the
    /// null count is written.
    enum Order {
        case signed32, signed64, unsigned32, unsigned64, float, double, boolean
        case unsignedBytes
        /// Fixed-width big-endian two's complement (decimals).
        case signedBytes

        init?(_ kind: ValueConverter.Kind, physical: PhysicalType) {
            switch (physical, kind) {
            case (.boolean, _): self = .boolean
            case (.int32, .unsigned): self = .unsigned32
            case (.int64, .unsigned): self = .unsigned64
            case (.int32, _): self = .signed32
            case (.int64, _): self = .signed64
            case (.float, _): self = .float
            case (.double, _): self = .double
            case (.fixedLenByteArray, .decimal): self = .signedBytes
            case (.byteArray, .decimal), (.int96, _), (.fixedLenByteArray, .float16): return nil
            case (.byteArray, _), (.fixedLenByteArray, _): self = .unsignedBytes
            }
        }
    }

    /// Min and max are left out when either is longer than `maxSize` bytes.
    init(_ values: LeafValues, nullCount: Int, order: Order?, maxSize: Int) {
        self.nullCount = Int64(nullCount)
        guard let order, values.count > 0 else { return }
        let extremes: (min: Int, max: Int)? = values.bytes.withUnsafeBytes { raw in
            switch order {
            case .boolean: Self.extremes(raw, count: values.count, as: UInt8.self, by: <)
            case .signed32: Self.extremes(raw, count: values.count, as: Int32.self, by: <)
            case .signed64: Self.extremes(raw, count: values.count, as: Int64.self, by: <)
            case .unsigned32: Self.extremes(raw, count: values.count, as: UInt32.self, by: <)
            case .unsigned64: Self.extremes(raw, count: values.count, as: UInt64.self, by: <)
            // NaN is left out of floating-point statistics.
            case .float: Self.extremes(raw, count: values.count, as: Float.self, by: <, skip: { $0.isNaN })
            case .double: Self.extremes(raw, count: values.count, as: Double.self, by: <, skip: { $0.isNaN })
            case .unsignedBytes, .signedBytes: Self.byteExtremes(raw, values: values, signed: order == .signedBytes)
            }
        }
        guard let extremes, values.range(extremes.min).count <= maxSize, values.range(extremes.max).count <= maxSize else { return }
        var low = Array(values.bytes[values.range(extremes.min)])
        var high = Array(values.bytes[values.range(extremes.max)])
        // A zero minimum is written as -0 and a zero maximum as +0 (the spec's rule, so readers
        // that compare bit patterns still bracket both zeros).
        if order == .float {
            if Self.load(low, as: Float.self) == 0 { low = Self.bytes(of: (-0.0 as Float).bitPattern) }
            if Self.load(high, as: Float.self) == 0 { high = Self.bytes(of: (0.0 as Float).bitPattern) }
        } else if order == .double {
            if Self.load(low, as: Double.self) == 0 { low = Self.bytes(of: (-0.0 as Double).bitPattern) }
            if Self.load(high, as: Double.self) == 0 { high = Self.bytes(of: (0.0 as Double).bitPattern) }
        }
        min = low
        max = high
    }

    /// Indices of the smallest and largest fixed-width value (first occurrence).
    private static func extremes<T>(_ raw: UnsafeRawBufferPointer, count: Int, as type: T.Type, by less: (T, T) -> Bool,
                                    skip: (T) -> Bool = { _ in false }) -> (min: Int, max: Int)? {
        var result: (min: Int, max: Int)?
        var low: T?, high: T?
        for i in 0..<count {
            let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
            if skip(v) { continue }
            guard let l = low, let h = high else { low = v; high = v; result = (i, i); continue }
            if less(v, l) { low = v; result?.min = i }
            if less(h, v) { high = v; result?.max = i }
        }
        return result
    }

    private static func byteExtremes(_ raw: UnsafeRawBufferPointer, values: LeafValues, signed: Bool) -> (min: Int, max: Int)? {
        var low = 0, high = 0
        for i in 1..<values.count {
            if compare(raw, values.range(i), values.range(low), signed: signed) < 0 { low = i }
            if compare(raw, values.range(i), values.range(high), signed: signed) > 0 { high = i }
        }
        return (low, high)
    }

    /// Lexicographic unsigned byte order (a shorter prefix first); with `signed`, equal-width
    /// two's-complement order (the first byte's sign bit flipped).
    private static func compare(_ raw: UnsafeRawBufferPointer, _ a: Range<Int>, _ b: Range<Int>, signed: Bool) -> Int {
        if signed, let x = a.first.map({ raw[$0] ^ 0x80 }), let y = b.first.map({ raw[$0] ^ 0x80 }), x != y {
            return x < y ? -1 : 1
        }
        let common = Swift.min(a.count, b.count)
        if common > 0 {
            let c = memcmp(raw.baseAddress! + a.lowerBound, raw.baseAddress! + b.lowerBound, common)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }

    private static func load<T>(_ bytes: [UInt8], as type: T.Type) -> T {
        bytes.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    private static func bytes<T: FixedWidthInteger>(of value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}
