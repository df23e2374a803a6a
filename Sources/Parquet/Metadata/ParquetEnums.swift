/// Parquet's physical storage types (parquet.thrift `Type`).
public enum PhysicalType: Int32, Sendable, CustomStringConvertible {
    case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7

    public var description: String {
        switch self {
        case .boolean: "BOOLEAN"
        case .int32: "INT32"
        case .int64: "INT64"
        case .int96: "INT96"
        case .float: "FLOAT"
        case .double: "DOUBLE"
        case .byteArray: "BYTE_ARRAY"
        case .fixedLenByteArray: "FIXED_LEN_BYTE_ARRAY"
        }
    }
}

public enum Repetition: Int32, Sendable {
    case required = 0, optional = 1, repeated = 2
}

/// The legacy `ConvertedType` annotation; still the only annotation in files from old writers.
public enum ConvertedType: Int32, Sendable {
    case utf8 = 0, map = 1, mapKeyValue = 2, list = 3, enumeration = 4, decimal = 5, date = 6
    case timeMillis = 7, timeMicros = 8, timestampMillis = 9, timestampMicros = 10
    case uint8 = 11, uint16 = 12, uint32 = 13, uint64 = 14, int8 = 15, int16 = 16, int32 = 17, int64 = 18
    case json = 19, bson = 20, interval = 21
}

public enum TimeUnit: Sendable, Equatable {
    case millis, micros, nanos

    /// Ticks per second.
    var perSecond: Int64 {
        switch self {
        case .millis: 1_000
        case .micros: 1_000_000
        case .nanos: 1_000_000_000
        }
    }

    var fractionDigits: Int {
        switch self {
        case .millis: 3
        case .micros: 6
        case .nanos: 9
        }
    }
}

/// The `LogicalType` annotation (parquet.thrift union), with the variants a reader acts on.
public enum LogicalType: Sendable, Equatable {
    case string, map, list, enumeration, json, bson, uuid, float16, unknown
    case decimal(scale: Int32, precision: Int32)
    case date
    case time(utc: Bool, unit: TimeUnit)
    case timestamp(utc: Bool, unit: TimeUnit)
    case integer(bitWidth: Int8, signed: Bool)
    /// Variants this reader does not interpret (VARIANT, GEOMETRY, …): the column is read by
    /// its physical type.
    case other(id: Int16)
}

/// Value and level encodings (parquet.thrift `Encoding`).
struct Encoding: RawRepresentable, Equatable, Sendable, CustomStringConvertible {
    let rawValue: Int32
    static let plain = Encoding(rawValue: 0)
    static let plainDictionary = Encoding(rawValue: 2)
    static let rle = Encoding(rawValue: 3)
    static let bitPacked = Encoding(rawValue: 4)
    static let deltaBinaryPacked = Encoding(rawValue: 5)
    static let deltaLengthByteArray = Encoding(rawValue: 6)
    static let deltaByteArray = Encoding(rawValue: 7)
    static let rleDictionary = Encoding(rawValue: 8)
    static let byteStreamSplit = Encoding(rawValue: 9)

    var description: String {
        switch rawValue {
        case 0: "PLAIN"
        case 2: "PLAIN_DICTIONARY"
        case 3: "RLE"
        case 4: "BIT_PACKED"
        case 5: "DELTA_BINARY_PACKED"
        case 6: "DELTA_LENGTH_BYTE_ARRAY"
        case 7: "DELTA_BYTE_ARRAY"
        case 8: "RLE_DICTIONARY"
        case 9: "BYTE_STREAM_SPLIT"
        default: "encoding #\(rawValue)"
        }
    }
}

/// Page compression codecs (parquet.thrift `CompressionCodec`).
public struct CompressionCodec: RawRepresentable, Equatable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let uncompressed = CompressionCodec(rawValue: 0)
    public static let snappy = CompressionCodec(rawValue: 1)
    public static let gzip = CompressionCodec(rawValue: 2)
    public static let lzo = CompressionCodec(rawValue: 3)
    public static let brotli = CompressionCodec(rawValue: 4)
    public static let lz4 = CompressionCodec(rawValue: 5)
    public static let zstd = CompressionCodec(rawValue: 6)
    public static let lz4Raw = CompressionCodec(rawValue: 7)

    public var description: String {
        switch rawValue {
        case 0: "UNCOMPRESSED"
        case 1: "SNAPPY"
        case 2: "GZIP"
        case 3: "LZO"
        case 4: "BROTLI"
        case 5: "LZ4"
        case 6: "ZSTD"
        case 7: "LZ4_RAW"
        default: "codec #\(rawValue)"
        }
    }
}

enum PageType: Int32 {
    case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
}
