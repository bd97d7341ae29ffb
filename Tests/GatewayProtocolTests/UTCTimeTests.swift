import Foundation
@testable import GatewayProtocol
import XCTest

final class UTCTimeTests: XCTestCase {
    func testCivilDaysRoundTripAndAgreeWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for days in stride(from: Int64(-800_000), through: 3_000_000, by: 997) {
            let (year, month, day) = UTCTime.civil(fromDays: days)
            XCTAssertEqual(UTCTime.days(fromYear: year, month: month, day: day), days)
            XCTAssertTrue((1...UTCTime.daysIn(month: month, year: year)).contains(day))
            if year > 1600 {  // Foundation's Gregorian calendar switches to Julian before 1582
                let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(days) * 86_400))
                XCTAssertEqual([parts.year, parts.month, parts.day], [year, month, day], "day \(days)")
            }
        }
    }

    func testISO8601IsFoundationsText() {
        var seed: UInt64 = 0x1507
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Double(Int64(seed >> 31) % 8_000_000_000 - 2_000_000_000)
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(UTCTime.iso8601(date, milliseconds: false), date.formatted(.iso8601))
        }
    }

    func testMillisecondsRoundToNearestAndCarry() {
        XCTAssertEqual(UTCTime.iso8601(Date(timeIntervalSince1970: 1_796_188_129.288), milliseconds: true),
                       "2026-12-02T05:08:49.288Z")
        XCTAssertEqual(UTCTime.iso8601(Date(timeIntervalSince1970: 1_796_188_129.9996), milliseconds: true),
                       "2026-12-02T05:08:50.000Z")
        XCTAssertEqual(UTCTime.iso8601(Date(timeIntervalSince1970: 1_796_169_599.9999), milliseconds: true),
                       "2026-12-02T00:00:00.000Z")
        XCTAssertEqual(UTCTime.iso8601(Date(timeIntervalSince1970: -0.25), milliseconds: true), "1969-12-31T23:59:59.750Z")
        XCTAssertEqual(UTCTime.iso8601(Date(timeIntervalSince1970: 951_825_600), milliseconds: false), "2000-02-29T12:00:00Z")
        XCTAssertEqual(UTCTime.fields(Date(timeIntervalSince1970: 4_107_542_399.5)),
                       UTCTime.Fields(year: 2100, month: 2, day: 28, hour: 23, minute: 59, second: 59, millisecond: 500))  // 2100 is not leap
    }
}
