@testable import Engine
import XCTest

/// Issue 14, item 5: what the teardown check reads and how it says what is left.
final class NetworkSnapshotTests: XCTestCase {
    private let route4 = """
        Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
        eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
        eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
        """
    private let route6 = """
        20010db8000500000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
        00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000003 00000000 00000003     eth0
        20010db8000500000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
        fe80000000000000dcfd1ffffe69abe4 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001     eth0
        ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
        """

    func testProcRoutesAreReadAsIPWouldNameThem() {
        let v4 = NetworkSnapshot.routes4(route4)
        XCTAssertEqual(v4.map(\.description), ["route 0.0.0.0/0 dev eth0 via 192.0.2.1", "route 192.0.2.0/24 dev eth0"])
        XCTAssertEqual(v4[0].deleteArguments, ["route", "del", "0.0.0.0/0", "dev", "eth0", "via", "192.0.2.1", "metric", "100"])
        let v6 = NetworkSnapshot.routes6(route6)
        XCTAssertEqual(v6.map(\.description), ["IPv6 route 2001:db8:5::/64 dev eth0", "IPv6 route ::/0 dev eth0 via fe80::1"],
                       "local-table and multicast entries are left out")
        XCTAssertEqual(v6[1].deleteArguments.prefix(3), ["-6", "route", "del"])
    }

    func testLeftoversSayExactlyWhatIsStillThere() {
        let before = NetworkSnapshot(routes: NetworkSnapshot.routes4(route4), resolvConf: "nameserver 127.0.0.1\n")
        XCTAssertEqual(NetworkSnapshot.leftovers(before: before, after: before, tun: "tun0", tunPresent: false), [])
        var after = before
        let extra = NetworkSnapshot.Route(ipv6: false, destination: "10.50.0.0/16", interface: "eth0", gateway: "192.0.2.1", metric: 0)
        after.routes.append(extra)
        after.resolvConf = "nameserver 198.19.0.1\n"
        XCTAssertEqual(NetworkSnapshot.leftovers(before: before, after: after, tun: "tun0", tunPresent: true), [
            "the tun tun0", "route 10.50.0.0/16 dev eth0 via 192.0.2.1", "/etc/resolv.conf changed (nameserver 198.19.0.1)",
        ])
        XCTAssertEqual(NetworkSnapshot.addedRoutes(before: before, after: after), [extra])
    }
}
