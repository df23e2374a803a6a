/// ISO 8601 text for DATE, TIME and TIMESTAMP values in the proleptic Gregorian calendar.
enum Temporal {
    /// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func appendDate(days: Int64, to out: inout [UInt8]) {
        let (year, month, day) = civil(fromDays: days)
        if year < 0 { out.append(UInt8(ascii: "-")) }
        appendPadded(year.magnitude, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(UInt64(month), width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendPadded(UInt64(day), width: 2, to: &out)
    }

    /// `HH:MM:SS.fff` with as many fraction digits as the unit has.
    static func appendTimeOfDay(_ ticks: Int64, unit: TimeUnit, to out: inout [UInt8]) {
        let (seconds, fraction) = floorDivide(ticks, unit.perSecond)
        let (_, secondOfDay) = floorDivide(seconds, 86_400)
        appendPadded(UInt64(secondOfDay / 3600), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(UInt64(secondOfDay / 60 % 60), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendPadded(UInt64(secondOfDay % 60), width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendPadded(UInt64(fraction), width: unit.fractionDigits, to: &out)
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffff`, plus `Z` when the value is adjusted to UTC.
    static func appendTimestamp(_ ticks: Int64, unit: TimeUnit, utc: Bool, to out: inout [UInt8]) {
        let (seconds, _) = floorDivide(ticks, unit.perSecond)
        let (days, _) = floorDivide(seconds, 86_400)
        appendDate(days: days, to: &out)
        out.append(UInt8(ascii: "T"))
        appendTimeOfDay(ticks, unit: unit, to: &out)
        if utc { out.append(UInt8(ascii: "Z")) }
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        var q = a / b, r = a % b
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }

    static func appendPadded(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        var digits: [UInt8] = []
        var v = value
        repeat {
            digits.append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        } while v > 0
        if digits.count < width { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count)) }
        out.append(contentsOf: digits.reversed())
    }
}
