import Core
import Foundation
import JSON
import Parquet
import Testing
@testable import Export
@testable import Store

/// `pref export pairs`, read back with pref's Parquet reader and compared with the catalog.
@Suite struct PairsExportTests {
    static let baseColumns = ["prompt_id", "prompt", "chosen", "rejected", "score_chosen", "score_rejected", "score_gap", "strategy", "stage"]

    /// Compares exported rows with the pairs the catalog holds, in curriculum order.
    static func expectRows(_ rows: [ParquetRecord], equal expected: [ExpectedPair], split: String) {
        #expect(rows.count == expected.count, "\(split): \(rows.count) rows, catalog has \(expected.count) pairs")
        for (row, pair) in zip(rows, expected) {
            #expect(ExportedFiles.messages(row["prompt"]) == pair.prompt, "pair \(pair.id): prompt")
            #expect(ExportedFiles.messages(row["chosen"]) == [.assistant(pair.chosen)], "pair \(pair.id): chosen")
            #expect(ExportedFiles.messages(row["rejected"]) == [.assistant(pair.rejected)], "pair \(pair.id): rejected")
            #expect(row["score_chosen"]?.doubleValue == pair.scoreChosen && row["score_rejected"]?.doubleValue == pair.scoreRejected,
                    "pair \(pair.id): scores")
            #expect(row["score_gap"]?.doubleValue == pair.gap, "pair \(pair.id): gap")
            #expect(row["strategy"]?.stringValue == pair.strategy && row["stage"]?.int64Value == Int64(pair.stage), "pair \(pair.id): strategy/stage")
            let firstUser = pair.prompt.first { $0.role == "user" }!.content
            #expect(row["prompt_id"]?.stringValue == (pair.promptId ?? SHA256.hex(of: firstUser)), "pair \(pair.id): prompt_id")
        }
    }

    @Test func rowsEqualTheCatalogInCurriculumOrderAcrossFiles() throws {
        let fixture = try ExportFixture.pipeline()
        let out = fixture.output()
        let report = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: out, rowsPerFile: 7))
        for split in ["train", "test"] {
            let expected = try fixture.expectedPairs(split: split)
            #expect(expected.count > 7, "the fixture must need several files per split")
            let files = (expected.count + 6) / 7
            let names = try ExportedFiles.dataFiles(out).filter { $0.hasPrefix(split + "-") }
            #expect(names == (0..<files).map { String(format: "%@-%05d-of-%05d.parquet", split, $0, files) })
            #expect(report.splits.first { $0.name == split } == ExportReport.Split(name: split, rows: expected.count, files: files))
            let rows = try ExportedFiles.rows(out, split: split)
            Self.expectRows(rows, equal: expected, split: split)
            let stages = rows.compactMap { $0["stage"]?.int64Value }
            #expect(stages == stages.sorted(), "\(split): stages must not go back in row order")
            #expect(Set(stages).count == 3, "\(split): the 3-stage curriculum shows in the stage column")
            #expect(rows.allSatisfy { $0.names == Self.baseColumns }, "no reference columns when none are stored")
        }
    }

    @Test func referenceLogpsAreTRLsPrecomputedColumns() throws {
        let fixture = try ExportFixture.pipeline()
        try fixture.tokenize()
        let unscored = try fixture.storeReferenceLogps()
        let out = fixture.output()
        _ = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: out))
        var nulls = 0
        for split in ["train", "test"] {
            let expected = try fixture.expectedPairs(split: split)
            let rows = try ExportedFiles.rows(out, split: split)
            Self.expectRows(rows, equal: expected, split: split)
            for (row, pair) in zip(rows, expected) {
                #expect(row.names == Self.baseColumns + ["ref_chosen_logps", "ref_rejected_logps"])
                if pair.id == unscored {
                    #expect(row["ref_chosen_logps"]?.isNull == true && row["ref_rejected_logps"]?.isNull == true)
                    nulls += 1
                } else {
                    #expect(row["ref_chosen_logps"]?.doubleValue == ExportFixture.refChosen(pair.id), "pair \(pair.id): ref_chosen_logps")
                    #expect(row["ref_rejected_logps"]?.doubleValue == ExportFixture.refRejected(pair.id), "pair \(pair.id): ref_rejected_logps")
                }
            }
        }
        #expect(nulls == 1)
        let file = try ParquetFile(path: out.appendingPathComponent("data/train-00000-of-00001.parquet").path)
        let settings = try JSONParser.parse(try #require(file.metadataValue(forKey: "pref.settings")))
        #expect(settings.objectValue?.keys == ["split", "pairs", "tokenize", "reference"])
        #expect(settings["reference"]?.stringValue == ExportFixture.referenceIdentity)
        #expect(settings["tokenize"] == (try fixture.catalog.settingValue(.tokenize)))
    }

    @Test func jsonlFilesHoldTheSameRowsAsParquet() throws {
        let fixture = try ExportFixture.pipeline()
        let parquet = fixture.output("parquet"), jsonl = fixture.output("jsonl")
        _ = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: parquet, rowsPerFile: 20))
        _ = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: jsonl, format: .jsonl, rowsPerFile: 20))
        #expect(try ExportedFiles.dataFiles(jsonl) == ExportedFiles.dataFiles(parquet).map { $0.replacingOccurrences(of: ".parquet", with: ".jsonl") })
        for split in ["train", "test"] {
            var lines: [String] = []
            for name in try ExportedFiles.dataFiles(jsonl) where name.hasPrefix(split + "-") {
                let text = try String(contentsOf: jsonl.appendingPathComponent("data/\(name)"), encoding: .utf8)
                lines += text.split(separator: "\n").map(String.init)
            }
            let rows = try ExportedFiles.rows(parquet, split: split)
            #expect(lines == rows.map(ParquetJSON.line))
            // And semantically: the first line parsed as JSON is the first pair.
            let first = try JSONParser.parse(try #require(lines.first))
            let pair = try #require(try fixture.expectedPairs(split: split).first)
            #expect(first["chosen"]?.arrayValue?.first?["content"]?.stringValue == pair.chosen)
            #expect(first["score_gap"]?.doubleValue == pair.gap)
        }
        #expect(try String(contentsOf: jsonl.appendingPathComponent("README.md"), encoding: .utf8).contains("configs:"))
    }

    @Test func cardNamesEverySplitAndFilesCarryTheSettings() throws {
        let fixture = try ExportFixture.pipeline()
        let out = fixture.output()
        _ = try Exporter.pairs(fixture.catalog, options: ExportOptions(directory: out, rowsPerFile: 20))
        let card = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(card.hasPrefix("""
            ---
            configs:
            - config_name: default
              data_files:
              - split: train
                path: data/train-*
              - split: test
                path: data/test-*
            ---

            """))
        let names = try ExportedFiles.dataFiles(out)
        for name in names {
            let file = try ParquetFile(path: out.appendingPathComponent("data/\(name)").path)
            #expect(file.metadataValue(forKey: "pref.version") == PrefVersion.current)
            let settings = try JSONParser.parse(try #require(file.metadataValue(forKey: "pref.settings")))
            #expect(settings["split"] == (try fixture.catalog.settingValue(.split)))
            #expect(settings["pairs"] == (try fixture.catalog.settingValue(.pairs)))
            #expect(settings["pairs"]?["curriculum"]?.stringValue == "stages:3")
            let export = try JSONParser.parse(try #require(file.metadataValue(forKey: "pref.export")))
            let split = String(name.prefix { $0 != "-" })
            let files = names.filter { $0.hasPrefix(split + "-") }
            #expect(export["table"]?.stringValue == "pairs" && export["split"]?.stringValue == split)
            #expect(export["files"]?.intValue == files.count && export["file"]?.intValue == files.firstIndex(of: name))
        }
    }
}
