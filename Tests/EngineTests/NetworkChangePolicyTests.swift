@testable import Engine
import XCTest

/// Issue 14, items 2 and 3: the held gateway address and which route messages mean a new network.
final class NetworkChangePolicyTests: XCTestCase {
    private let wifi = DefaultRoutes.Route(gateway: [192, 168, 1, 1], interfaceIndex: 3, priority: 600)
    private let cable = DefaultRoutes.Route(gateway: [10, 0, 0, 1], interfaceIndex: 2, priority: 100)

    func testARefreshOfAKnownDefaultRouteIsNoChange() {
        var routes = DefaultRoutes([wifi])
        XCTAssertNil(routes.added(wifi), "ip route replace with the same values, or an RA renewing the route")
        XCTAssertNil(routes.added(wifi))
    }

    func testANewDefaultRouteAndARemovedOneAreChanges() {
        var routes = DefaultRoutes([wifi])
        XCTAssertEqual(routes.added(cable), "a default route was added")
        XCTAssertNil(routes.added(cable), "seen once, a repeat is a refresh")
        XCTAssertEqual(routes.removed(wifi), "a default route was removed")
        XCTAssertNil(routes.removed(wifi), "already gone")
        XCTAssertNil(routes.removed(DefaultRoutes.Route(gateway: [], interfaceIndex: 9, priority: 0)), "never there")
    }

    func testOnlyDefaultRoutesOfTheConnectionsFamilyOutsideTheTunMatter() {
        let inet: UInt8 = 2, inet6: UInt8 = 10
        XCTAssertTrue(DefaultRoutes.concerns(family: inet, destinationLength: 0, table: 254, outputInterface: 2,
                                             connectionFamily: inet, tunIndex: 7))
        XCTAssertFalse(DefaultRoutes.concerns(family: inet6, destinationLength: 0, table: 254, outputInterface: 2,
                                              connectionFamily: inet, tunIndex: 7), "an IPv6 RA under an IPv4 connection")
        XCTAssertFalse(DefaultRoutes.concerns(family: inet, destinationLength: 24, table: 254, outputInterface: 2,
                                              connectionFamily: inet, tunIndex: 7), "not a default route")
        XCTAssertFalse(DefaultRoutes.concerns(family: inet, destinationLength: 0, table: 255, outputInterface: 2,
                                              connectionFamily: inet, tunIndex: 7), "the local table")
        XCTAssertFalse(DefaultRoutes.concerns(family: inet, destinationLength: 0, table: 254, outputInterface: 7,
                                              connectionFamily: inet, tunIndex: 7), "the script's route on the tun")
    }

    func testTheHeldAddressBelongsToOneGateway() {
        let held = HeldAddress(host: "VPN.example.com", port: 443, address: "192.0.2.7")
        XCTAssertEqual(held.address(host: "vpn.example.com", port: 443), "192.0.2.7")
        XCTAssertNil(held.address(host: "vpn.example.com", port: 8443))
        XCTAssertNil(held.address(host: "member2.example.com", port: 443), "a cluster member is resolved afresh")
    }
}
