import GatewayProtocol
import XCTest

final class TunnelConfigurationTests: XCTestCase {
    /// The CONNECT reply of traces/psk-group-select.txt.
    static let ocservReply = HTTPHeaders([
        ("X-CSTP-Version", "1"), ("X-CSTP-Server-Name", "ocserv 1.1.6"), ("X-CSTP-Hostname", "vm"),
        ("X-CSTP-DPD", "60"), ("X-CSTP-Default-Domain", "example.test"), ("X-CSTP-Address", "198.19.0.50"),
        ("X-CSTP-Netmask", "255.255.255.0"), ("X-CSTP-Split-Include", "198.19.0.0/255.255.255.0"),
        ("X-CSTP-Tunnel-All-DNS", "false"), ("X-CSTP-Keepalive", "300"), ("X-CSTP-Idle-Timeout", "none"),
        ("X-CSTP-Rekey-Time", "172794"), ("X-CSTP-Rekey-Method", "ssl"), ("X-CSTP-Session-Timeout", "0"),
        ("X-DTLS-DPD", "60"), ("X-DTLS-Port", "4443"), ("X-DTLS-Rekey-Time", "172804"),
        ("X-DTLS-Rekey-Method", "ssl"), ("X-DTLS-Keepalive", "300"),
        ("X-DTLS-App-ID", "d0c264e452152e6fe028656dc38b772e4d78ef1f2b7c46a32eca8d73376f239d"),
        ("X-DTLS-CipherSuite", "PSK-NEGOTIATE"), ("X-CSTP-Base-MTU", "1500"), ("X-CSTP-MTU", "1434"),
    ])

    func testOcservReplyFromTrace() throws {
        let config = try TunnelConfiguration(headers: Self.ocservReply)
        XCTAssertEqual(config.ipv4Address, "198.19.0.50")
        XCTAssertEqual(config.ipv4PrefixLength, 24)
        XCTAssertEqual(config.splitInclude, [IPv4Network(parsing: "198.19.0.0/24")!])
        XCTAssertEqual(config.defaultDomain, "example.test")
        XCTAssertEqual(config.tunnelAllDNS, false)
        XCTAssertEqual(config.mtu, 1434)
        XCTAssertEqual(config.baseMTU, 1500)
        XCTAssertEqual(config.dpd, 60)
        XCTAssertEqual(config.keepalive, 300)
        XCTAssertEqual(config.rekeyTime, 172794)
        XCTAssertEqual(config.rekeyMethod, "ssl")
        XCTAssertNil(config.idleTimeout)
        XCTAssertNil(config.sessionTimeout, "0 means none")
        XCTAssertEqual(config.serverName, "ocserv 1.1.6")
        XCTAssertEqual(config.dtls.port, 4443)
        XCTAssertEqual(config.dtls.cipherSuite, "PSK-NEGOTIATE")
        XCTAssertEqual(config.dtls.appID?.count, 64)
        XCTAssertEqual(config.dtls.dpd, 60)
        XCTAssertTrue(config.cstpOptions.contains("X-CSTP-MTU=1434"))
        XCTAssertFalse(config.cstpOptions.contains { $0.hasPrefix("X-DTLS") })
    }

    func testNamesAreCaseInsensitiveAndMasksMayBePrefixes() throws {
        let config = try TunnelConfiguration(headers: HTTPHeaders([
            ("x-cstp-address", "10.1.2.3"), ("X-CSTP-NETMASK", "255.255.0.0"), ("x-cstp-split-include", "10.0.0.0/8"),
            ("X-CSTP-Split-Exclude", "10.9.9.7/255.255.255.0"), ("X-CSTP-DNS", "10.0.0.53"), ("X-CSTP-DNS-IP6", "fd00::53"),
            ("X-CSTP-Split-DNS", "corp.example"), ("X-CSTP-Address-IP6", "fd00::5/64"), ("X-CSTP-Banner", "Hello%20world"),
            ("X-CSTP-MSIE-Proxy-Pac-URL", "http://pac/"),
        ]))
        XCTAssertEqual(config.ipv4PrefixLength, 16)
        XCTAssertEqual(config.splitInclude.map(\.description), ["10.0.0.0/8"])
        XCTAssertEqual(config.splitExclude.map(\.description), ["10.9.9.0/24"], "host bits cleared")
        XCTAssertEqual(config.dns, ["10.0.0.53", "fd00::53"])
        XCTAssertEqual(config.ipv6Address, "fd00::5/64")
        XCTAssertEqual(config.banner, "Hello world")
        XCTAssertEqual(config.proxyPAC, "http://pac/")
    }

