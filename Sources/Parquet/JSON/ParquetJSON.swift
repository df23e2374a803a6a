/// Writes rows as JSON lines, the output of `pref cat` and the form the tests compare with
/// pyarrow. The convention (the fixtures script applies the same one to `to_pylist()`):
///
/// - records are objects with fields in schema order; lists are arrays; a MAP is an array of
///   `[key, value]` pairs (pyarrow's list of tuples);
/// - integers are exact, including UINT64 above 2^63;
/// - floats print the shortest text that reads back as the same Double (FLOAT and FLOAT16
///   are widened first, as Python does); NaN, Infinity and -Infinity have no JSON spelling
///   and are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`;
/// - strings are UTF-8 with only `"`, `\` and control characters escaped (Python's
///   `json.dumps(ensure_ascii=False)`); binary values print as a string when they are valid
///   UTF-8 and as standard padded base64 when they are not;
/// - DECIMAL is a string in fixed-point form with `scale` fraction digits (`"-12.50"`);
/// - DATE is `"YYYY-MM-DD"`, TIME `"HH:MM:SS.fff"` and TIMESTAMP `"YYYY-MM-DDTHH:MM:SS.fff"`
///   with 3, 6 or 9 fraction digits for milli-, micro- and nanoseconds, and a trailing `Z`
///   when the column is adjusted to UTC.
///
/// Output is compact: no spaces after `,` or `:`.
public enum ParquetJSON {
    /// Appends the row and a newline.
    public static func appendLine(_ record: ParquetRecord, to out: inout [UInt8]) {
        appendRecord(record, to: &out)
        out.append(0x0A)
    }

    /// The row as one JSON line, without the newline.
    public static func line(_ record: ParquetRecord) -> String {
        var out: [UInt8] = []
        appendRecord(record, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func appendValue(_ value: ParquetValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): appendInteger(i, to: &out)
        case .uint(let u): appendUnsigned(u, to: &out)
        case .float(let f): appendDouble(Double(f), to: &out)
        case .double(let d): appendDouble(d, to: &out)
        case .string(let s): appendString(s, to: &out)
        case .bytes(let bytes): appendBytes(bytes, to: &out)
        case .decimal(let d): appendQuoted(d.description, to: &out)
        case .date(let days):
            out.append(UInt8(ascii: "\""))
            Temporal.appendDate(days: Int64(days), to: &out)
            out.append(UInt8(ascii: "\""))
        case .time(let ticks, let unit):
            out.append(UInt8(ascii: "\""))
            Temporal.appendTimeOfDay(ticks, unit: unit, to: &out)
            out.append(UInt8(ascii: "\""))
        case .timestamp(let ticks, let unit, let utc):
            out.append(UInt8(ascii: "\""))
            Temporal.appendTimestamp(ticks, unit: unit, utc: utc, to: &out)
            out.append(UInt8(ascii: "\""))
        case .list(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .record(let record): appendRecord(record, to: &out)
        case .map(let entries):
            out.append(UInt8(ascii: "["))
            for (i, entry) in entries.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "["))
                appendValue(entry.key, to: &out)
                out.append(UInt8(ascii: ","))
                appendValue(entry.value, to: &out)
                out.append(UInt8(ascii: "]"))
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    public static func appendRecord(_ record: ParquetRecord, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, field) in record.fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(field.name, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(field.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    // MARK: - Scalars

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendUnsigned(value.magnitude, to: &out)
    }

    static func appendUnsigned(_ value: UInt64, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var v = value, n = 0
            repeat {
                digits[19 - n] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                n += 1
            } while v > 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[(20 - n)...]))
        }
    }

    static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        if d.isNaN { out.append(contentsOf: #""NaN""#.utf8); return }
        if d.isInfinite { out.append(contentsOf: (d < 0 ? #""-Infinity""# : #""Infinity""#).utf8); return }
        // Swift's description is the shortest round-trip form, spelled like Python's repr.
        out.append(contentsOf: d.description.utf8)
    }

    static func appendQuoted(_ ascii: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: ascii.utf8)
        out.append(UInt8(ascii: "\""))
    }

    static func appendBytes(_ bytes: [UInt8], to out: inout [UInt8]) {
        if let text = String(validating: bytes, as: UTF8.self) {
            appendString(text, to: &out)
        } else {
            out.append(UInt8(ascii: "\""))
            Base64.append(bytes, to: &out)
            out.append(UInt8(ascii: "\""))
        }
    }

    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendEscaped($0, to: &out) }
    }

    /// Whether a byte must be escaped inside a JSON string: control characters, `"` and `\`.
    private static let needsEscape: [Bool] = (0..<256).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }

    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        guard let base = bytes.baseAddress else {
            out.append(UInt8(ascii: "\""))
            return
        }
        needsEscape.withUnsafeBufferPointer { table in
            var runStart = 0
            var i = 0
            let count = bytes.count
            while i < count {
                // Skip eight clean bytes at a time; most text has nothing to escape.
                if i + 8 <= count, !Self.wordNeedsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                    i += 8
                    continue
                }
                let byte = base[i]
                if table[Int(byte)] {
                    if runStart < i { out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart)) }
                    appendEscape(for: byte, to: &out)
                    runStart = i + 1
                }
                i += 1
            }
            if runStart < count { out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: count - runStart)) }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether any byte of the word is below 0x20, `"` or `\` (exact SWAR tests).
    @inline(__always)
    private static func wordNeedsEscape(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (w &- ones &* 0x20) & ~w & highs
        let quote = ((w ^ (ones &* 0x22)) &- ones) & ~(w ^ (ones &* 0x22)) & highs
        let backslash = ((w ^ (ones &* 0x5C)) &- ones) & ~(w ^ (ones &* 0x5C)) & highs
        return control | quote | backslash != 0
    }

    private static func appendEscape(for byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}

enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func append(_ bytes: [UInt8], to out: inout [UInt8]) {
        var i = 0
        while i + 3 <= bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(alphabet[Int(v & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let v = UInt32(bytes[i]) << 16
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(contentsOf: "==".utf8)
        } else if rest == 2 {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(alphabet[Int(v >> 18 & 63)]); out.append(alphabet[Int(v >> 12 & 63)])
            out.append(alphabet[Int(v >> 6 & 63)]); out.append(UInt8(ascii: "="))
        }
    }
}
