import GatewayProtocol
import XCTest

final class ReceiveModerationTests: XCTestCase {
    private let moderation = ReceiveModeration.standard

    /// A download: full datagrams in, the local TCP's ACKs out of the tun.
    func testADownloadRunThatEmptiedTheSocketPausesTheNextPoll() {
        XCTAssertEqual(moderation.pause(after: .init(records: 2, recordBytes: 2800, drained: true, tunBytes: 52)), 30)
        XCTAssertEqual(moderation.pause(after: .init(records: 64, recordBytes: 89_000, drained: true)), 30)
    }

    func testALoneDatagramNeverWaits() {
        XCTAssertEqual(moderation.pause(after: .init(records: 1, recordBytes: 1400, drained: true)), 0, "a ping is not delayed")
        XCTAssertEqual(moderation.pause(after: .init(drained: true)), 0, "an idle turn")
        XCTAssertEqual(moderation.pause(after: .init()), 0, "a turn that read nothing")
    }

    func testATurnCutShortByItsBoundDoesNotPause() {
        // More datagrams are already waiting: the next poll returns at once.
        XCTAssertEqual(moderation.pause(after: .init(records: 64, recordBytes: 89_000, drained: false)), 0)
    }

    /// An upload: the gateway's ACKs arrive as a run, but the tun holds the data to send, which a pause holds back.
    func testAnUploadTurnDoesNotPause() {
        XCTAssertEqual(moderation.pause(after: .init(records: 6, recordBytes: 6 * 53, drained: true, tunBytes: 64 * 1434)), 0)
        XCTAssertEqual(moderation.pause(after: .init(records: 6, recordBytes: 6 * 53, drained: true)), 0,
                       "a run of ACKs in a turn the tun had nothing: still no bulk data received")
        XCTAssertEqual(moderation.pause(after: .init(records: 4, recordBytes: 4000, drained: true, tunBytes: 4000)), 0,
                       "as much sent as received")
    }

    func testOffNeverPausesAndSettingsAreClamped() {
        XCTAssertEqual(ReceiveModeration.off.pause(after: .init(records: 100, recordBytes: 140_000, drained: true)), 0)
        let clamped = ReceiveModeration(pauseMicroseconds: -5, minimumRun: 0, minimumMeanBytes: -1)
        XCTAssertEqual(clamped.pauseMicroseconds, 0)
        XCTAssertEqual(clamped.minimumRun, 1)
        XCTAssertEqual(clamped.minimumMeanBytes, 0)
        XCTAssertEqual(ReceiveModeration(pauseMicroseconds: 10, minimumRun: 0, minimumMeanBytes: 0)
            .pause(after: .init(records: 1, recordBytes: 100, drained: true)), 10)
    }
}
