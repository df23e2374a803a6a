import Foundation
import JSON
import Testing
@testable import Train

/// Reads event files back with a decoder written here from the TFRecord and protobuf
/// specs, independent of the writer's encoding helpers.
@Suite struct TensorBoardTests {
    struct Event: Equatable {
        var wallTime: Double?
        var step: Int64 = 0
        var fileVersion: String?
        var values: [String: Float] = [:]
        var tags: [String] = []
    }

    struct DecodeError: Error, CustomStringConvertible { let description: String }

    static func crc32c(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        // Bitwise, without a table: a second implementation to check the writer's.
        var crc: UInt32 = ~0
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0x82F6_3B78 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- 0xA282_EAD8
        return (rotated >> 17) | (rotated << 15)
    }

    static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The records of a TFRecord file, each CRC checked.
    static func records(_ file: [UInt8]) throws -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var i = 0
        while i < file.count {
            guard i + 12 <= file.count else { throw DecodeError(description: "header cut at byte \(i)") }
            let length = Int(littleEndian(file[i..<(i + 8)]))
            guard unmask(UInt32(littleEndian(file[(i + 8)..<(i + 12)]))) == crc32c(file[i..<(i + 8)]) else {
                throw DecodeError(description: "length CRC mismatch at byte \(i)")
            }
            let start = i + 12, end = start + length
            guard end + 4 <= file.count else { throw DecodeError(description: "record at byte \(i) is cut short") }
            guard unmask(UInt32(littleEndian(file[end..<(end + 4)]))) == crc32c(file[start..<end]) else {
                throw DecodeError(description: "data CRC mismatch in record at byte \(i)")
            }
            out.append(file[start..<end])
            i = end + 4
        }
        return out
    }

    /// Fields of one protobuf message: (field number, wire type, varint or fixed value, bytes).
    static func fields(_ message: ArraySlice<UInt8>) throws -> [(field: Int, wire: Int, number: UInt64, bytes: ArraySlice<UInt8>)] {
        var out: [(Int, Int, UInt64, ArraySlice<UInt8>)] = []
        var i = message.startIndex
        func varint() throws -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard i < message.endIndex, shift < 64 else { throw DecodeError(description: "bad varint") }
                let b = message[i]
                i += 1
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
            }
        }
        while i < message.endIndex {
            let key = try varint()
            let field = Int(key >> 3), wire = Int(key & 7)
            switch wire {
            case 0: out.append((field, wire, try varint(), []))
            case 1, 5:
                let n = wire == 1 ? 8 : 4
                guard i + n <= message.endIndex else { throw DecodeError(description: "fixed field cut short") }
                out.append((field, wire, littleEndian(message[i..<(i + n)]), []))
                i += n
            case 2:
                let n = Int(try varint())
                guard i + n <= message.endIndex else { throw DecodeError(description: "bytes field cut short") }
                out.append((field, wire, 0, message[i..<(i + n)]))
                i += n
            default: throw DecodeError(description: "wire type \(wire)")
            }
        }
        return out
    }

    static func event(_ data: ArraySlice<UInt8>) throws -> Event {
        var e = Event()
        for f in try fields(data) {
            switch (f.field, f.wire) {
            case (1, 1): e.wallTime = Double(bitPattern: f.number)
            case (2, 0): e.step = Int64(bitPattern: f.number)
            case (3, 2): e.fileVersion = String(decoding: f.bytes, as: UTF8.self)
            case (5, 2):
                for value in try fields(f.bytes) where value.field == 1 {
                    var tag = "", number: Float?
                    for g in try fields(value.bytes) {
                        if g.field == 1, g.wire == 2 { tag = String(decoding: g.bytes, as: UTF8.self) }
                        if g.field == 2, g.wire == 5 { number = Float(bitPattern: UInt32(g.number)) }
                    }
                    e.tags.append(tag)
                    e.values[tag] = number
                }
            default: throw DecodeError(description: "unexpected Event field \(f.field) wire \(f.wire)")
            }
        }
        return e
    }

    static func events(at url: URL) throws -> [Event] {
        try records(Array(try Data(contentsOf: url))).map(event)
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pref-tb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func crc32cMatchesPublishedVectors() {
        // "123456789" is the standard check value; the others are RFC 3720 appendix B.4's.
        let vectors: [([UInt8], UInt32)] = [
            (Array("123456789".utf8), 0xE306_9283),
            ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
            ([UInt8](repeating: 0xFF, count: 32), 0x62A8_AB43),
            ((0..<32).map { UInt8($0) }, 0x46DD_794E),
        ]
        for (bytes, expected) in vectors {
            #expect(CRC32C.checksum(bytes) == expected)
            #expect(Self.crc32c(bytes[...]) == expected)
        }
    }

    @Test func metricsLogWritesEveryNumberAsAScalarAtItsStep() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = try MetricsLog(url: folder.appendingPathComponent("metrics.jsonl"), append: false)
        try log.write(JSONObject([("step", .int(1)), ("epoch", .double(0.25)), ("split", .string("train")), ("loss", .double(2.5)),
                                  ("rewards/chosen", .double(-0.1)), ("lr", .double(1e-7))]))
        try log.write(JSONObject([("step", .int(300)), ("split", .string("eval")), ("eval_loss", .double(1.75)), ("elapsed", .int(3))]))
        let files = TensorBoardWriter.files(in: folder)
        try #require(files.count == 1)
        let name = files[0].lastPathComponent
        let parts = name.dropFirst(TensorBoardWriter.filePrefix.count).split(separator: ".")
        #expect(Int(parts.first ?? "") != nil && Int(parts.last ?? "") != nil && Int(parts[parts.count - 2]) == Int(getpid()))

        let events = try Self.events(at: files[0])
        try #require(events.count == 3)
        #expect(events[0].fileVersion == "brain.Event:2" && events[0].tags.isEmpty)
        #expect(events[1].step == 1)
        #expect(events[1].tags == ["train/epoch", "train/loss", "train/rewards/chosen", "train/lr"])
        #expect(events[1].values == ["train/epoch": 0.25, "train/loss": 2.5, "train/rewards/chosen": Float(-0.1), "train/lr": Float(1e-7)])
        #expect(events[2].step == 300)
        #expect(events[2].values == ["eval/loss": 1.75, "eval/elapsed": 3])
        let now = Date().timeIntervalSince1970
        #expect(events.allSatisfy { abs(($0.wallTime ?? 0) - now) < 60 })
    }

    @Test func decoderRejectsAFlippedByte() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try TensorBoardWriter(directory: folder)
        try writer.write([(tag: "train/loss", value: 1)], step: 7)
        var bytes = Array(try Data(contentsOf: writer.url))
        #expect(try Self.events(at: writer.url).last?.values == ["train/loss": 1])
        bytes[bytes.count - 6] ^= 0x01
        #expect(throws: DecodeError.self) { try Self.records(bytes) }
    }

    @Test func aFreshRunDropsOldEventFilesAndAResumeKeepsThem() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("metrics.jsonl")
        _ = try MetricsLog(url: url, append: false)
        _ = try MetricsLog(url: url, append: true)
        #expect(TensorBoardWriter.files(in: folder).count == 2)
        _ = try MetricsLog(url: url, append: false)
        #expect(TensorBoardWriter.files(in: folder).count == 1)
    }
}
