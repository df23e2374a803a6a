import Foundation
@testable import Parquet

/// Deterministic schemas and rows for the writer tests: every type with nulls, and nested
/// message lists, maps and lists of lists with nulls and empties at each level.
enum WriterSamples {
    static let scalarColumns: [ParquetColumn] = [
        ParquetColumn("bool", .boolean), ParquetColumn("i8", .int8), ParquetColumn("i16", .int16),
        ParquetColumn("i32", .int32), ParquetColumn("i64", .int64, nullable: false), ParquetColumn("u8", .uint8),
        ParquetColumn("u16", .uint16), ParquetColumn("u32", .uint32), ParquetColumn("u64", .uint64),
        ParquetColumn("i96", .int96), ParquetColumn("f32", .float), ParquetColumn("f64", .double),
        ParquetColumn("text", .string), ParquetColumn("bin", .binary), ParquetColumn("fixed", .fixedBinary(length: 3)),
        ParquetColumn("day", .date), ParquetColumn("ts_ms_utc", .timestamp(.millis, utc: true)),
        ParquetColumn("ts_us", .timestamp(.micros, utc: false)), ParquetColumn("ts_ns", .timestamp(.nanos, utc: false)),
        ParquetColumn("dec9", .decimal(precision: 9, scale: 2)), ParquetColumn("dec30", .decimal(precision: 30, scale: 4)),
    ]

    static func scalarRows(_ count: Int, seed: UInt64 = 1) -> [ParquetRecord] {
        var rng = SeededGenerator(state: seed)
        let words = ["", "a", "user", "assistant", "résumé", "日本", "😀", "zz", "a\u{0}b"]
        return (0..<count).map { i in
            func maybe(_ value: ParquetValue) -> ParquetValue { rng.next() % 7 == 0 ? .null : value }
            let r = rng.next()
            return ParquetRecord([
                ParquetField(name: "bool", value: maybe(.bool(r & 1 == 0))),
                ParquetField(name: "i8", value: maybe(.int(Int64(Int8(truncatingIfNeeded: r))))),
                ParquetField(name: "i16", value: maybe(.int(Int64(Int16(truncatingIfNeeded: r >> 8))))),
                ParquetField(name: "i32", value: maybe(.int(Int64(Int32(truncatingIfNeeded: r >> 3))))),
                ParquetField(name: "i64", value: .int(i % 5 == 0 ? Int64.min + Int64(i) : Int64(bitPattern: r))),
                ParquetField(name: "u8", value: maybe(.int(Int64(UInt8(truncatingIfNeeded: r))))),
                ParquetField(name: "u16", value: maybe(.int(Int64(UInt16(truncatingIfNeeded: r))))),
                ParquetField(name: "u32", value: maybe(.int(Int64(UInt32(truncatingIfNeeded: r))))),
                ParquetField(name: "u64", value: maybe(.uint(i % 3 == 0 ? UInt64.max - UInt64(i) : r >> 40))),
                ParquetField(name: "i96", value: maybe(.timestamp(Int64(bitPattern: r) >> 8, unit: .nanos, utc: false))),
                ParquetField(name: "f32", value: maybe(.float(i % 11 == 0 ? -0.0 : Float(Int32(truncatingIfNeeded: r)) / 1024))),
                ParquetField(name: "f64", value: maybe(.double(i % 13 == 0 ? .infinity : Double(Int64(bitPattern: r)) / 3))),
                ParquetField(name: "text", value: maybe(.string(words[Int(r % UInt64(words.count))] + String(i % 17)))),
                ParquetField(name: "bin", value: maybe(.bytes((0..<Int(r % 9)).map { UInt8(truncatingIfNeeded: r >> UInt64($0 * 3)) }))),
                ParquetField(name: "fixed", value: maybe(.bytes([UInt8(i & 0xFF), UInt8(r & 0xFF), 0xFF]))),
                ParquetField(name: "day", value: maybe(.date(Int32(truncatingIfNeeded: r % 100_000) - 50_000))),
                ParquetField(name: "ts_ms_utc", value: maybe(.timestamp(Int64(r % 4_000_000_000_000) - 1_000_000_000_000, unit: .millis, utc: true))),
                ParquetField(name: "ts_us", value: maybe(.timestamp(Int64(r >> 12), unit: .micros, utc: false))),
                ParquetField(name: "ts_ns", value: maybe(.timestamp(-Int64(r >> 3), unit: .nanos, utc: false))),
                ParquetField(name: "dec9", value: maybe(decimal(Int64(Int32(truncatingIfNeeded: r)) % 999_999_999, scale: 2, precision: 9))),
                ParquetField(name: "dec30", value: maybe(decimal(Int64(bitPattern: r), scale: 4, precision: 30))),
            ])
        }
    }

