import GRDB
import Store

extension Catalog {
    /// One write transaction for a whole-table rebuild (`splits` or `pairs`).
    ///
    /// The catalog is mostly response text, so any lookup by id touches pages spread over the
    /// whole file: memory-mapping it and a larger page cache keep those lookups off read(2).
    /// Foreign-key checks are off for the rebuild: every id written was read from its parent
    /// table inside this same transaction, so the checks (three B-tree searches per pair row,
    /// the larger part of the insert time) could not fail. They are back on afterwards.
    func bulkTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try db.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -131072; PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            guard let result else { throw PairsError("internal: transaction finished without a result") }
            return result
        }
    }
}
