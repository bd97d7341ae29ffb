import GatewayProtocol
import XCTest

final class ReceiveModerationTests: XCTestCase {
    func testARunThatEmptiedTheSocketPausesTheNextPoll() {
        let moderation = ReceiveModeration.standard
        XCTAssertEqual(moderation.pause(afterReceiving: 2, drained: true), 30)
        XCTAssertEqual(moderation.pause(afterReceiving: 64, drained: true), 30)
    }

    func testALoneDatagramNeverWaits() {
        XCTAssertEqual(ReceiveModeration.standard.pause(afterReceiving: 1, drained: true), 0, "a ping is not delayed")
        XCTAssertEqual(ReceiveModeration.standard.pause(afterReceiving: 0, drained: true), 0, "an idle turn")
    }

    func testATurnCutShortByItsBoundDoesNotPause() {
        // More datagrams are already waiting: the next poll returns at once.
        XCTAssertEqual(ReceiveModeration.standard.pause(afterReceiving: 64, drained: false), 0)
    }

    func testOffNeverPausesAndSettingsAreClamped() {
        XCTAssertEqual(ReceiveModeration.off.pause(afterReceiving: 100, drained: true), 0)
        let clamped = ReceiveModeration(pauseMicroseconds: -5, minimumRun: 0)
        XCTAssertEqual(clamped.pauseMicroseconds, 0)
        XCTAssertEqual(clamped.minimumRun, 1)
        XCTAssertEqual(ReceiveModeration(pauseMicroseconds: 10, minimumRun: 0).pause(afterReceiving: 1, drained: true), 10)
    }
}
