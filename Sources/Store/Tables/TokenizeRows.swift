import Core
import GRDB

/// Where SFT examples come from.
public enum SFTExampleSource: String, Sendable, CaseIterable {
    /// Conversation records (UltraChat and other chats).
    case conversations
    /// The chosen side of the preference pairs, once per distinct chosen completion.
    case chosen
}

/// A conversation to tokenize for SFT: the prompt turns and the final assistant answer.
public struct SFTRow: Sendable, Equatable {
    public var recordId: Int64
    public var sourceId: Int64
    /// The record's prompt_id as its source gave it, if any.
    public var promptId: String?
    public var messages: [Message]
}

/// A preference pair to tokenize.
public struct PairRow: Sendable {
    public var pairId: Int64
    public var recordId: Int64
    public var sourceId: Int64
    public var stage: Int
    public var curriculumRank: Int
    public var prompt: [Message]
    public var chosen: String
    public var rejected: String
}

extension Catalog {
    /// The ids `sftRows` takes, in the order examples are written.
    public func sftExampleIds(split: String, from source: SFTExampleSource) throws -> [Int64] {
        try db.read { db in
            switch source {
            case .conversations:
                return try Int64.fetchAll(db, sql: """
                    SELECT r.id FROM records r JOIN splits s ON s.record_id = r.id
                    WHERE r.kind = 'conversation' AND s.split = ? ORDER BY r.id
                    """, arguments: [split])
            case .chosen:
                // best-vs-rest repeats the chosen completion: one example per distinct one.
                return try Int64.fetchAll(db, sql: "SELECT MIN(id) FROM pairs WHERE split = ? GROUP BY chosen_id ORDER BY MIN(id)",
                                          arguments: [split])
            }
        }
    }

    /// The SFT examples `ids` (from `sftExampleIds(split:from:)`), in that order.
    public func sftRows(_ ids: [Int64], from source: SFTExampleSource) throws -> [SFTRow] {
        let list = ids.map(String.init).joined(separator: ",")
        let sql = switch source {
        case .conversations: """
            SELECT r.id, r.source_id, r.prompt_id, r.prompt_json, c.text FROM records r
            JOIN completions c ON c.record_id = r.id AND c.idx = 0 WHERE r.id IN (\(list)) ORDER BY r.id
            """
        case .chosen: """
            SELECT r.id, r.source_id, r.prompt_id, r.prompt_json, c.text FROM pairs p JOIN records r ON r.id = p.record_id
            JOIN completions c ON c.id = p.chosen_id WHERE p.id IN (\(list)) ORDER BY p.id
            """
        }
        return try db.read { db in
            try Array(Row.fetchCursor(db, sql: sql).map { row in
                SFTRow(recordId: row[0], sourceId: row[1], promptId: row[2],
                       messages: try CanonicalRecord.messages(fromJSON: row.text(atIndex: 3) ?? "")
                           + [.assistant(try row.text(atIndex: 4) ?? "")])
            })
        }
    }

    /// Pair ids of a split in curriculum order.
    public func pairIds(split: String) throws -> [Int64] {
        try db.read { try Int64.fetchAll($0, sql: "SELECT id FROM pairs WHERE split = ? ORDER BY curriculum_rank, id", arguments: [split]) }
    }

    public func pairRows(_ ids: [Int64]) throws -> [PairRow] {
        let list = ids.map(String.init).joined(separator: ",")
        return try db.read { db in
            try Array(Row.fetchCursor(db, sql: """
                SELECT p.id, p.record_id, r.source_id, p.stage, p.curriculum_rank, r.prompt_json, cc.text, rc.text
                FROM pairs p JOIN records r ON r.id = p.record_id
                JOIN completions cc ON cc.id = p.chosen_id JOIN completions rc ON rc.id = p.rejected_id
                WHERE p.id IN (\(list)) ORDER BY p.curriculum_rank, p.id
                """).map { row in
                PairRow(pairId: row[0], recordId: row[1], sourceId: row[2], stage: row[3], curriculumRank: row[4],
                        prompt: try CanonicalRecord.messages(fromJSON: row.text(atIndex: 5) ?? ""),
                        chosen: try row.text(atIndex: 6) ?? "", rejected: try row.text(atIndex: 7) ?? "")
            })
        }
    }

    /// Every message and completion text of train-split records, in record order: the corpus
    /// a tokenizer trained on the workspace sees (the test split never leaks into a vocabulary).
    public func trainSplitTexts() throws -> [String] {
        try read { tx in
            try tx.requireSplit()
            var texts: [String] = []
            let prompts = try Row.fetchCursor(tx.db, sql: """
                SELECT r.prompt_json FROM records r JOIN splits s ON s.record_id = r.id WHERE s.split = 'train' ORDER BY r.id
                """)
            while let row = try prompts.next() {
                texts += try CanonicalRecord.messages(fromJSON: row.text(atIndex: 0) ?? "").map(\.content)
            }
            let completions = try Row.fetchCursor(tx.db, sql: """
                SELECT c.text FROM completions c JOIN splits s ON s.record_id = c.record_id WHERE s.split = 'train' ORDER BY c.id
                """)
            while let row = try completions.next() { texts.append(try row.text(atIndex: 0) ?? "") }
            return texts
        }
    }
}
