import GatewayProtocol
import XCTest

/// Gateway text reaching the vpnc-script, the terminal and the log (issue 13, item 6): each value is checked by
/// its type, what fails is dropped with a warning, and nothing shown carries control characters.
final class HostileTunnelValuesTests: XCTestCase {
    private func configuration(_ extra: [(String, String)]) throws -> TunnelConfiguration {
        try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.1.2.3"), ("X-CSTP-Netmask", "255.255.255.0")] + extra))
    }

    private func environment(_ configuration: TunnelConfiguration) -> [String: String] {
        ScriptEnvironment(reason: "connect", configuration: configuration, tunDevice: "tun0", gatewayAddress: "192.0.2.1",
                          pid: 1, mtu: 1400).variables
    }

    func testAnLFInTheDomainNeverReachesResolvConf() throws {
        let config = try configuration([("X-CSTP-Default-Domain", "corp.example\nnameserver 6.6.6.6")])
        XCTAssertNil(config.defaultDomain)
        XCTAssertEqual(config.warnings.count, 1, "\(config.warnings)")
        XCTAssertFalse(config.warnings[0].contains("\n"))
        XCTAssertNil(environment(config)["CISCO_DEF_DOMAIN"])
        XCTAssertFalse(environment(config).values.contains { $0.contains("\nnameserver") })
    }

    func testShellMetacharactersInADomainAreDropped() throws {
        let config = try configuration([("X-CSTP-Default-Domain", "$(reboot).example"), ("X-CSTP-Split-DNS", "ok.example,`id`")])
        XCTAssertNil(config.defaultDomain)
        XCTAssertEqual(config.splitDNS, ["ok.example"])
        XCTAssertEqual(config.warnings.count, 2)
    }

    func testSeveralSearchDomainsAreKept() throws {
        XCTAssertEqual(try configuration([("X-CSTP-Default-Domain", "a.example b.example")]).defaultDomain, "a.example b.example")
    }

    func testAddressesAndServersMustBeAddresses() throws {
        let config = try TunnelConfiguration(headers: HTTPHeaders([
            ("X-CSTP-Address", "10.1.2.3"), ("X-CSTP-Address", "10.0.0.1; rm -rf /"), ("X-CSTP-Netmask", "255.0.255.0"),
            ("X-CSTP-DNS", "10.0.0.53"), ("X-CSTP-DNS", "10.0.0.53\nsearch evil"), ("X-CSTP-DNS", "fd00::53"),
            ("X-CSTP-NBNS", "not-an-address"), ("X-CSTP-Address-IP6", "fd00::1/64\r\nX"),
        ]))
        XCTAssertEqual(config.ipv4Address, "10.1.2.3")
        XCTAssertNil(config.ipv4Netmask)
        XCTAssertEqual(config.dns, ["10.0.0.53", "fd00::53"])
        XCTAssertEqual(config.nbns, [])
        XCTAssertNil(config.ipv6Address)
        XCTAssertEqual(config.warnings.count, 5, "\(config.warnings)")
    }

    func testARouteThatIsNotCIDRIsDroppedWithAWarning() throws {
        let config = try configuration([
            ("X-CSTP-Split-Include", "10.0.0.0/255.0.255.0"), ("X-CSTP-Split-Include", "10.9.0.0/16"),
            ("X-CSTP-Split-Include-IP6", "fd00::/64"), ("X-CSTP-Split-Include-IP6", "fd00::/64 x"),
            ("X-CSTP-Split-Exclude-IP6", "fd00::/129"),
        ])
        XCTAssertEqual(config.splitInclude.map(\.description), ["10.9.0.0/16"])
        XCTAssertEqual(config.splitInclude6, ["fd00::/64"])
        XCTAssertEqual(config.splitExclude6, [])
        XCTAssertEqual(config.warnings.count, 3)
    }

    func testTheBannerAndFreeTextLoseControlCharacters() throws {
        let config = try configuration([
            ("X-CSTP-Banner", "Welcome%0A%1B[2Jcleared%0D%07"), ("X-CSTP-Server-Name", "gw\u{1b}]0;title\u{07}"),
            ("X-CSTP-MSIE-Proxy-PAC-URL", "http://pac/\u{1b}x"), ("X-CSTP-Rekey-Method", "ssl\u{85}"),
        ])
        XCTAssertEqual(config.banner, "Welcome\n[2Jcleared")
        XCTAssertEqual(config.serverName, "gw]0;title")
        XCTAssertEqual(config.rekeyMethod, "ssl")
        XCTAssertNil(config.proxyPAC)
        let env = environment(config)
        XCTAssertFalse(env.values.contains { $0.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x0d } }, "\(env)")
    }

    func testCSTPOptionsCarryNoControlCharacters() throws {
        let config = try configuration([("X-CSTP-Foo", "a\u{1b}b\nINTERNAL_IP4_DNS=6.6.6.6")])
        XCTAssertEqual(environment(config)["CISCO_CSTP_OPTIONS"]?.contains("\n") ?? false, true, "one option per line")
        XCTAssertFalse(config.cstpOptions.contains { $0.contains("\n") || $0.contains("\u{1b}") })
    }

    func testPrintableStripsEscapesAndBidiOverrides() {
        XCTAssertEqual(GatewayText.printable("a\u{1b}[31mb\u{202e}c\r\nd"), "a[31mbcd")
        XCTAssertEqual(GatewayText.printable("a\nb", keepNewlines: true), "a\nb")
    }

    func testIPv6Syntax() {
        for good in ["::", "::1", "fd00::1", "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1", "fe80::"] {
            XCTAssertTrue(GatewayText.isIPv6Address(good), good)
        }
        for bad in [":", ":::", "1::2::3", "2001:db8:0:0:0:0:0:0:1", "12345::", "fd00::g", "fd00::1\n", "1:2:3:4:5:6:7"] {
            XCTAssertFalse(GatewayText.isIPv6Address(bad), bad)
        }
    }

    func testDomainSyntax() {
        for good in ["example.com", "a-b.example.", "_srv.example", "x"] { XCTAssertTrue(GatewayText.isDomainName(good), good) }
        for bad in ["", ".", "a..b", "-a.example", "a b", "a\nb", "ex$ample.com", String(repeating: "a", count: 64)] {
            XCTAssertFalse(GatewayText.isDomainName(bad), bad)
        }
    }
}
