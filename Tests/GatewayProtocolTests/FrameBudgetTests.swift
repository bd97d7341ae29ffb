import GatewayProtocol
import XCTest

/// Bounded DPD answers and throttled log lines for odd frames (issue 13, item 7).
final class FrameBudgetTests: XCTestCase {
    func testDPDAnswersAreBounded() {
        XCTAssertTrue(FrameBudget.mayQueueDPDResponse(queued: 0))
        XCTAssertTrue(FrameBudget.mayQueueDPDResponse(queued: FrameBudget.queuedDPDResponses - 1))
        XCTAssertFalse(FrameBudget.mayQueueDPDResponse(queued: FrameBudget.queuedDPDResponses))
    }

    func testAMillionUnknownFramesMakeAFewLines() {
        var throttle = LogThrottle(first: 5, every: 1000)
        let lines = (0..<1_000_000).compactMap { _ in throttle.note("ignored a CSTP packet of unknown type 0x9") }
        XCTAssertEqual(lines.count, 5 + 1000)
        XCTAssertTrue(lines[4].hasSuffix("(further ones are counted, not each logged)"))
        XCTAssertEqual(lines.last, "ignored a CSTP packet of unknown type 0x9 (1000000 so far)")
    }
}
