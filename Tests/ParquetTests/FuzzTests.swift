import Foundation
import Testing
@testable import Parquet

/// Mutates valid files (byte flips, truncations, splices, bias toward the footer and page
/// headers) and reads them in full: every outcome must be rows or a `ParquetError`. A trap
/// would kill the test process, so reaching the end is the assertion.
@Suite struct FuzzTests {
    static let seeds = ["codec_snappy.parquet", "codec_gzip.parquet", "codec_zstd.parquet", "codec_lz4.parquet", "codec_brotli.parquet",
                        "types_dict_v2.parquet", "types_int96_decimal_ints.parquet", "encoding_delta_byte_array_v2.parquet",
                        "encoding_delta_binary_packed_v1.parquet", "encoding_byte_stream_split_v1.parquet", "nested_v2_item.parquet",
                        "encoding_rle_boolean_v2.parquet", "legacy_two_level_groups.parquet", "legacy_map_key_value.parquet"]

    /// Mutations per seed file; set PARQUET_FUZZ_ITERATIONS for a longer campaign.
    static let iterations = ProcessInfo.processInfo.environment["PARQUET_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 80

    @Test(.timeLimit(.minutes(10)), arguments: seeds)
    func mutatedFilesNeverTrap(_ name: String) throws {
        let original = try Fixtures.bytes(name)
        var rng = SeededGenerator(state: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        var errors = 0, successes = 0
        let path = Fixtures.parquetDirectory.deletingLastPathComponent().path + "/../.build/fuzz-\(name)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        for _ in 0..<Self.iterations {
            let mutated = Self.mutate(original, using: &rng)
            try Data(mutated).write(to: URL(fileURLWithPath: path))
            do {
                try Fixtures.readAll(path, limits: ParquetReadLimits(maxPageBytes: 64 << 20, maxValuesPerColumnChunk: 1 << 22))
                successes += 1
            } catch {
                #expect(!error.description.isEmpty)
                errors += 1
            }
        }
        #expect(errors > 0)
        #expect(errors + successes == Self.iterations)
    }

    static func mutate(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        let n = out.count
        // Half the mutations land in the footer, where a flipped bit changes structure.
        let footerLength = Int(UInt32(out[n - 8]) | UInt32(out[n - 7]) << 8 | UInt32(out[n - 6]) << 16)
        let footer = max(4, n - 8 - footerLength)..<(n - 8)
        func position() -> Int { Bool.random(using: &rng) && !footer.isEmpty ? Int.random(in: footer, using: &rng) : Int.random(in: 0..<n, using: &rng) }
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            for _ in 0..<Int.random(in: 1...4, using: &rng) { out[position()] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng)) }
        case 1:
            for _ in 0..<Int.random(in: 1...8, using: &rng) { out[position()] = UInt8.random(in: 0...255, using: &rng) }
        case 2:
            let at = position()
            out[at] = [0x00, 0x7F, 0x80, 0xFF, 0x0F, 0xF0][Int.random(in: 0..<6, using: &rng)]
        case 3:
            let from = position(), to = position()
            let length = Int.random(in: 1...16, using: &rng)
            for k in 0..<length where from + k < n && to + k < n { out[to + k] = bytes[from + k] }
        default:
            // Cut a slice out of the middle, keeping the tail (footer length and magic).
            let start = Int.random(in: 4..<max(5, n - 12), using: &rng)
            let length = Int.random(in: 1...64, using: &rng)
            out.removeSubrange(start..<min(start + length, n - 8))
        }
        return out
    }
}
