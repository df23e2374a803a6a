/// Decoded non-null values of one page (or dictionary) in their physical form, before they
/// become `ParquetValue`s.
enum PhysicalValues {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    /// INT96 as (nanoseconds of day, Julian day), the only layout writers use.
    case int96([(nanos: Int64, julianDay: Int32)])
    case float([Float])
    case double([Double])
    case bytes(ByteArrays)

    var count: Int {
        switch self {
        case .boolean(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .int96(let v): v.count
        case .float(let v): v.count
        case .double(let v): v.count
        case .bytes(let v): v.count
        }
    }
}
