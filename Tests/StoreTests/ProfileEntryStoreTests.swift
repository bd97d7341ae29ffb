import Foundation
@testable import Store
import XCTest

/// Issue 13, item 1: a gateway's profile may list gateways, but never over the user's own or another origin's.
final class ProfileEntryStoreTests: StoreTestCase {
    private func entry(_ name: String, _ url: String) -> Gateway { Gateway(name: name, url: url) }

    func testEntriesAreSavedPerOriginAndNeverReplaceTheUsersOrAnotherOrigins() throws {
        let store = try makeStore()
        try store.saveGateway(Gateway(name: "corp", url: "https://vpn.corp.example/", username: "ann"))
        let first = try store.saveProfileEntries([entry("corp", "https://evil.example/"), entry("Lab", "https://lab.example/")],
                                                 origin: "GW.example:443")
        XCTAssertEqual(first.added, ["Lab"])
        XCTAssertEqual(first.refused.map(\.name), ["corp"])
        XCTAssertTrue(first.refused[0].reason.contains("you saved"), first.refused[0].reason)
        let corp = try XCTUnwrap(store.gateway(named: "corp"))
        XCTAssertEqual([corp.url, corp.username], ["https://vpn.corp.example/", "ann"], "the user's entry is untouched")
        let lab = try XCTUnwrap(store.gateway(named: "Lab"))
        XCTAssertEqual(lab.source, .profile)
        XCTAssertEqual(lab.profileOrigin, "gw.example:443", "the origin is the gateway's canonical host:port")

        let other = try store.saveProfileEntries([entry("Lab", "https://elsewhere.example/")], origin: "other.example:443")
        XCTAssertEqual(other.refused, [ProfileEntryRefusal(name: "Lab", reason: "the name is taken by the profile of gw.example:443")])
        XCTAssertEqual(try store.gateway(named: "Lab")?.url, "https://lab.example/")
        XCTAssertEqual(try store.saveProfileEntries([entry("Lab", "https://x.example/")], origin: nil).refused.map(\.name), ["Lab"],
                       "a file import does not replace a gateway's entries either")
    }

    func testTheSameOriginUpdatesAndRemovesItsOwnEntries() throws {
        let store = try makeStore()
        _ = try store.saveProfileEntries([entry("A", "https://a.example/"), entry("B", "https://b.example/")],
                                         origin: "gw.example:443")
        let again = try store.saveProfileEntries([entry("A", "https://a2.example/"), entry("C", "https://c.example/"),
                                                  entry("C", "https://c2.example/")], origin: "gw.example:443")
        XCTAssertEqual(again, ProfileEntryChanges(added: ["C"], changed: ["A"], removed: ["B"],
                                                  refused: [ProfileEntryRefusal(name: "C", reason: "listed twice")]))
        XCTAssertEqual(try store.gateways().map(\.name), ["A", "C"])
        XCTAssertTrue(try store.saveProfileEntries([entry("A", "https://a2.example/"), entry("C", "https://c.example/")],
                                                   origin: "gw.example:443").isEmpty, "nothing changed: nothing to tell")
    }

    /// Issue 13, item 10: one key per gateway, whatever the case or a trailing dot.
    func testPinsAreKeyedByTheCanonicalHostPort() throws {
        let store = try makeStore()
        let pin = "pin-sha256:" + Data(repeating: 1, count: 32).base64EncodedString()
        try store.addTrustedPin(TrustedPin(hostPort: "VPN.Example.com.:443", pin: pin, acceptedAt: date(0), warning: true))
        XCTAssertEqual(try store.trustedPins(for: "vpn.example.com:443").map(\.pin), [pin])
        XCTAssertEqual(try store.allTrust().map(\.hostPort), ["vpn.example.com:443"])
        XCTAssertTrue(try store.clearWarning(hostPort: "vpn.EXAMPLE.com:443", pin: pin))
        XCTAssertEqual(try store.removeTrust(for: "vpn.example.com.:443"), 1)
    }

    func testHostPortKeySpellings() {
        XCTAssertEqual(HostPortKey.parse("VPN.example.COM."), "vpn.example.com:443")
        XCTAssertEqual(HostPortKey.parse("vpn.example.com:8443"), "vpn.example.com:8443")
        XCTAssertEqual(HostPortKey.parse("[2001:DB8::1]:4443"), "2001:db8::1:4443")
        XCTAssertEqual(HostPortKey.parse("[2001:db8::1]"), "2001:db8::1:443")
        XCTAssertEqual(HostPortKey.parse("2001:db8::1:4443"), "2001:db8::1:4443", "the store's own IPv6 spelling")
        XCTAssertEqual(HostPortKey.of(url: "https://Vpn.Example.com./eng"), "vpn.example.com:443")
        XCTAssertEqual(HostPortKey.of(url: "https://[2001:db8::1]:4443/"), "2001:db8::1:4443")
        XCTAssertEqual(HostPortKey.of(url: "https://198.18.0.1:4443/"), "198.18.0.1:4443")
    }
}
