/// A fixed date and time for `strftime_now`, so renders are reproducible.
public struct JinjaDate: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second) = (year, month, day, hour, minute, second)
    }

    /// A real calendar date and time of day (Python's `datetime` accepts no other).
    public var isValid: Bool {
        guard (1...9999).contains(year), (1...12).contains(month), (0...23).contains(hour),
              (0...59).contains(minute), (0...59).contains(second) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// 0 = Monday ... 6 = Sunday.
    var weekday: Int { ((daysSinceEpoch % 7) + 7 + 3) % 7 }

    var dayOfYear: Int {
        daysSinceEpoch - JinjaDate(year: year, month: 1, day: 1).daysSinceEpoch + 1
    }
}

/// Python's `datetime.strftime` in the C locale for the common codes; glibc's `%-d` style
/// (no padding) too. Unknown codes are copied through, as glibc does.
enum Strftime {
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"]
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    static func format(_ format: String, _ date: JinjaDate) -> String {
        var out = ""
        var scalars = format.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else { out.unicodeScalars.append(scalar); continue }
            guard var code = scalars.next() else { out += "%"; break }
            var pad = true
            if code == "-" {
                pad = false
                guard let next = scalars.next() else { out += "%-"; break }
                code = next
            }
            func number(_ value: Int, _ width: Int) -> String {
                let digits = String(value)
                return pad ? String(repeating: "0", count: max(0, width - digits.count)) + digits : digits
            }
            switch code {
            case "d": out += number(date.day, 2)
            case "m": out += number(date.month, 2)
            case "Y": out += String(date.year)
            case "y": out += number(date.year % 100, 2)
            case "B": out += months[date.month - 1]
            case "b", "h": out += String(months[date.month - 1].prefix(3))
            case "A": out += weekdays[date.weekday]
            case "a": out += String(weekdays[date.weekday].prefix(3))
            case "H": out += number(date.hour, 2)
            case "I": out += number(date.hour % 12 == 0 ? 12 : date.hour % 12, 2)
            case "p": out += date.hour < 12 ? "AM" : "PM"
            case "M": out += number(date.minute, 2)
            case "S": out += number(date.second, 2)
            case "j": out += number(date.dayOfYear, 3)
            case "e": out += pad ? (date.day < 10 ? " " : "") + String(date.day) : String(date.day)
            case "u": out += String(date.weekday + 1)
            case "w": out += String((date.weekday + 1) % 7)
            case "F": out += "\(date.year)-\(number(date.month, 2))-\(number(date.day, 2))"
            case "%": out += "%"
            default:
                out += pad ? "%" : "%-"
                out.unicodeScalars.append(code)
            }
        }
        return out
    }
}
