import Core
import Foundation
import Parquet
import Testing
@testable import Export
@testable import Store

/// `pref export tokenized`: the shards' ids, masks and document lengths, row for row.
@Suite struct TokenizedExportTests {
    @Test func pairsCarryTheShardIdsInCurriculumOrder() throws {
        let fixture = try ExportFixture.pipeline()
        try fixture.tokenize()
        let unscored = try fixture.storeReferenceLogps()
        let out = fixture.output()
        _ = try Exporter.tokenized(fixture.catalog, kind: .pairs, options: ExportOptions(directory: out, rowsPerFile: 9))
        let reader = ShardReader(catalog: fixture.catalog)
        for split in ["train", "test"] {
            let pairs = try fixture.expectedPairs(split: split)
            let rows = try ExportedFiles.rows(out, split: split)
            #expect(rows.count == pairs.count, "every pair was tokenized")
            for (row, pair) in zip(rows, pairs) {
                #expect(row.names == ["prompt_ids", "chosen_ids", "rejected_ids", "stage", "truncated", "ref_chosen_logps", "ref_rejected_logps"])
                // Look the pair's example up by pair id, independently of the export's order.
                let example = try #require(try reader.exampleIds(kind: .preference, split: split).first { try reader.info($0).pairId == pair.id })
                guard case .preference(let prompt, let chosen, let rejected) = try reader.example(example) else {
                    Issue.record("example \(example) is not a pair")
                    continue
                }
                #expect(ExportedFiles.ints(row["prompt_ids"]) == prompt.map(Int.init), "pair \(pair.id): prompt_ids")
                #expect(ExportedFiles.ints(row["chosen_ids"]) == chosen.map(Int.init), "pair \(pair.id): chosen_ids")
                #expect(ExportedFiles.ints(row["rejected_ids"]) == rejected.map(Int.init), "pair \(pair.id): rejected_ids")
                #expect(row["stage"]?.int64Value == Int64(pair.stage))
                #expect(row["truncated"] == .bool(try reader.info(example).truncated))
                #expect(row["ref_chosen_logps"]?.doubleValue == (pair.id == unscored ? nil : ExportFixture.refChosen(pair.id)))
            }
        }
    }

    @Test func sftRowsHoldIdsLossMaskAndDocumentLengths() throws {
        let fixture = try ExportFixture.pipeline(test: 0.3)
        try fixture.tokenize()
        let out = fixture.output()
        _ = try Exporter.tokenized(fixture.catalog, kind: .sft, options: ExportOptions(directory: out))
        let reader = ShardReader(catalog: fixture.catalog)
        var packed = 0
        for split in ["train", "test"] {
            let ids = try reader.exampleIds(kind: .sft, split: split)
            let rows = try ExportedFiles.rows(out, split: split)
            #expect(rows.count == ids.count && !ids.isEmpty)
            for (row, id) in zip(rows, ids) {
                guard case .sft(let tokens, let mask, let documents) = try reader.example(id) else {
                    Issue.record("example \(id) is not an SFT sequence")
                    continue
                }
                #expect(row.names == ["input_ids", "assistant_masks", "seq_lengths"])
                #expect(ExportedFiles.ints(row["input_ids"]) == tokens.map(Int.init))
                #expect(ExportedFiles.ints(row["assistant_masks"]) == mask.map { $0 ? 1 : 0 })
                #expect(ExportedFiles.ints(row["seq_lengths"]) == documents)
                #expect(documents.reduce(0, +) == tokens.count)
                if documents.count > 1 { packed += 1 }
            }
        }
        #expect(packed > 0, "64-token packing puts several documents in a row")
    }
}
