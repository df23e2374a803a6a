import Foundation
import Jinja

extension JinjaDate {
    /// `YYYY-MM-DD`, as `--date` takes it and the settings record it.
    public var isoDate: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public init?(isoDate text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
        guard isValid else { return nil }
    }

    /// Today in UTC.
    public static func today() -> JinjaDate {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        return JinjaDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)
    }
}