    /// A decimal with the byte width the column stores, so it compares equal when read back.
    static func decimal(_ unscaled: Int64, scale: Int32, precision: Int32) -> ParquetValue {
        let width = ParquetWriterSchema.decimalByteWidth(precision: Int(precision))
        let bytes = LeafValueEncoder.resized(ParquetDecimal(unscaled: unscaled, scale: scale, precision: precision).unscaledBigEndian, to: width)!
        return .decimal(ParquetDecimal(unscaledBigEndian: bytes, scale: scale, precision: precision))
    }

    static let message = ParquetDataType.structure([ParquetColumn("content", .string), ParquetColumn("role", .string)])

    /// ultrafeedback_binarized's columns, plus a map, a list of lists and required nesting.
    static let nestedColumns: [ParquetColumn] = [
        ParquetColumn("prompt", .string), ParquetColumn("prompt_id", .string),
        ParquetColumn("chosen", .list(message)), ParquetColumn("rejected", .list(message)),
        ParquetColumn("messages", .list(message)),
        ParquetColumn("score_chosen", .double), ParquetColumn("score_rejected", .float),
        ParquetColumn("ratings", .map(key: .string, value: .int32)),
        ParquetColumn("grid", .list(.list(.int64, elementNullable: false))),
        ParquetColumn("meta", .structure([
            ParquetColumn("source", .string, nullable: false),
            ParquetColumn("tags", .list(.string, elementNullable: false), nullable: false),
        ]), nullable: false),
    ]

    static func nestedRows(_ count: Int, seed: UInt64 = 2) -> [ParquetRecord] {
        var rng = SeededGenerator(state: seed)
        let words = ["the", "model", "answer", "résumé", "日本", "😀", "please", "explain", "step"]
        func text(_ n: Int) -> String { (0..<n).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ") }
        func msg(_ content: String?, _ role: String?) -> ParquetValue {
            .record(ParquetRecord([ParquetField(name: "content", value: content.map { .string($0) } ?? .null),
                                   ParquetField(name: "role", value: role.map { .string($0) } ?? .null)]))
        }
        return (0..<count).map { i in
            let prompt = text(3 + Int(rng.next() % 20))
            let answer = text(Int(rng.next() % 60))
            var chosen: ParquetValue = .list([msg(prompt, "user"), msg(answer, "assistant")])
            switch i % 9 {
            case 1: chosen = .null
            case 2: chosen = .list([])
            case 3: chosen = .list([.null, msg(nil, "user"), msg("x", nil)])
            default: break
            }
            let ratings: ParquetValue = switch i % 4 {
            case 0: .map([ParquetMapEntry(key: .string("helpfulness"), value: .int(Int64(i % 5))),
                          ParquetMapEntry(key: .string("honesty"), value: .null)])
            case 1: .null
            case 2: .map([])
            default: .map([ParquetMapEntry(key: .string("k\(i)"), value: .int(-1))])
            }
            let grid: ParquetValue = i % 5 == 0 ? .null : .list((0..<(i % 4)).map { j in .list((0..<(j + i) % 3).map { .int(Int64($0 * i)) }) })
            return ParquetRecord([
                ParquetField(name: "prompt", value: i % 10 == 7 ? .null : .string(prompt)),
                ParquetField(name: "prompt_id", value: .string(String(rng.next(), radix: 16))),
                ParquetField(name: "chosen", value: chosen),
                ParquetField(name: "rejected", value: .list([msg(prompt, "user"), msg(text(5), "assistant")])),
                ParquetField(name: "messages", value: .list([msg("You are helpful.", "system"), msg(prompt, "user")])),
                ParquetField(name: "score_chosen", value: .double(Double(rng.next() % 20) / 2)),
                ParquetField(name: "score_rejected", value: i % 6 == 0 ? .null : .float(Float(rng.next() % 10) / 4)),
                ParquetField(name: "ratings", value: ratings),
                ParquetField(name: "grid", value: grid),
                ParquetField(name: "meta", value: .record(ParquetRecord([
                    ParquetField(name: "source", value: .string("row-\(i)")),
                    ParquetField(name: "tags", value: .list((0..<(i % 3)).map { .string("t\($0)") })),
                ]))),
            ])
        }
    }

    /// Writes `rows` and reads every row group back.
    static func roundTrip(_ columns: [ParquetColumn], _ rows: [ParquetRecord], options: ParquetWriterOptions,
                          batch: Int = 97) throws -> (rows: [ParquetRecord], file: ParquetFile) {
        let path = Fixtures.temporaryPath("writer")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(columns, rows, to: path, options: options, batch: batch)
        let file = try ParquetFile(path: path)
        var read: [ParquetRecord] = []
        for group in 0..<file.rowGroupCount { read += try file.readRowGroup(group) }
        return (read, file)
    }

    static func write(_ columns: [ParquetColumn], _ rows: [ParquetRecord], to path: String, options: ParquetWriterOptions,
                      batch: Int = 97) throws {
        let writer = try ParquetWriter(path: path, schema: try ParquetWriterSchema(columns), options: options)
        var start = 0
        while start < rows.count {
            try writer.write(rows: Array(rows[start..<min(rows.count, start + batch)]))
            start += batch
        }
        try writer.close()
    }
}
