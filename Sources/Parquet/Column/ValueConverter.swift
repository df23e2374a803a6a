/// Turns a leaf column's physical values into `ParquetValue`s according to its logical
/// (or legacy converted) type, the way pyarrow maps Parquet types to Arrow types.
struct ValueConverter {
    enum Kind {
        case boolean
        case signed, unsigned
        case float, double, float16
        case text, binary, uuid
        case decimal(scale: Int32, precision: Int32)
        case date
        case time(TimeUnit)
        case timestamp(TimeUnit, utc: Bool)
        case int96Timestamp
        case null
    }

    let kind: Kind
    let physicalType: PhysicalType

    /// Decimal text is built digit by digit: bound the work a hostile annotation can ask for.
    static let maxDecimalBytes = 64
    static let maxDecimalScale: Int32 = 1000

    init(_ element: SchemaElement) throws {
        let physical = element.physicalType ?? .int32
        physicalType = physical
        kind = Self.kind(for: element, physical: physical)
        if case .decimal(let scale, _) = kind, abs(Int64(scale)) > Int64(Self.maxDecimalScale) {
            throw ParquetError("DECIMAL scale \(scale) is out of range")
        }
    }

    static func kind(for element: SchemaElement, physical: PhysicalType) -> Kind {
        switch element.logicalType {
        case .string?, .enumeration?, .json?: if physical == .byteArray { return .text }
        case .uuid?: if physical == .fixedLenByteArray && element.typeLength == 16 { return .uuid }
        case .float16?: if physical == .fixedLenByteArray && element.typeLength == 2 { return .float16 }
        case .decimal(let scale, let precision)?: return .decimal(scale: scale, precision: precision)
        case .date?: if physical == .int32 { return .date }
        case .time(_, let unit)?: if physical == .int32 || physical == .int64 { return .time(unit) }
        case .timestamp(let utc, let unit)?: if physical == .int64 { return .timestamp(unit, utc: utc) }
        case .integer(_, let signed)?: if physical == .int32 || physical == .int64 { return signed ? .signed : .unsigned }
        case .unknown?: return .null
        default: break
        }
        switch element.convertedType {
        case .utf8?, .enumeration?, .json?: if physical == .byteArray { return .text }
        case .decimal?: return .decimal(scale: element.scale ?? 0, precision: element.precision ?? 0)
        case .date?: if physical == .int32 { return .date }
        case .timeMillis?: if physical == .int32 { return .time(.millis) }
        case .timeMicros?: if physical == .int64 { return .time(.micros) }
        case .timestampMillis?: if physical == .int64 { return .timestamp(.millis, utc: true) }
        case .timestampMicros?: if physical == .int64 { return .timestamp(.micros, utc: true) }
        case .uint8?, .uint16?, .uint32?, .uint64?: if physical == .int32 || physical == .int64 { return .unsigned }
        default: break
        }
        switch physical {
        case .boolean: return .boolean
        case .int32, .int64: return .signed
        case .int96: return .int96Timestamp
        case .float: return .float
        case .double: return .double
        case .byteArray, .fixedLenByteArray: return .binary
        }
    }

    func convert(_ values: PhysicalValues, into out: inout [ParquetValue]) throws {
        out.reserveCapacity(out.count + values.count)
        switch values {
        case .boolean(let v):
            for b in v { out.append(.bool(b)) }
        case .int32(let v):
            switch kind {
            case .unsigned: for x in v { out.append(.int(Int64(UInt32(bitPattern: x)))) }
            case .date: for x in v { out.append(.date(x)) }
            case .time(let unit): for x in v { out.append(.time(Int64(x), unit: unit)) }
            case .decimal(let scale, let precision):
                for x in v { out.append(.decimal(ParquetDecimal(unscaled: Int64(x), scale: scale, precision: precision))) }
            case .null: for _ in v { out.append(.null) }
            default: for x in v { out.append(.int(Int64(x))) }
            }
        case .int64(let v):
            switch kind {
            case .unsigned: for x in v { out.append(.uint(UInt64(bitPattern: x))) }
            case .time(let unit): for x in v { out.append(.time(x, unit: unit)) }
            case .timestamp(let unit, let utc): for x in v { out.append(.timestamp(x, unit: unit, utc: utc)) }
            case .decimal(let scale, let precision):
                for x in v { out.append(.decimal(ParquetDecimal(unscaled: x, scale: scale, precision: precision))) }
            case .null: for _ in v { out.append(.null) }
            default: for x in v { out.append(.int(x)) }
            }
        case .int96(let v):
            // Julian day 2440588 is 1970-01-01.
            for x in v {
                let days = Int64(x.julianDay) - 2_440_588
                let (nanosOfDays, o1) = days.multipliedReportingOverflow(by: 86_400_000_000_000)
                let (total, o2) = nanosOfDays.addingReportingOverflow(x.nanos)
                guard !o1, !o2 else { throw ParquetError("INT96 timestamp (Julian day \(x.julianDay)) is out of range") }
                out.append(.timestamp(total, unit: .nanos, utc: false))
            }
        case .float(let v):
            for x in v { out.append(.float(x)) }
        case .double(let v):
            for x in v { out.append(.double(x)) }
        case .bytes(let arrays):
            try convertBytes(arrays, into: &out)
        }
    }

    private func convertBytes(_ arrays: ByteArrays, into out: inout [ParquetValue]) throws {
        try arrays.storage.withUnsafeBufferPointer { storage in
            try arrays.offsets.withUnsafeBufferPointer { offsets in
                for i in 0..<(offsets.count - 1) {
                    let value = UnsafeBufferPointer(rebasing: storage[offsets[i]..<offsets[i + 1]])
                    out.append(try convert(bytes: value))
                }
            }
        }
    }

    /// PLAIN BYTE_ARRAY values straight from the page (4-byte length, then the bytes),
    /// without an intermediate copy: the hot path for text columns.
    func convertPlainByteArrays(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [ParquetValue]) throws {
        var cursor = ByteCursor(bytes)
        guard count <= cursor.remaining / 4 else {
            throw cursor.error("\(count) BYTE_ARRAY values cannot fit in \(cursor.remaining) bytes")
        }
        out.reserveCapacity(out.count + count)
        for _ in 0..<count {
            let length = Int(try cursor.readUInt32LE())
            let value = try cursor.take(length)
            out.append(try convert(bytes: value.assumingMemoryBound(to: UInt8.self)))
        }
    }

    private func convert(bytes: UnsafeBufferPointer<UInt8>) throws -> ParquetValue {
        switch kind {
        case .text:
            if let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
            return .bytes(Array(bytes))
        case .decimal(let scale, let precision):
            guard bytes.count <= Self.maxDecimalBytes else {
                throw ParquetError("DECIMAL value of \(bytes.count) bytes exceeds \(Self.maxDecimalBytes)")
            }
            return .decimal(ParquetDecimal(unscaledBigEndian: Array(bytes), scale: scale, precision: precision))
        case .float16:
            let bits = UInt16(bytes[0]) | UInt16(bytes[1]) << 8
            return .float(Float(Float16(bitPattern: bits)))
        case .uuid:
            return .string(Self.uuidText(bytes))
        case .null:
            return .null
        default:
            return .bytes(Array(bytes))
        }
    }

    static func uuidText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(b >> 4)])
            text.append(hex[Int(b & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
