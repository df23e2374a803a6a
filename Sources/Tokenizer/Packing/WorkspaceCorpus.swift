import GRDB
import JSON
import Store

/// Text of the train split, for training a tokenizer on the workspace's own data (the test
/// split never leaks into the vocabulary).
public enum WorkspaceCorpus {
    /// Every message and completion text of train-split records, in record order.
    public static func trainTexts(_ catalog: Catalog) throws -> [String] {
        try catalog.db.read { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM splits") ?? 0 > 0 else {
                throw TokenizerError("the workspace has no train/test split yet: run `pref split` first")
            }
            var texts: [String] = []
            let prompts = try Row.fetchCursor(db, sql: """
                SELECT r.prompt_json FROM records r JOIN splits s ON s.record_id = r.id WHERE s.split = 'train' ORDER BY r.id
                """)
            while let row = try prompts.next() {
                for message in try JSONParser.parse(row[0] as String).arrayValue ?? [] {
                    if let text = message["content"]?.stringValue { texts.append(text) }
                }
            }
            let completions = try Row.fetchCursor(db, sql: """
                SELECT c.text FROM completions c JOIN splits s ON s.record_id = c.record_id WHERE s.split = 'train' ORDER BY c.id
                """)
            while let row = try completions.next() { texts.append(try row.text(atIndex: 0) ?? "") }
            return texts
        }
    }
}
