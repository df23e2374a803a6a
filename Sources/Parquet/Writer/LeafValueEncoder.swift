/// Turns a `ParquetValue` into the PLAIN bytes of a leaf column's physical type: the
/// inverse of `ValueConverter`, accepting exactly the value cases the reader produces for
/// that column (so rows read from a file write back unchanged), and naming the mismatch
/// otherwise.
struct LeafValueEncoder {
    let kind: ValueConverter.Kind
    let physicalType: PhysicalType
    let typeLength: Int
    /// The integer range the column's annotation allows.
    private let integerRange: ClosedRange<Int64>

    init(_ element: SchemaElement) {
        let physical = element.physicalType ?? .int32
        physicalType = physical
        typeLength = Int(element.typeLength ?? 0)
        kind = ValueConverter.kind(for: element, physical: physical)
        var bits = physical == .int32 ? 32 : 64
        if case .integer(let width, _)? = element.logicalType, (8...64).contains(Int(width)) { bits = Int(width) }
        switch element.convertedType {
        case .int8?, .uint8?: bits = 8
        case .int16?, .uint16?: bits = 16
        default: break
        }
        if case .unsigned = kind {
            integerRange = 0...(bits >= 64 ? Int64.max : (Int64(1) << Int64(bits)) - 1)
        } else {
            integerRange = bits >= 64 ? Int64.min...Int64.max : -(Int64(1) << Int64(bits - 1))...((Int64(1) << Int64(bits - 1)) - 1)
        }
    }

    func append(_ value: ParquetValue, to out: inout LeafValues) throws(ShreddingError) {
        switch (physicalType, value) {
        case (.boolean, .bool(let b)):
            out.append(CollectionOfOne(b ? 1 : 0))
        case (.int32, _), (.int64, _):
            let v = try integer(value)
            if physicalType == .int32 { out.appendLittleEndian(Int32(truncatingIfNeeded: v)) } else { out.appendLittleEndian(v) }
        case (.int96, .timestamp(let ticks, let unit, _)):
            let (nanos, overflow) = ticks.multipliedReportingOverflow(by: TimeUnit.nanos.perSecond / unit.perSecond)
            guard !overflow else { throw mismatch(value, "a timestamp an INT96 column can hold") }
            let day: Int64 = 86_400_000_000_000
            let days = nanos.dividedRoundingDown(by: day)
            // Nanoseconds of the day, then the Julian day (2440588 is 1970-01-01), which
            // completes the value.
            withUnsafeBytes(of: (nanos - days * day).littleEndian) { out.bytes.append(contentsOf: $0) }
            out.appendLittleEndian(Int32(truncatingIfNeeded: days + 2_440_588))
        case (.float, .float(let f)):
            out.appendLittleEndian(f.bitPattern)
        case (.double, .double(let d)):
            out.appendLittleEndian(d.bitPattern)
        case (.byteArray, _), (.fixedLenByteArray, _):
            try appendBytes(value, to: &out)
        default:
            throw mismatch(value, expected)
        }
    }

    private func integer(_ value: ParquetValue) throws(ShreddingError) -> Int64 {
        let v: Int64
        switch (kind, value) {
        case (.signed, .int(let i)), (.unsigned, .int(let i)): v = i
        case (.unsigned, .uint(let u)):
            // UINT_64 stores the bit pattern.
            guard physicalType == .int64 else { throw mismatch(value, "an integer in \(integerRange)") }
            return Int64(bitPattern: u)
        case (.date, .date(let days)): return Int64(days)
        case (.time(let unit), .time(let ticks, let valueUnit)) where unit == valueUnit: v = ticks
        case (.timestamp(let unit, _), .timestamp(let ticks, let valueUnit, _)) where unit == valueUnit: return ticks
        case (.decimal(let scale, _), .decimal(let d)) where d.scale == scale:
            guard let unscaled = Self.unscaled(d.unscaledBigEndian, width: physicalType == .int32 ? 4 : 8) else {
                throw mismatch(value, "a decimal that fits in \(physicalType)")
            }
            return unscaled
        default:
            throw mismatch(value, expected)
        }
        guard integerRange.contains(v) else { throw mismatch(value, "an integer in \(integerRange)") }
        return v
    }

