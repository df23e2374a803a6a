import GRDB
import GRDBSQLite

/// A prepared INSERT bound through SQLite's C API. GRDB's `StatementArguments` box every
/// value, which for narrow rows (a split, a pair) costs more than the insert itself.
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

    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(statement.sqliteStatement, index, value) } else { sqlite3_bind_null(statement.sqliteStatement, index) }
    }

    /// Text is copied by SQLite (SQLITE_TRANSIENT), so `value` need not outlive the call.
    func bind(_ index: Int32, _ value: String) {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        _ = value.withCString { sqlite3_bind_text(statement.sqliteStatement, index, $0, -1, transient) }
    }

    /// Inserts one row with the current bindings.
    func insert() throws {
        let code = sqlite3_step(statement.sqliteStatement)
        sqlite3_reset(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            let message = sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement)).map { String(cString: $0) } ?? "unknown error"
            throw PairsError("cannot write to the catalog (SQLite \(code): \(message)) while running \(statement.sql)")
        }
    }
}
