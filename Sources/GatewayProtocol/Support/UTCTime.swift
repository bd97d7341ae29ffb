import Foundation

/// Dates as UTC calendar fields and text, in plain arithmetic on the proleptic Gregorian calendar. Foundation's
/// calendars resolve the local time zone through ICU even for a UTC format, which loads ICU's code and zone data
/// (megabytes of resident pages, milliseconds of start-up) for the timestamps of events, logs and the store
/// (docs/PERFORMANCE.md, issue 12).
public enum UTCTime {
    public struct Fields: Equatable, Sendable {
        public var year, month, day, hour, minute, second, millisecond: Int
    }

    /// Milliseconds rounded to nearest (half up).
    public static func fields(_ date: Date) -> Fields {
        let milliseconds = Int64(((date.timeIntervalSince1970 * 1000) + 0.5).rounded(.down))
        var days = milliseconds / 86_400_000
        var rest = milliseconds % 86_400_000
        if rest < 0 { days -= 1; rest += 86_400_000 }
        let (year, month, day) = civil(fromDays: days)
        let seconds = Int(rest / 1000)
        return Fields(year: year, month: month, day: day, hour: seconds / 3600, minute: seconds / 60 % 60,
                      second: seconds % 60, millisecond: Int(rest % 1000))
    }

    /// "2026-12-02T05:08:49Z", or with milliseconds "2026-12-02T05:08:49.288Z".
    public static func iso8601(_ date: Date, milliseconds: Bool) -> String {
        text(date, separator: "T", milliseconds: milliseconds, zone: "Z")
    }

    /// "YYYY-MM-DD", the separator, "HH:MM:SS", then ".SSS" if asked, then the zone text.
    public static func text(_ date: Date, separator: String, milliseconds: Bool, zone: String) -> String {
        let f = fields(date)
        return pad(f.year, 4) + "-" + pad(f.month, 2) + "-" + pad(f.day, 2) + separator + pad(f.hour, 2) + ":"
            + pad(f.minute, 2) + ":" + pad(f.second, 2) + (milliseconds ? "." + pad(f.millisecond, 3) : "") + zone
    }

    /// Days since 1970-01-01 of a civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms": 400-year
    /// eras of 146097 days, years counted from March so that the leap day comes last).
    public static func days(fromYear year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * Int64(month > 2 ? month - 3 : month + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day counted from 1970-01-01; the inverse of `days(fromYear:month:day:)`.
    public static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Zero-padded decimal; wider values are kept whole.
    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
