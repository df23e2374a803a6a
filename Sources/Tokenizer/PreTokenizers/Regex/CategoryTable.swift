/// Each scalar's general category (as Oniguruma sees it) and `\s` membership in one byte:
/// bits 0-4 the index into `UnicodeTables.categoryNames`, bit 5 set for `\s`. The compiled
/// regexes map this key to their class masks. Two stages like `CharClassTable`; built on first use.
struct CategoryTable: Sendable {
    private let table: TwoStageTable

    static let whitespaceBit: UInt8 = 0x20
    /// Number of distinct keys.
    static let keyCount = 64

    static let shared = CategoryTable()

    private init() {
        let unassigned = UInt8(UnicodeTables.categoryNames.count - 1)
        let flat = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x110000)
        defer { flat.deallocate() }
        flat.initialize(repeating: unassigned, count: 0x110000)
        let runs = UnicodeTables.generalCategory
        var r = 0
        while r + 2 < runs.count {
            for cp in Int(runs[r])...Int(runs[r + 1]) { flat[cp] = UInt8(runs[r + 2]) }
            r += 3
        }
        markRanges(flat, UnicodeTables.whitespace, Self.whitespaceBit)
        table = TwoStageTable(flat: flat)
    }

    /// The key of `cp` (a valid scalar).
    @inline(__always)
    func key(_ cp: UInt32) -> Int {
        Int(table[cp])
    }
}