    func testNoAddressIsTheOnlyError() {
        XCTAssertThrowsError(try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-MTU", "1400")]))) {
            XCTAssertEqual($0 as? TunnelConfigurationError, .noAddress)
        }
    }

    /// One odd value is skipped with a warning; the rest of the reply still configures the tunnel.
    func testOddRoutesAndTimersAreSkippedWithWarnings() throws {
        let config = try TunnelConfiguration(headers: HTTPHeaders([
            ("X-CSTP-Address", "10.0.0.1"), ("X-CSTP-Split-Include", "10.0.0.0/abc"),
            ("X-CSTP-Split-Include", "10.1.0.0/255.255.0.0"), ("X-CSTP-Split-Exclude", "10.0.0.0/255.0.255.0"),
            ("X-CSTP-Split-Include", ""), ("X-CSTP-Keepalive", "abc"), ("X-CSTP-DPD", "30"), ("X-CSTP-DPD", "soon"),
            ("X-CSTP-Rekey-Time", "99999999999999999999"), ("X-CSTP-Idle-Timeout", "-5"),
            ("X-DTLS-Port", "70000"), ("X-CSTP-MTU", "70000"), ("X-DTLS-MTU", "12"), ("X-CSTP-Base-MTU", "x"),
        ]))
        XCTAssertEqual(config.ipv4Address, "10.0.0.1")
        XCTAssertEqual(config.splitInclude.map(\.description), ["10.1.0.0/16"])
        XCTAssertEqual(config.splitExclude, [])
        XCTAssertNil(config.keepalive)
        XCTAssertEqual(config.dpd, 30, "a later odd value does not erase a good one")
        XCTAssertNil(config.rekeyTime)
        XCTAssertNil(config.idleTimeout)
        XCTAssertNil(config.dtls.port, "no DTLS rather than a wrong port")
        XCTAssertNil(config.mtu)
        XCTAssertNil(config.dtls.mtu)
        XCTAssertNil(config.baseMTU)
        XCTAssertEqual(config.warnings.count, 11)
        XCTAssertTrue(config.warnings.contains("ignored X-CSTP-Split-Include: '10.0.0.0/abc' is not an IPv4 route (addr/mask)"))
        XCTAssertTrue(config.warnings.contains("ignored X-CSTP-Keepalive: 'abc' is not a number of seconds or bytes"))
        XCTAssertTrue(config.warnings.contains("ignored X-DTLS-Port 70000: not a port; no DTLS"))
    }

    /// Thousands of split routes: every one gets its variables, and CISCO_CSTP_OPTIONS stays under the 128 KiB
    /// Linux allows one environment string (or the script would not start at all).
    func testManyRoutesKeepTheScriptEnvironmentExecutable() throws {
        var headers: [(String, String)] = [("X-CSTP-Address", "10.200.0.5")]
        for index in 0..<4000 { headers.append(("X-CSTP-Split-Include", "10.\(index / 256).\(index % 256).0/255.255.255.0")) }
        let config = try TunnelConfiguration(headers: HTTPHeaders(headers))
        let env = ScriptEnvironment(reason: "connect", configuration: config, tunDevice: "tun0", gatewayAddress: "1.2.3.4",
                                    pid: 1, mtu: 1400).variables
        XCTAssertEqual(env["CISCO_SPLIT_INC"], "4000")
        XCTAssertEqual(env["CISCO_SPLIT_INC_3999_ADDR"], "10.15.159.0")
        let options = try XCTUnwrap(env["CISCO_CSTP_OPTIONS"])
        XCTAssertLessThanOrEqual(options.utf8.count, 96 * 1024)
        XCTAssertTrue(options.hasPrefix("X-CSTP-Address=10.200.0.5\n"))
        XCTAssertTrue(options.split(separator: "\n").allSatisfy { $0.hasPrefix("X-CSTP-") }, "cut at a whole line")
    }

    func testWarningsAreBoundedAndShowNoControlCharacters() throws {
        var headers: [(String, String)] = [("X-CSTP-Address", "10.0.0.1"), ("X-CSTP-Keepalive", "1\u{1b}[2J\u{7}")]
        for index in 0..<100 { headers.append(("X-CSTP-Split-Include", "10.\(index).0.0/zz")) }
        let config = try TunnelConfiguration(headers: HTTPHeaders(headers))
        XCTAssertEqual(config.warnings.first, "ignored X-CSTP-Keepalive: '1[2J' is not a number of seconds or bytes")
        XCTAssertEqual(config.warnings.count, TunnelConfiguration.maxWarnings + 1)
        XCTAssertEqual(config.warnings.last, "and 81 more odd values, skipped as well")
    }

