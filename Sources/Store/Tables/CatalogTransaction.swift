import GRDB

/// A transaction on the catalog. The typed table methods hang off it, so the modules above
/// Store read and write the catalog without seeing SQL or GRDB.
public struct CatalogTransaction {
    let db: Database
}

extension Catalog {
    /// One write transaction for a bulk write (an ingested file, a rebuilt `splits` or
    /// `pairs` table): it commits whole or not at all.
    ///
    /// The catalog is mostly response text, so lookups by id touch pages spread over the whole
    /// file: memory-mapping it and a larger page cache keep those lookups off read(2).
    /// Foreign-key checks are off inside: every id written refers to a row read or written in
    /// this same transaction, so the checks (B-tree searches per row, most of the insert time)
    /// could not fail. They are back on afterwards, and `integrityProblems()` verifies them.
    public func bulkWrite<T>(_ body: (CatalogTransaction) throws -> T) throws -> T {
        try db.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -131072; PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(CatalogTransaction(db: db))
                return .commit
            }
            guard let result else { throw StoreError("internal: transaction finished without a result") }
            return result
        }
    }

    /// A read transaction: a consistent snapshot for several table reads.
    public func read<T>(_ body: (CatalogTransaction) throws -> T) throws -> T {
        try db.read { try body(CatalogTransaction(db: $0)) }
    }

    /// A plain write transaction.
    func write<T>(_ body: (CatalogTransaction) throws -> T) throws -> T {
        try db.write { try body(CatalogTransaction(db: $0)) }
    }
}
