import GatewayProtocol
import XCTest

/// Issue 14, item 4: the user's split tunnel and DNS on top of what the gateway pushed.
final class NetworkOverridesTests: XCTestCase {
    private func pushed(_ headers: [(String, String)]) throws -> TunnelConfiguration {
        try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "198.19.0.50"), ("X-CSTP-Netmask", "255.255.255.0")] + headers))
    }

    private func script(_ configuration: TunnelConfiguration) -> [String: String] {
        ScriptEnvironment(reason: "connect", configuration: configuration, tunDevice: "tun0", gatewayAddress: "198.18.0.1",
                          pid: 1, mtu: 1300).variables
    }

    func testAnExtraSubnetGoesInAndAPushedOneIsKeptOut() throws {
        let gateway = try pushed([("X-CSTP-Split-Include", "198.19.0.0/255.255.255.0"),
                                  ("X-CSTP-Split-Include", "10.50.0.0/255.255.0.0")])
        let mine = NetworkOverrides(include: ["10.60.0.0/16"], exclude: ["10.50.0.0/16"])
        let env = script(mine.applied(to: gateway))
        XCTAssertEqual(env["CISCO_SPLIT_INC"], "2")
        XCTAssertEqual([env["CISCO_SPLIT_INC_0_ADDR"], env["CISCO_SPLIT_INC_1_ADDR"]], ["198.19.0.0", "10.60.0.0"])
        XCTAssertEqual(env["CISCO_SPLIT_EXC"], "1")
        XCTAssertEqual(env["CISCO_SPLIT_EXC_0_ADDR"], "10.50.0.0")
        XCTAssertEqual(env["CISCO_SPLIT_EXC_0_MASKLEN"], "16")
    }

    func testUnderAFullTunnelAnIncludeChangesNothingAndAnExcludeIsRoutedOutside() throws {
        let mine = NetworkOverrides(include: ["10.60.0.0/16"], exclude: ["192.168.7.0/24"])
        let env = script(mine.applied(to: try pushed([])))
        XCTAssertNil(env["CISCO_SPLIT_INC"], "still a full tunnel: an include must not turn it into a split one")
        XCTAssertEqual(env["CISCO_SPLIT_EXC_0_ADDR"], "192.168.7.0")
    }

    func testExcludingEveryPushedIncludeDoesNotMakeAFullTunnel() throws {
        let mine = NetworkOverrides(exclude: ["10.50.0.0/16"])
        let env = script(mine.applied(to: try pushed([("X-CSTP-Split-Include", "10.50.0.0/16")])))
        XCTAssertEqual(env["CISCO_SPLIT_INC"], "1")
        XCTAssertEqual(env["CISCO_SPLIT_INC_0_ADDR"], "198.19.0.50")
        XCTAssertEqual(env["CISCO_SPLIT_INC_0_MASKLEN"], "32")
    }

    func testOnlyTheseDomainsThroughTheVPNsDNS() throws {
        let gateway = try pushed([("X-CSTP-DNS", "198.19.0.1"), ("X-CSTP-Default-Domain", "gw.example"),
                                  ("X-CSTP-Split-DNS", "other.example")])
        let env = script(NetworkOverrides(dnsDomains: ["corp.example.com", "example.net"]).applied(to: gateway))
        XCTAssertEqual(env["CISCO_SPLIT_DNS"], "corp.example.com,example.net")
        XCTAssertNil(env["CISCO_DEF_DOMAIN"], "the gateway's domain is not made the search domain")
        XCTAssertEqual(env["INTERNAL_IP4_DNS"], "198.19.0.1", "the VPN's DNS server is still the one asked")
    }

    func testIPv6RoutesAreMatchedWithoutCase() throws {
        let gateway = try pushed([("X-CSTP-Address-IP6", "2001:db8:1::5/64"), ("X-CSTP-Split-Include-IP6", "2001:db8:2::/48"),
                                  ("X-CSTP-Split-Include-IP6", "2001:db8:3::/48")])
        let env = script(NetworkOverrides(include: ["2001:db8:4::/48"], exclude: ["2001:DB8:3::/48"]).applied(to: gateway))
        XCTAssertEqual(env["CISCO_IPV6_SPLIT_INC"], "2")
        XCTAssertEqual(env["CISCO_IPV6_SPLIT_INC_1_ADDR"], "2001:db8:4::")
        XCTAssertEqual(env["CISCO_IPV6_SPLIT_EXC_0_ADDR"], "2001:db8:3::")
    }

    func testValuesTheUserTypedAreChecked() {
        XCTAssertNil(NetworkOverrides.routeProblem("10.1.0.0/16"))
        XCTAssertNil(NetworkOverrides.routeProblem("10.1.0.0/255.255.0.0"))
        XCTAssertNil(NetworkOverrides.routeProblem("2001:db8::/48"))
        XCTAssertNotNil(NetworkOverrides.routeProblem("10.1.0.0"), "a network needs its prefix")
        XCTAssertNotNil(NetworkOverrides.routeProblem("corp.example.com"))
        XCTAssertNotNil(NetworkOverrides.routeProblem("10.1.0.0/33"))
        XCTAssertNil(NetworkOverrides.domainProblem("corp.example.com"))
        XCTAssertNotNil(NetworkOverrides.domainProblem("corp example"))
    }
}
