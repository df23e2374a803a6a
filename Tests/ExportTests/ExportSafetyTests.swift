import Core
import Foundation
import Pairs
import Parquet
import Testing
@testable import Export
@testable import Store

/// Exports never leave a half-written folder, never clobber one unasked, and say what to run.
@Suite struct ExportSafetyTests {
    /// A table whose rows fail after the first chunk, as a catalog error mid-export would.
    struct FailingTable: ExportTable {
        let inner: PairsExportTable
        var name: String { "failing" }
        var unit: ProgressEvent.Unit { .pairs }
        var columns: [ParquetColumn] { inner.columns }
        var settingKeys: [SettingKey] { [] }
        func ids(split: String) throws -> [Int64] { try inner.ids(split: split) }
        func rows(_ ids: [Int64], split: String) throws -> [ParquetRecord] {
            if split == "test" { throw ExportError("injected failure") }
            return try inner.rows(ids, split: split)
        }
    }

    static func siblings(of folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.deletingLastPathComponent().path).sorted()
    }

    @Test func aFailedExportLeavesNoFolderAndKeepsTheOldOne() throws {
        let fixture = try ExportFixture.pipeline()
        let out = fixture.output()
        let table = FailingTable(inner: try PairsExportTable(catalog: fixture.catalog))
        #expect(throws: ExportError.self) { try Exporter.run(table, catalog: fixture.catalog, options: ExportOptions(directory: out), progress: nil) }
        #expect(!FileManager.default.fileExists(atPath: out.path), "no destination after a failure")
        #expect(try Self.siblings(of: out).isEmpty, "no staging folder left behind")

        _ = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: out))
        let before = try ExportedFiles.rows(out, split: "train")
        #expect(throws: ExportError.self) {
            try Exporter.run(table, catalog: fixture.catalog, options: ExportOptions(directory: out, overwrite: true), progress: nil)
        }
        #expect(try ExportedFiles.rows(out, split: "train") == before, "the previous export is untouched")
        #expect(try Self.siblings(of: out) == ["out"])
    }

    @Test func aNonEmptyFolderIsRefusedUnlessOverwrite() throws {
        let fixture = try ExportFixture.pipeline()
        let out = fixture.output()
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let error = #expect(throws: ExportError.self) { try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: out)) }
        #expect(error?.description.contains("--overwrite") == true)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("notes.txt").path))

        _ = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: out, overwrite: true))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["README.md", "data"])
        #expect(try Self.siblings(of: out) == ["out"])

        // Never the folder that holds the workspace, even with --overwrite.
        for folder in [fixture.root, fixture.root.deletingLastPathComponent()] {
            let refused = #expect(throws: ExportError.self) { try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: folder, overwrite: true)) }
            #expect(refused?.description.contains("holds the workspace") == true)
        }
        #expect(FileManager.default.fileExists(atPath: fixture.catalog.layout.catalog.path))

        // An existing empty folder is simply filled.
        let empty = fixture.output("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        _ = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: empty))
        #expect(try ExportedFiles.dataFiles(empty) == ["test-00000-of-00001.parquet", "train-00000-of-00001.parquet"])
    }

    @Test func stagingFoldersOfKilledExportsAreCleanedUp() throws {
        let fixture = try ExportFixture.pipeline()
        let out = fixture.output()
        let parent = out.deletingLastPathComponent()
        // A pid above Linux's pid_max (4194304) names a process that cannot be running.
        let abandoned = parent.appendingPathComponent(".out.pref-export-99999999/data")
        let otherDestination = parent.appendingPathComponent(".other.pref-export-99999999")
        for folder in [abandoned, otherDestination] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        _ = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: out))
        #expect(try Self.siblings(of: out) == [".other.pref-export-99999999", "out"], "only this destination's abandoned staging is removed")
    }

    @Test func missingStagesNameTheCommandToRun() throws {
        let fixture = try ExportFixture()
        try fixture.ingest([CanonicalRecord(kind: .preference, prompt: [.user("q")],
                                            completions: [Completion(text: "a", score: 5), Completion(text: "b", score: 1)])])
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        let options = ExportOptions(directory: fixture.output())
        #expect(message { _ = try Exporter.pairs(fixture.catalog, options: options) }.contains("pref split"))
        _ = try Splitter.run(fixture.catalog, settings: try SplitSettings(testFraction: 0))
        #expect(message { _ = try Exporter.pairs(fixture.catalog, options: options) }.contains("pref pairs"))
        #expect(message { _ = try Exporter.sft(fixture.catalog, options: options) }.contains("--from chosen"))
        _ = try PairBuilder.run(fixture.catalog, settings: try PairSettings(strategy: .bestVsRest))
        #expect(message { _ = try Exporter.tokenized(fixture.catalog, kind: .pairs, options: options) }.contains("pref tokenize"))
        #expect(!FileManager.default.fileExists(atPath: options.directory.path))
    }

    @Test func shardsOlderThanThePairsAreRefused() throws {
        let fixture = try ExportFixture.pipeline()
        try fixture.tokenize()
        try fixture.storeReferenceLogps()
        _ = try Exporter.tokenized(fixture.catalog, kind: .pairs, options: ExportOptions(directory: fixture.output("fresh")))
        // Rebuilding the pairs renumbers them: the shards' pair ids and log-probs no longer match.
        _ = try PairBuilder.run(fixture.catalog, settings: try PairSettings(strategy: .bestVsWorst))
        for export in [{ _ = try Exporter.tokenized(fixture.catalog, kind: .pairs, options: ExportOptions(directory: fixture.output("a"))) },
                       { _ = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: fixture.output("b"))) }] {
            let error = #expect(throws: ExportError.self) { try export() }
            #expect(error?.description.contains("run `pref tokenize` again") == true)
        }
    }
}
