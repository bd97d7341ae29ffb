import GatewayProtocol
import XCTest

/// Rekey, reconnect and re-login bounds (issue 13, item 12).
final class SessionPolicyTests: XCTestCase {
    private func rekey(_ time: String, method: String = "new-tunnel") throws -> Int? {
        try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.0.0.2"), ("X-CSTP-Rekey-Time", time),
                                                      ("X-CSTP-Rekey-Method", method)])).rekeyInterval
    }

    func testARekeyTimeOfZeroMeansNoRekey() throws {
        XCTAssertNil(try rekey("0"))
    }

    func testATinyRekeyTimeIsRaisedToTheFloor() throws {
        XCTAssertEqual(try rekey("1"), TunnelConfiguration.minimumRekeySeconds)
        XCTAssertEqual(TunnelConfiguration.minimumRekeySeconds, 20)
        XCTAssertEqual(try rekey("3600"), 3600)
        XCTAssertEqual(try rekey("3600", method: "ssl"), 3600)
        XCTAssertNil(try rekey("3600", method: "none"))
    }

    func testShortLivedTunnelsBackOffAndAStableOneResets() {
        var backoff = OutageBackoff()
        XCTAssertEqual(backoff.delayBeforeReconnect(uptimeSeconds: 3600), 0, "a first outage after a long session: at once")
        XCTAssertEqual((0..<7).map { _ in backoff.delayBeforeReconnect(uptimeSeconds: 0.2) }, [1, 2, 4, 8, 16, 30, 30])
        XCTAssertEqual(backoff.delayBeforeReconnect(uptimeSeconds: 120), 0)
        XCTAssertEqual(backoff.delayBeforeReconnect(uptimeSeconds: 1), 1)
    }

    func testACookieRefusedAfterAFreshLoginEndsTheOutage() {
        var schedule = ReconnectSchedule(timeoutSeconds: 300)
        XCTAssertTrue(schedule.mayLogInAfterRefusedCookie())
        XCTAssertFalse(schedule.mayLogInAfterRefusedCookie())
        XCTAssertFalse(schedule.mayLogInAfterRefusedCookie())
    }
}
