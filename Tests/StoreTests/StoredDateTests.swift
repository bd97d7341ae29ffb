import Foundation
import GRDB
@testable import Store
import XCTest

/// The store's own date text must be GRDB's, byte for byte: databases written through GRDB's `Date` are read back
/// by `StoredDate`, and rows are ordered by that text.
final class StoredDateTests: XCTestCase {
    /// Dates across eras, leap days, the epoch, and sub-millisecond fractions either side of a half.
    private var samples: [Date] {
        var dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -0.0004),
            Date(timeIntervalSince1970: 951_782_400),          // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_400),        // 2100-03-01
            Date(timeIntervalSince1970: -2_208_988_800),       // 1900-01-01
            Date(timeIntervalSince1970: 1_796_188_128.8645),   // a half millisecond
            Date(timeIntervalSince1970: 1_796_188_128.9996),   // rounds into the next second
            Date(timeIntervalSince1970: 253_402_300_799.999),  // 9999-12-31 23:59:59.999
        ]
        var seed: UInt64 = 0x5eed
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Double(seed >> 11) / Double(1 << 53) * 8_000_000_000 - 2_000_000_000
            dates.append(Date(timeIntervalSince1970: seconds))
        }
        return dates
    }

    func testTextIsGRDBsText() {
        for date in samples {
            XCTAssertEqual(StoredDate.text(date), date.databaseValue.storage.value as? String,
                           "\(date.timeIntervalSince1970)")
        }
    }

    func testParsesWhatGRDBWritesToTheSameDate() {
        for date in samples {
            let text = StoredDate.text(date)
            guard let ours = StoredDate.parse(text), let grdbs = Date.fromDatabaseValue(text.databaseValue) else {
                return XCTFail("\(text) did not parse")
            }
            XCTAssertEqual(ours.timeIntervalSince1970, grdbs.timeIntervalSince1970, accuracy: 1e-6, text)
            XCTAssertEqual(StoredDate.text(ours), text)
        }
    }

    func testShorterFormsZonesAndNumbers() throws {
        let cases: [(String, Double)] = [
            ("2026-12-02", 1_796_169_600), ("2026-12-02 05:09", 1_796_188_140), ("2026-12-02T05:09:33", 1_796_188_173),
            ("2026-12-02 05:09:33.25", 1_796_188_173.25), ("2026-12-02 05:09:33Z", 1_796_188_173),
            ("2026-12-02 06:09:33+01:00", 1_796_188_173), ("2026-12-02 00:09:33-05:00", 1_796_188_173),
        ]
        for (text, seconds) in cases {
            XCTAssertEqual(try XCTUnwrap(StoredDate.parse(text), text).timeIntervalSince1970, seconds, accuracy: 1e-6, text)
        }
        XCTAssertEqual(StoredDate.fromDatabaseValue(1_796_188_173.databaseValue)?.date.timeIntervalSince1970, 1_796_188_173)
        XCTAssertEqual(StoredDate.fromDatabaseValue(0.5.databaseValue)?.date.timeIntervalSince1970, 0.5)
        XCTAssertNil(StoredDate.fromDatabaseValue(.null))
    }

    func testRefusesWhatIsNotADate() {
        for text in ["", "2026-13-01", "2026-02-30", "2025-02-29", "2026-12-02 24:00", "2026-12-02 05:60",
                     "2026-12-02 05:09:61", "2026-12-02 05:09:33.", "2026-12-02 05:09:33 ", "26-12-02", "2026/12/02",
                     "2026-12-02\u{0}", "２０２６-12-02", "2026-12-02 05:09+1:00"] {
            XCTAssertNil(StoredDate.parse(text), text)
        }
        XCTAssertNotNil(StoredDate.parse("2024-02-29"))
        XCTAssertNotNil(StoredDate.parse("2000-02-29"))
        XCTAssertNil(StoredDate.parse("1900-02-29"))
    }
}
