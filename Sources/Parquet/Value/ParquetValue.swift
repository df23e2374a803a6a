/// One value read from a Parquet file, shaped like pyarrow's `to_pylist()`: logical types
/// keep their meaning (a DATE is a date, not an Int32) and nested data is nested.
/// `ParquetJSON` prints it; see there for the JSON spelling of each case.
public enum ParquetValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Signed integers of every width, and unsigned ones up to 32 bits.
    case int(Int64)
    /// UINT_64 / INT(64, false).
    case uint(UInt64)
    /// FLOAT, and FLOAT16 widened exactly to Float.
    case float(Float)
    case double(Double)
    /// STRING / UTF8 / ENUM / JSON columns whose bytes are valid UTF-8.
    case string(String)
    /// Binary data, and text columns whose bytes are not valid UTF-8.
    case bytes([UInt8])
    case decimal(ParquetDecimal)
    /// Days since 1970-01-01.
    case date(Int32)
    /// Time of day in `unit`s since midnight.
    case time(Int64, unit: TimeUnit)
    /// `unit`s since 1970-01-01T00:00:00; `utc` when the column is adjusted to UTC.
    case timestamp(Int64, unit: TimeUnit, utc: Bool)
    case list([ParquetValue])
    case record(ParquetRecord)
    /// MAP columns: entries in file order (keys may repeat, as pyarrow allows).
    case map([ParquetMapEntry])

    public var isNull: Bool { if case .null = self { true } else { false } }
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var listValue: [ParquetValue]? { if case .list(let l) = self { l } else { nil } }
    public var recordValue: ParquetRecord? { if case .record(let r) = self { r } else { nil } }

    public var int64Value: Int64? {
        switch self {
        case .int(let i): i
        case .uint(let u): Int64(exactly: u)
        default: nil
        }
    }

    /// The numeric value of an integer, float or double.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .uint(let u): Double(u)
        case .float(let f): Double(f)
        case .double(let d): d
        default: nil
        }
    }

    /// Field lookup on records; nil for other values or absent names.
    public subscript(name: String) -> ParquetValue? { recordValue?[name] }
}

/// A row, or a struct value: fields in schema order.
public struct ParquetRecord: Sendable, Equatable {
    public var fields: [ParquetField]

    public init(_ fields: [ParquetField] = []) { self.fields = fields }

    public var names: [String] { fields.map(\.name) }

    /// The first field with this name (linear: records have a handful of fields).
    public subscript(name: String) -> ParquetValue? {
        for field in fields where field.name == name { return field.value }
        return nil
    }
}

public struct ParquetField: Sendable, Equatable {
    public var name: String
    public var value: ParquetValue
    public init(name: String, value: ParquetValue) {
        self.name = name
        self.value = value
    }
}

public struct ParquetMapEntry: Sendable, Equatable {
    public var key: ParquetValue
    public var value: ParquetValue
    public init(key: ParquetValue, value: ParquetValue) {
        self.key = key
        self.value = value
    }
}
