import Core
import Foundation
import Testing
@testable import Store

@Suite struct ShardTests {
    final class Workspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pref-shards-\(UUID().uuidString)")
        let catalog: Catalog
        init() throws { catalog = try Catalog(workspace: root) }
        deinit { try? FileManager.default.removeItem(at: root) }
        func shardURL(_ name: String) -> URL { catalog.layout.shards.appendingPathComponent(name) }
    }

    /// Deterministic pseudo-random examples of both kinds, some larger than a frame.
    static func examples(count: Int, seed: UInt32 = 7) -> [ShardExample] {
        var x = seed
        func next(_ n: UInt32) -> UInt32 { x = x &* 1_664_525 &+ 1_013_904_223; return (x >> 8) % n }
        return (0..<count).map { i in
            if i % 3 == 0 {
                let n = i == 30 ? ShardFile.frameValues + 10 : Int(next(900)) + 1
                let ids = (0..<n).map { _ in Int32(next(50_000)) }
                let mask = (0..<n).map { _ in next(2) == 1 }
                let half = n / 2
                return .sft(split: "train", ids: ids, lossMask: mask, documentLengths: half > 0 ? [half, n - half] : [n], recordId: Int64(i))
            }
            let seg = { (n: Int) in (0..<n).map { _ in next(50_000) } }
            return ShardExample(kind: .preference, split: i % 5 == 0 ? "test" : "train",
                                segments: [seg(Int(next(300)) + 1), seg(Int(next(400)) + 1), seg(Int(next(400)) + 1)],
                                pairId: Int64(i), stage: Int(next(3)), curriculumRank: i)
        }
    }

    @Test func roundTripsEveryExample() throws {
        let ws = try Workspace()
        let sft = Self.examples(count: 120).filter { $0.kind == .sft }
        let prefs = Self.examples(count: 120).filter { $0.kind == .preference }
        let w = try ws.catalog.writeShard(name: "sft-train-00000.zst", kind: .sft, split: "train", examples: sft)
        try ws.catalog.writeShard(name: "pref-00000.zst", kind: .preference, split: "train", examples: prefs)
        #expect(w.frames >= 2)  // the oversized example gets a frame of its own
        let reader = ShardReader(catalog: ws.catalog)
        let sftIds = try reader.exampleIds(kind: .sft, split: "train")
        #expect(sftIds.count == sft.count)
        for (id, original) in zip(sftIds, sft) {
            guard case .sft(let ids, let mask, let docs) = try reader.example(id) else { Issue.record("kind"); return }
            #expect(ids.map { UInt32(bitPattern: $0) | 0 } == original.segments[0].map { $0 & ~ShardExample.lossMaskBit })
            #expect(mask == original.segments[0].map { $0 & ShardExample.lossMaskBit != 0 })
            #expect(docs.map(UInt32.init) == original.segments[1])
        }
        let byPair = Dictionary(uniqueKeysWithValues: prefs.map { ($0.pairId!, $0) })
        for split in ["train", "test"] {
            for id in try reader.exampleIds(kind: .preference, split: split) {
                let info = try reader.info(id)
                let pairId = try #require(info.pairId)
                let original = try #require(byPair[pairId])
                #expect(try reader.example(id) == .preference(prompt: original.segments[0].map { Int32($0) },
                                                              chosen: original.segments[1].map { Int32($0) },
                                                              rejected: original.segments[2].map { Int32($0) }))
                #expect(info.tokens == original.tokenCount)
            }
        }
        #expect(try ws.catalog.verifyShards().isClean)
    }

    @Test func curriculumOrderShufflesAndBatches() throws {
        let ws = try Workspace()
        let prefs = Self.examples(count: 90).filter { $0.kind == .preference && $0.split == "train" }
        try ws.catalog.writeShard(name: "p.zst", kind: .preference, split: "train", examples: prefs)
        let reader = ShardReader(catalog: ws.catalog)
        let ordered = try reader.exampleIds(kind: .preference, split: "train")
        let infos = try ordered.map { try reader.info($0) }
        #expect(infos.map { [$0.stage, $0.curriculumRank] } == infos.map { [$0.stage, $0.curriculumRank] }.sorted { $0.lexicographicallyPrecedes($1) })
        let a = try reader.exampleIds(kind: .preference, split: "train", order: .shuffled(seed: 3))
        #expect(a == (try reader.exampleIds(kind: .preference, split: "train", order: .shuffled(seed: 3))))
        #expect(a != (try reader.exampleIds(kind: .preference, split: "train", order: .shuffled(seed: 4))))
        #expect(Set(a) == Set(ordered))
        let batches = try reader.batches(ordered, tokenBudget: 1500)
        #expect(batches.flatMap { $0 } == ordered)
        for b in batches where b.count > 1 {
            #expect(try b.map { try reader.info($0).tokens }.reduce(0, +) <= 1500)
        }
    }

    @Test func sameExamplesGiveIdenticalBytes() throws {
        let a = try Workspace(), b = try Workspace()
        let examples = Self.examples(count: 60)
        let wa = try a.catalog.writeShard(name: "s.zst", kind: .preference, split: "train", examples: examples)
        let wb = try b.catalog.writeShard(name: "s.zst", kind: .preference, split: "train", examples: examples)
        #expect(wa.sha256 == wb.sha256)
        #expect(try Data(contentsOf: a.shardURL("s.zst")) == Data(contentsOf: b.shardURL("s.zst")))
    }

    @Test func verifyCatchesFlippedBytesTruncationAndOrphans() throws {
        let ws = try Workspace()
        let written = try ws.catalog.writeShard(name: "s.zst", kind: .preference, split: "train", examples: Self.examples(count: 60))
        let url = ws.shardURL("s.zst")
        let original = try Data(contentsOf: url)
        var flipped = original
        let flippedByte = original.count / 2
        flipped[flippedByte] ^= 0x40
        try flipped.write(to: url)
        let v = try ws.catalog.verifyShards()
        #expect(v.problems.contains { $0.contains("sha256") })
        #expect(v.problems.contains { $0.contains("frame at byte") })
        // Reading the damaged example fails cleanly instead of returning wrong tokens.
        // Exactly the examples whose frame holds the flipped byte fail; the others still read.
        let reader = ShardReader(catalog: ws.catalog)
        let damaged = Set(written.locations.indices.filter { i in
            let l = written.locations[i]
            return Int(l.frameOffset) <= flippedByte && flippedByte < Int(l.frameOffset) + l.frameLength
        }.map(Int64.init))
        var failing: Set<Int64> = [], read = 0
        for kind in [ShardExample.Kind.sft, .preference] {
            for split in ["train", "test"] {
                for id in try reader.exampleIds(kind: kind, split: split) {
                    let info = try reader.info(id)
                    let position = try #require(info.pairId ?? info.recordId)  // examples(count:) sets both to the index
                    do { _ = try reader.example(id); read += 1 } catch { failing.insert(position) }
                }
            }
        }
        #expect(!damaged.isEmpty && failing == damaged)
        #expect(read + failing.count == 60)

        try original.prefix(original.count - 100).write(to: url)
        #expect(try ws.catalog.verifyShards().problems.contains { $0.contains("outside the file") })
        try original.write(to: url)
        try Data("stray".utf8).write(to: ws.shardURL("orphan.zst"))
        let orphan = try ws.catalog.verifyShards()
        #expect(orphan.problems.count == 1)
        #expect(orphan.problems[0].contains("orphan.zst"))
    }

    @Test func frameSizeMustMatchTheIndex() throws {
        let ws = try Workspace()
        let written = try ws.catalog.writeShard(name: "s.zst", kind: .preference, split: "train", examples: Self.examples(count: 6))
        let data = try Data(contentsOf: ws.shardURL("s.zst"))
        let loc = written.locations[0]
        let frame = data[Int(loc.frameOffset)..<(Int(loc.frameOffset) + loc.frameLength)]
        #expect(throws: StoreError.self) { try frame.withUnsafeBytes { try ShardFile.decompressFrame($0, expectedValues: loc.frameValues + 1) } }
        #expect(throws: StoreError.self) { try Data("garbage!".utf8).withUnsafeBytes { try ShardFile.decompressFrame($0, expectedValues: 2) } }
        #expect(try frame.withUnsafeBytes { try ShardFile.decompressFrame($0, expectedValues: loc.frameValues) }.count == loc.frameValues)
    }
}

@Suite struct SplitMix64Tests {
    /// The reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
    @Test func matchesTheReferenceSequence() {
        var r = SplitMix64(seed: 0)
        #expect([r.next(), r.next(), r.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        #expect(SplitMix64.mix(0) == 0xE220_A839_7B1D_CDAF)
    }

    @Test func shuffleIsAPermutationFixedBySeed() {
        let items = Array(0..<100)
        let a = ShardReader.shuffled(items, seed: 9)
        #expect(a.sorted() == items)
        #expect(a == ShardReader.shuffled(items, seed: 9))
        #expect(a != ShardReader.shuffled(items, seed: 10))
    }
}