    /// An ASA sends one header per split-tunnel ACL entry (issue 10, item 12): 600 of them parse, through the
    /// HTTP parser's limits too.
    func testSixHundredSplitIncludes() throws {
        var text = "HTTP/1.1 200 CONNECTED\r\nX-CSTP-Version: 1\r\nX-CSTP-Address: 10.200.0.5\r\n"
            + "X-CSTP-Netmask: 255.255.0.0\r\n"
        for index in 0..<600 { text += "X-CSTP-Split-Include: 10.\(index / 256).\(index % 256).0/255.255.255.0\r\n" }
        text += "X-CSTP-Keepalive: 20\r\nX-CSTP-DPD: 30\r\n\r\n"
        var parser = HTTPResponseParser(limits: .standard, requestMethod: "CONNECT")
        let response = try XCTUnwrap(try parser.feed(Array(text.utf8)))
        let config = try TunnelConfiguration(headers: response.headers)
        XCTAssertEqual(config.splitInclude.count, 600)
        XCTAssertEqual(config.splitInclude.last?.description, "10.2.87.0/24")
        XCTAssertEqual(config.keepalive, 20)
        XCTAssertEqual(config.warnings, [])
        let env = ScriptEnvironment(reason: "connect", configuration: config, tunDevice: "tun0", gatewayAddress: "1.2.3.4",
                                    pid: 1, mtu: 1400).variables
        XCTAssertEqual(env["CISCO_SPLIT_INC"], "600")
        XCTAssertEqual(env["CISCO_SPLIT_INC_599_ADDR"], "10.2.87.0")
    }

    func testScriptEnvironment() throws {
        var config = try TunnelConfiguration(headers: Self.ocservReply)
        config.splitExclude = [IPv4Network(parsing: "198.19.0.128/25")!]
        config.dns = ["198.19.0.1", "fd00::1"]
        let env = ScriptEnvironment(reason: "connect", configuration: config, tunDevice: "tun7", gatewayAddress: "198.18.0.1",
                                    pid: 42, mtu: 1434).variables
        XCTAssertEqual(env["reason"], "connect")
        XCTAssertEqual(env["TUNDEV"], "tun7")
        XCTAssertEqual(env["VPNGATEWAY"], "198.18.0.1")
        XCTAssertEqual(env["VPNPID"], "42")
        XCTAssertEqual(env["INTERNAL_IP4_ADDRESS"], "198.19.0.50")
        XCTAssertEqual(env["INTERNAL_IP4_NETMASK"], "255.255.255.0")
        XCTAssertEqual(env["INTERNAL_IP4_NETMASKLEN"], "24")
        XCTAssertEqual(env["INTERNAL_IP4_NETADDR"], "198.19.0.0")
        XCTAssertEqual(env["INTERNAL_IP4_MTU"], "1434")
        XCTAssertEqual(env["INTERNAL_IP4_DNS"], "198.19.0.1 fd00::1")
        XCTAssertEqual(env["CISCO_DEF_DOMAIN"], "example.test")
        XCTAssertEqual(env["CISCO_SPLIT_INC"], "1")
        XCTAssertEqual(env["CISCO_SPLIT_INC_0_ADDR"], "198.19.0.0")
        XCTAssertEqual(env["CISCO_SPLIT_INC_0_MASK"], "255.255.255.0")
        XCTAssertEqual(env["CISCO_SPLIT_INC_0_MASKLEN"], "24")
        XCTAssertEqual(env["CISCO_SPLIT_EXC"], "1")
        XCTAssertEqual(env["CISCO_SPLIT_EXC_0_MASKLEN"], "25")
        XCTAssertTrue(env["CISCO_CSTP_OPTIONS"]?.contains("X-CSTP-Keepalive=300\n") ?? false)
        XCTAssertNil(env["CISCO_IPV6_SPLIT_INC"])
        let preInit = ScriptEnvironment(reason: "pre-init", configuration: config, tunDevice: nil, gatewayAddress: "198.18.0.1",
                                        pid: 42, mtu: 1434).variables
        XCTAssertNil(preInit["TUNDEV"], "TUNDEV is filled in from connect on")
    }

    func testNoSplitIncludeMeansFullTunnel() throws {
        let config = try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.0.0.1")]))
        let env = ScriptEnvironment(reason: "connect", configuration: config, tunDevice: "tun0", gatewayAddress: "1.2.3.4",
                                    pid: 1, mtu: 1400).variables
        XCTAssertNil(env["CISCO_SPLIT_INC"])
    }
}
