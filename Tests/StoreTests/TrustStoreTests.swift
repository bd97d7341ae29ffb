import Foundation
@testable import Store
import XCTest

final class TrustStoreTests: StoreTestCase {
    private func pin(_ byte: UInt8) -> String {
        "pin-sha256:" + Data(repeating: byte, count: 32).base64EncodedString()
    }

    private func accepted(_ hostPort: String, _ byte: UInt8, at offset: TimeInterval, warning: Bool = true) -> TrustedPin {
        TrustedPin(hostPort: hostPort, pin: pin(byte), subject: "CN=vpn.example.com", issuer: "CN=Example CA",
                   notAfter: "2030-01-01T00:00:00Z", reasons: ["self-signed certificate", "host name mismatch"],
                   acceptedAt: date(offset), warning: warning)
    }

    func testTrustRoundTripsEveryField() throws {
        let store = try makeStore()
        let trust = accepted("vpn.example.com:443", 1, at: 0)
        try store.addTrustedPin(trust)
        XCTAssertEqual(try store.trustedPins(for: "vpn.example.com:443"), [trust])
        XCTAssertEqual(try store.trustedPins(for: "vpn.example.com:8443"), [])

        let byHand = TrustedPin(hostPort: "lab:443", pin: pin(9), acceptedAt: date(1), warning: false)
        try store.addTrustedPin(byHand)
        XCTAssertEqual(try store.trustedPins(for: "lab:443"), [byHand], "subject, issuer and expiry may be unknown")
    }

    func testAddingTheSamePinAgainUpdatesIt() throws {
        let store = try makeStore()
        try store.addTrustedPin(accepted("vpn.example.com:443", 1, at: 0))
        var again = accepted("vpn.example.com:443", 1, at: 50, warning: false)
        again.reasons = []
        again.notAfter = "2031-01-01T00:00:00Z"
        try store.addTrustedPin(again)
        XCTAssertEqual(try store.trustedPins(for: "vpn.example.com:443"), [again])
    }

    func testAHostMayHaveSeveralPins() throws {
        let store = try makeStore()
        let old = accepted("vpn.example.com:443", 1, at: 0)
        let renewed = accepted("vpn.example.com:443", 2, at: 100)
        let other = accepted("other.example.com:443", 1, at: 50)
        try store.addTrustedPin(renewed)
        try store.addTrustedPin(old)
        try store.addTrustedPin(other)
        XCTAssertEqual(try store.trustedPins(for: "vpn.example.com:443"), [old, renewed], "oldest first")
        XCTAssertEqual(try store.allTrust(), [other, old, renewed], "by host:port, then oldest first")
    }

    func testRemoveTrustForgetsEveryPinOfThatHostOnly() throws {
        let store = try makeStore()
        try store.addTrustedPin(accepted("vpn.example.com:443", 1, at: 0))
        try store.addTrustedPin(accepted("vpn.example.com:443", 2, at: 1))
        try store.addTrustedPin(accepted("other.example.com:443", 1, at: 2))
        XCTAssertEqual(try store.removeTrust(for: "vpn.example.com:443"), 2)
        XCTAssertEqual(try store.removeTrust(for: "vpn.example.com:443"), 0)
        XCTAssertEqual(try store.allTrust().map(\.hostPort), ["other.example.com:443"])
    }

    func testClearWarningAffectsOnlyThatPin() throws {
        let store = try makeStore()
        try store.addTrustedPin(accepted("vpn.example.com:443", 1, at: 0))
        try store.addTrustedPin(accepted("vpn.example.com:443", 2, at: 1))
        XCTAssertTrue(try store.clearWarning(hostPort: "vpn.example.com:443", pin: pin(2)))
        XCTAssertEqual(try store.trustedPins(for: "vpn.example.com:443").map(\.warning), [true, false])
        XCTAssertFalse(try store.clearWarning(hostPort: "vpn.example.com:443", pin: pin(3)))
        let kept = try store.trustedPins(for: "vpn.example.com:443")[1]
        XCTAssertEqual(kept.reasons, ["self-signed certificate", "host name mismatch"],
                       "the reasons stay as the record of what was accepted")
    }

    func testMalformedPinsAreRefused() throws {
        let store = try makeStore()
        for bad in ["sha256:abc", "pin-sha256:not base64!", "pin-sha256:" + Data(count: 20).base64EncodedString()] {
            assertStoreError(.invalidPin(bad)) {
                try store.addTrustedPin(TrustedPin(hostPort: "h:443", pin: bad, acceptedAt: self.date(0), warning: true))
            }
        }
        XCTAssertEqual(try store.allTrust(), [])
    }
}
