import GatewayProtocol
import XCTest

/// DPD and keepalive decisions with time passed in (protocol.md §5.1): no sleeps.
final class KeepalivePolicyTests: XCTestCase {
    func testDPDAfterSilenceRepeatedEveryHalfIntervalThenDead() {
        var policy = KeepalivePolicy(dpd: 10, keepalive: nil, now: 0)
        XCTAssertEqual(policy.nextDeadline(), 10)
        XCTAssertEqual(policy.action(now: 9.9), .none)
        XCTAssertEqual(policy.action(now: 10), .sendDPD)
        XCTAssertEqual(policy.action(now: 12), .none, "one request outstanding")
        XCTAssertEqual(policy.nextDeadline(), 15)
        XCTAssertEqual(policy.action(now: 15), .sendDPD, "repeated after dpd/2")
        XCTAssertEqual(policy.action(now: 20), .dead, "nothing for 2×dpd")
    }

    func testAnAnswerResetsTheClock() {
        var policy = KeepalivePolicy(dpd: 10, keepalive: nil, now: 0)
        XCTAssertEqual(policy.action(now: 10), .sendDPD)
        policy.received(now: 11)
        XCTAssertEqual(policy.action(now: 20), .none)
        XCTAssertEqual(policy.action(now: 21), .sendDPD)
    }

    func testKeepaliveWhenNothingWasSent() {
        var policy = KeepalivePolicy(dpd: nil, keepalive: 30, now: 0)
        policy.sent(now: 20)
        XCTAssertEqual(policy.action(now: 49), .none)
        XCTAssertEqual(policy.action(now: 50), .sendKeepalive)
        XCTAssertEqual(policy.action(now: 51), .none)
        XCTAssertEqual(policy.nextDeadline(), 80)
    }

    func testZeroMeansOff() {
        var policy = KeepalivePolicy(dpd: 0, keepalive: 0, now: 0)
        XCTAssertNil(policy.nextDeadline())
        XCTAssertEqual(policy.action(now: 1_000_000), .none)
    }
}
