import Foundation
import GatewayProtocol
internal import GRDB

/// A date as the store keeps it: UTC text "YYYY-MM-DD HH:MM:SS.SSS", the format GRDB gives `Date`, so databases
/// written before read the same and text order stays time order. Formatted and parsed here in plain arithmetic:
/// GRDB's own conversion goes through `DateFormatter` and an ICU calendar, and loading ICU's code and data for a
/// dozen timestamps cost every start about 4 MB of resident pages and several ms (docs/PERFORMANCE.md, issue 12).
struct StoredDate: DatabaseValueConvertible {
    let date: Date

    init(_ date: Date) { self.date = date }

    var databaseValue: DatabaseValue { Self.text(date).databaseValue }

    /// Text as written, or a number of seconds since 1970 (GRDB reads both as a `Date`).
    static func fromDatabaseValue(_ value: DatabaseValue) -> StoredDate? {
        switch value.storage {
        case .int64(let seconds): return StoredDate(Date(timeIntervalSince1970: Double(seconds)))
        case .double(let seconds): return StoredDate(Date(timeIntervalSince1970: seconds))
        case .string(let text): return parse(text).map(StoredDate.init)
        case .null, .blob: return nil
        }
    }

    /// Milliseconds rounded to nearest, as GRDB's formatter writes them (CFDateFormatter adds half a millisecond
    /// before ICU truncates).
    static func text(_ date: Date) -> String {
        UTCTime.text(date, separator: " ", milliseconds: true, zone: "")
    }

    /// "YYYY-MM-DD", then optionally " HH:MM", ":SS", ".fraction" (a "T" may stand for the space), then optionally
    /// "Z" or "±HH:MM" (SQLite's date formats). Nil for anything else, and for fields out of range.
    static func parse(_ text: String) -> Date? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"), let month = scanner.number(digits: 2),
              scanner.skip("-"), let day = scanner.number(digits: 2),
              (1...12).contains(month), (1...UTCTime.daysIn(month: month, year: year)).contains(day) else { return nil }
        var seconds = Double(UTCTime.days(fromYear: year, month: month, day: day)) * 86_400
        if scanner.skip(" ") || scanner.skip("T") {
            guard let hour = scanner.number(digits: 2), scanner.skip(":"), let minute = scanner.number(digits: 2),
                  hour < 24, minute < 60 else { return nil }
            seconds += Double(hour * 3600 + minute * 60)
            if scanner.skip(":") {
                guard let second = scanner.number(digits: 2), second < 60 else { return nil }
                seconds += Double(second)
                if scanner.skip(".") {
                    guard let fraction = scanner.fraction() else { return nil }
                    seconds += fraction
                }
            }
            if !scanner.skip("Z"), let sign = scanner.sign() {
                guard let hours = scanner.number(digits: 2), scanner.skip(":"), let minutes = scanner.number(digits: 2),
                      hours < 24, minutes < 60 else { return nil }
                seconds -= Double(sign * (hours * 3600 + minutes * 60))
            }
        }
        return scanner.atEnd ? Date(timeIntervalSince1970: seconds) : nil
    }
}

/// Reads fixed-width ASCII numbers off the front of some bytes.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func number(digits: Int) -> Int? {
        guard index + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + digits] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    /// One or more digits after a decimal point, as a fraction of one.
    mutating func fraction() -> Double? {
        var value = 0.0
        var scale = 1.0
        let start = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            scale /= 10
            value += Double(bytes[index] - UInt8(ascii: "0")) * scale
            index += 1
        }
        return index > start ? value : nil
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