    private func appendBytes(_ value: ParquetValue, to out: inout LeafValues) throws(ShreddingError) {
        switch (kind, value) {
        case (.text, .string(let s)), (.binary, .string(let s)):
            try appendSized(s.utf8, value, to: &out)
        case (.text, .bytes(let b)), (.binary, .bytes(let b)):
            try appendSized(b, value, to: &out)
        case (.decimal(let scale, _), .decimal(let d)) where d.scale == scale:
            if physicalType == .byteArray { out.append(d.unscaledBigEndian); return }
            guard let resized = Self.resized(d.unscaledBigEndian, to: typeLength) else {
                throw mismatch(value, "a decimal that fits in \(typeLength) bytes")
            }
            out.append(resized)
        case (.float16, .float(let f)):
            out.appendLittleEndian(Float16(f).bitPattern)
        case (.uuid, .string(let s)):
            guard let bytes = Self.uuidBytes(s) else { throw mismatch(value, "a UUID in 8-4-4-4-12 hexadecimal form") }
            out.append(bytes)
        default:
            throw mismatch(value, expected)
        }
    }

    private func appendSized(_ bytes: some Collection<UInt8>, _ value: ParquetValue, to out: inout LeafValues) throws(ShreddingError) {
        guard physicalType == .byteArray || bytes.count == typeLength else {
            throw mismatch(value, "exactly \(typeLength) bytes")
        }
        guard bytes.count <= Int(Int32.max) else { throw mismatch(value, "a value under 2 GiB") }
        out.append(bytes)
    }

    /// A big-endian two's-complement integer sign-extended or narrowed to `width` bytes;
    /// nil when it does not fit.
    static func resized(_ bytes: [UInt8], to width: Int) -> [UInt8]? {
        let negative = (bytes.first ?? 0) & 0x80 != 0
        let fill: UInt8 = negative ? 0xFF : 0
        if bytes.count <= width { return [UInt8](repeating: fill, count: width - bytes.count) + bytes }
        let dropped = bytes.count - width
        guard bytes[..<dropped].allSatisfy({ $0 == fill }), (bytes[dropped] & 0x80 != 0) == negative else { return nil }
        return Array(bytes[dropped...])
    }

    static func unscaled(_ bytes: [UInt8], width: Int) -> Int64? {
        guard let fitted = resized(bytes, to: width) else { return nil }
        var v: Int64 = fitted[0] & 0x80 != 0 ? -1 : 0
        for b in fitted { v = v << 8 | Int64(b) }
        return v
    }

    static func uuidBytes(_ text: String) -> [UInt8]? {
        let hex = text.utf8.filter { $0 != UInt8(ascii: "-") }
        guard text.utf8.count == 36, hex.count == 32 else { return nil }
        var bytes: [UInt8] = []
        var high: UInt8?
        for c in hex {
            guard let nibble = Int(String(UnicodeScalar(c)), radix: 16) else { return nil }
            if let h = high { bytes.append(h << 4 | UInt8(nibble)); high = nil } else { high = UInt8(nibble) }
        }
        return bytes
    }

    /// What the column takes, for error messages.
    private var expected: String {
        switch kind {
        case .boolean: "a bool"
        case .signed, .unsigned: "an integer in \(integerRange)"
        case .float: "a float"
        case .double: "a double"
        case .float16: "a float (stored as FLOAT16)"
        case .text: "a string"
        case .binary: physicalType == .fixedLenByteArray ? "bytes (exactly \(typeLength))" : "bytes or a string"
        case .uuid: "a UUID string"
        case .decimal(let scale, _): "a decimal of scale \(scale)"
        case .date: "a date"
        case .time(let unit): "a time in \(unit)"
        case .timestamp(let unit, _): "a timestamp in \(unit)"
        case .int96Timestamp: "a timestamp"
        case .null: "null (the column's type is NULL)"
        }
    }

    private func mismatch(_ value: ParquetValue, _ expected: String) -> ShreddingError {
        ShreddingError("expected \(expected), got \(value.caseDescription)")
    }
}

extension Int64 {
    /// Floor division (rounds toward negative infinity, unlike `/`).
    fileprivate func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}

extension ParquetValue {
    /// A short description of a value for error messages: its case and a prefix of it.
    var caseDescription: String {
        let text = "\(self)"
        return text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}
