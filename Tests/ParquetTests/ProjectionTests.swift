import Foundation
import Testing
@testable import Parquet

/// Column projection, row limits and the row-group iterator, on committed fixtures.
@Suite struct ProjectionTests {
    static func referenceRows(_ parquet: String) throws -> [String] {
        let reference = try #require(try Fixtures.manifest().first { $0.parquet == parquet }?.reference)
        return String(decoding: try Fixtures.bytes(reference), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func projectedColumnsMatchTheFullRead() throws {
        let file = try ParquetFile(path: Fixtures.path("nested_v1_element.parquet"))
        var groups = try file.rowGroups(columns: ["map_si", "list_int", "deep"])
        var all = try file.rowGroups()
        var seen = 0
        while let projected = try groups.next() {
            let full = try #require(try all.next())
            #expect(projected.count == full.count)
            for (p, f) in zip(projected, full) {
                #expect(p.names == ["map_si", "list_int", "deep"])
                #expect(p["map_si"] == f["map_si"] && p["list_int"] == f["list_int"] && p["deep"] == f["deep"])
            }
            seen += projected.count
        }
        #expect(try all.next() == nil)
        #expect(seen == 300)
    }

    @Test func headStopsAcrossRowGroups() throws {
        let expected = try Self.referenceRows("types_plain_v1.parquet")
        let file = try ParquetFile(path: Fixtures.path("types_plain_v1.parquet"))
        let sink = CollectingStream()
        let written = try ParquetCat.write(file, columns: nil, limit: 130, to: sink)
        #expect(written == 130)
        #expect(String(decoding: sink.bytes, as: UTF8.self).split(separator: "\n").map(String.init) == Array(expected.prefix(130)))
    }

    @Test func magicDetection() throws {
        #expect(ParquetFile.hasParquetMagic(path: Fixtures.path("codec_none.parquet")))
        #expect(!ParquetFile.hasParquetMagic(path: Fixtures.path("manifest.json")))
        #expect(!ParquetFile.hasParquetMagic(path: Fixtures.path("no-such-file.parquet")))
    }

    @Test func unknownColumnsAreNamed() throws {
        let file = try ParquetFile(path: Fixtures.path("codec_none.parquet"))
        #expect(throws: ParquetError.self) { try file.projection(["messages", "nope"]) }
        do {
            _ = try file.projection(["nope"])
        } catch {
            #expect(error.description.hasPrefix("no column named \"nope\" (the file has: list_int, list_req"))
        }
    }

    @Test func schemaDescriptionShowsNesting() throws {
        let file = try ParquetFile(path: Fixtures.path("nested_v2_item.parquet"))
        let text = file.schema.description
        #expect(text.contains("optional group messages (LIST) {\n    repeated group list {\n      optional group item {"))
        #expect(text.contains("optional group map_si (MAP) {"))
        let leaf = try #require(file.schema.leaves.first { $0.dottedPath == "messages.list.item.content" })
        #expect(leaf.definitionLevel == 4 && leaf.repetitionLevel == 1)
    }
}
