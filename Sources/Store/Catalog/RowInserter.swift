import GRDB
import GRDBSQLite

/// A prepared INSERT bound through SQLite's C API. GRDB's `StatementArguments` box every
/// value, which for bulk writes (ingest, splits, pairs) costs more than the insert itself.
/// Bindings persist between rows, so a column that does not change is bound once.
struct RowInserter {
    private let statement: Statement

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// `index` is 1-based, as in SQLite.
    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(statement.sqliteStatement, index, value)
    }

    func bind(_ index: Int32, _ value: Int) { bind(index, Int64(value)) }

    func bind(_ index: Int32, _ value: Int?) {
        if let value { bind(index, Int64(value)) } else { bindNull(index) }
    }

    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(statement.sqliteStatement, index, value) } else { bindNull(index) }
    }

    /// Text is bound with its byte length, so a U+0000 inside it is kept (GRDB's own
    /// String binding stops at the first NUL), and copied by SQLite (SQLITE_TRANSIENT), so
    /// `value` need not outlive the call.
    func bind(_ index: Int32, _ value: String?) {
        guard var value else { return bindNull(index) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        value.withUTF8 { bytes in
            // An empty buffer may have no address, and a NULL pointer would bind SQL NULL.
            let empty: StaticString = ""
            let start = bytes.isEmpty ? UnsafeRawPointer(empty.utf8Start) : UnsafeRawPointer(bytes.baseAddress!)
            _ = sqlite3_bind_text(statement.sqliteStatement, index, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
        }
    }

    func bindNull(_ index: Int32) {
        sqlite3_bind_null(statement.sqliteStatement, index)
    }

    /// Inserts one row with the current bindings.
    func insert() throws {
        let code = sqlite3_step(statement.sqliteStatement)
        sqlite3_reset(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            let message = sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement)).map { String(cString: $0) } ?? "unknown error"
            throw StoreError("cannot write to the catalog (SQLite \(code): \(message)) while running \(statement.sql)")
        }
    }
}

extension Row {
    /// The text in column `index`, U+0000 included (GRDB's `String` decoding stops at the
    /// first NUL); nil for SQL NULL. Only a cursor's rows (`Row.fetchCursor`) still hold the
    /// raw bytes: rows copied by `fetchAll` were already decoded by GRDB.
    func text(atIndex index: Int) throws -> String? {
        try withUnsafeData(atIndex: index) { data in data.map { String(decoding: $0, as: UTF8.self) } }
    }

    func text(named column: String) throws -> String? {
        try withUnsafeData(named: column) { data in data.map { String(decoding: $0, as: UTF8.self) } }
    }
}
