/// TensorBoard's event file contents, encoded by hand (no protobuf dependency): `Event`
/// messages (tensorflow/core/util/event.proto) in TFRecord framing.
public enum TensorBoardEvent {
    /// The first event of every file, which TensorBoard checks for.
    public static let fileVersion = "brain.Event:2"

    /// One TFRecord: length (UInt64 LE), masked CRC-32C of the length, data, masked CRC-32C of the data.
    public static func record(_ data: [UInt8]) -> [UInt8] {
        var length: [UInt8] = []
        appendLittleEndian(UInt64(data.count), bytes: 8, to: &length)
        var out = length
        appendLittleEndian(UInt64(CRC32C.masked(length)), bytes: 4, to: &out)
        out += data
        appendLittleEndian(UInt64(CRC32C.masked(data)), bytes: 4, to: &out)
        return out
    }

    /// `Event { wall_time = 1; step = 2; file_version = 3 }`.
    public static func fileVersionEvent(wallTime: Double) -> [UInt8] {
        var out: [UInt8] = []
        appendDouble(field: 1, wallTime, to: &out)
        appendBytes(field: 3, Array(fileVersion.utf8), to: &out)
        return out
    }

    /// `Event { wall_time = 1; step = 2; summary = 5 }` with one `Summary.Value { tag = 1;
    /// simple_value = 2 }` per scalar (TensorBoard stores simple values as float32).
    public static func scalarsEvent(_ scalars: [(tag: String, value: Double)], step: Int64, wallTime: Double) -> [UInt8] {
        var summary: [UInt8] = []
        for (tag, value) in scalars {
            var item: [UInt8] = []
            appendBytes(field: 1, Array(tag.utf8), to: &item)
            appendKey(field: 2, wireType: 5, to: &item)
            appendLittleEndian(UInt64(Float(value).bitPattern), bytes: 4, to: &item)
            appendBytes(field: 1, item, to: &summary)
        }
        var out: [UInt8] = []
        appendDouble(field: 1, wallTime, to: &out)
        appendKey(field: 2, wireType: 0, to: &out)
        appendVarint(UInt64(bitPattern: step), to: &out)
        appendBytes(field: 5, summary, to: &out)
        return out
    }

    // MARK: - Protobuf wire format

    static func appendKey(field: Int, wireType: UInt64, to out: inout [UInt8]) {
        appendVarint(UInt64(field) << 3 | wireType, to: &out)
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func appendDouble(field: Int, _ value: Double, to out: inout [UInt8]) {
        appendKey(field: field, wireType: 1, to: &out)
        appendLittleEndian(value.bitPattern, bytes: 8, to: &out)
    }

    /// Length-delimited: strings and embedded messages.
    static func appendBytes(field: Int, _ bytes: [UInt8], to out: inout [UInt8]) {
        appendKey(field: field, wireType: 2, to: &out)
        appendVarint(UInt64(bytes.count), to: &out)
        out += bytes
    }

    static func appendLittleEndian(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
        for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }
}
