import Core
import GRDB

/// A preference pair with everything `pref export pairs` writes about it.
public struct PairExportRow: Sendable, Equatable {
    public var pairId: Int64
    public var prompt: [Message]
    /// The dataset's own prompt id, nil when the source carried none.
    public var promptId: String?
    public var chosen: String
    public var rejected: String
    public var scoreChosen: Double?
    public var scoreRejected: Double?
    public var strategy: String
    public var scoreGap: Double?
    public var stage: Int
    public var curriculumRank: Int
}

extension Catalog {
    /// The pairs `ids` (from `pairIds(split:)`), in curriculum order.
    public func pairExportRows(_ ids: [Int64]) throws -> [PairExportRow] {
        let list = ids.map(String.init).joined(separator: ",")
        return try db.read { db in
            try Array(Row.fetchCursor(db, sql: """
                SELECT p.id, r.prompt_json, r.prompt_id, cc.text, rc.text, cc.score, rc.score, p.strategy, p.score_gap, p.stage, p.curriculum_rank
                FROM pairs p JOIN records r ON r.id = p.record_id
                JOIN completions cc ON cc.id = p.chosen_id JOIN completions rc ON rc.id = p.rejected_id
                WHERE p.id IN (\(list)) ORDER BY p.curriculum_rank, p.id
                """).map { row in
                PairExportRow(pairId: row[0], prompt: try CanonicalRecord.messages(fromJSON: row.text(atIndex: 1) ?? ""),
                              promptId: row[2], chosen: try row.text(atIndex: 3) ?? "", rejected: try row.text(atIndex: 4) ?? "",
                              scoreChosen: row[5], scoreRejected: row[6], strategy: row[7], scoreGap: row[8], stage: row[9],
                              curriculumRank: row[10])
            })
        }
    }

    /// The stored reference log-probs of the tokenized pairs of a split, by pair id.
    public func referenceLogps(split: String) throws -> [Int64: (chosen: Double, rejected: Double)] {
        try db.read { db in
            var out: [Int64: (chosen: Double, rejected: Double)] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT pair_id, ref_chosen_logp, ref_rejected_logp FROM examples
                WHERE kind = 'preference' AND split = ? AND pair_id IS NOT NULL
                AND ref_chosen_logp IS NOT NULL AND ref_rejected_logp IS NOT NULL
                """, arguments: [split])
            while let row = try rows.next() { out[row[0]] = (row[1], row[2]) }
            return out
        }
    }

    /// How many preference examples have reference log-probs stored.
    public func referenceLogpCount() throws -> Int {
        try db.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM examples WHERE kind = 'preference' AND ref_chosen_logp IS NOT NULL AND ref_rejected_logp IS NOT NULL") ?? 0
        }
    }

    /// Indexed examples of one kind, both splits.
    public func exampleCount(kind: ShardExample.Kind) throws -> Int {
        try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM examples WHERE kind = ?", arguments: [kind.rawValue]) ?? 0 }
    }
}
