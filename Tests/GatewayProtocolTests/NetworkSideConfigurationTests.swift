import GatewayProtocol
import XCTest

/// Issue 14: DynDNS, IPv6 inside the tunnel and the warning when IPv6 goes around a full IPv4 tunnel.
final class NetworkSideConfigurationTests: XCTestCase {
    private func configuration(_ headers: [(String, String)]) throws -> TunnelConfiguration {
        try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.0.0.5"), ("X-CSTP-Netmask", "255.255.255.0")] + headers))
    }

    func testDynDNSIsOnlyTrueWhenTheGatewaySaysTrue() throws {
        XCTAssertFalse(try configuration([]).dynDNS)
        XCTAssertTrue(try configuration([("X-CSTP-DynDNS", "true")]).dynDNS)
        XCTAssertTrue(try configuration([("x-cstp-dyndns", "TRUE")]).dynDNS)
        XCTAssertFalse(try configuration([("X-CSTP-DynDNS", "false")]).dynDNS)
        XCTAssertFalse(try configuration([("X-CSTP-DynDNS", "yes")]).dynDNS)
    }

    func testFullIPv4TunnelWithoutIPv6LetsIPv6Bypass() throws {
        XCTAssertTrue(try configuration([]).ipv6BypassesFullTunnel, "all IPv4 tunnelled, no IPv6 address")
        XCTAssertFalse(try configuration([("X-CSTP-Address-IP6", "2001:db8:1::5/64")]).ipv6BypassesFullTunnel)
        XCTAssertFalse(try configuration([("X-CSTP-Split-Include", "10.1.0.0/255.255.0.0")]).ipv6BypassesFullTunnel,
                       "a split tunnel leaves the rest outside on purpose")
    }

    func testIPv6AddressAndSplitRoutesReachTheScript() throws {
        let config = try configuration([("X-CSTP-Address-IP6", "2001:db8:1::5/64"),
                                        ("X-CSTP-Split-Include-IP6", "2001:db8:2::/48"),
                                        ("X-CSTP-Split-Exclude-IP6", "2001:db8:3::/56")])
        let env = ScriptEnvironment(reason: "connect", configuration: config, tunDevice: "tun0", gatewayAddress: "198.18.0.1",
                                    pid: 1, mtu: 1300).variables
        XCTAssertEqual(env["INTERNAL_IP6_ADDRESS"], "2001:db8:1::5")
        XCTAssertEqual(env["INTERNAL_IP6_NETMASK"], "2001:db8:1::5/64")
        XCTAssertEqual(env["CISCO_IPV6_SPLIT_INC"], "1")
        XCTAssertEqual(env["CISCO_IPV6_SPLIT_INC_0_ADDR"], "2001:db8:2::")
        XCTAssertEqual(env["CISCO_IPV6_SPLIT_INC_0_MASKLEN"], "48")
        XCTAssertEqual(env["CISCO_IPV6_SPLIT_EXC_0_MASKLEN"], "56")
    }

    func testWithoutIPv6TheRequestAsksForIPv4Only() {
        let builder = ConnectRequestBuilder(url: GatewayURL(host: "h"), userAgent: "a", hostname: "vm", baseMTU: 1406,
                                            mtu: 1296, ipv6: false, dtlsMasterSecret: nil)
        let request = builder.request(cookie: Secret("c"))
        XCTAssertEqual(request.headers["X-CSTP-Address-Type"], "IPv4")
        XCTAssertNil(request.headers["X-CSTP-Full-IPv6-Capability"])
    }
}
