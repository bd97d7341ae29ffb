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

    func testBadValuesAreTypedErrors() {
        XCTAssertThrowsError(try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-MTU", "1400")]))) {
            XCTAssertEqual($0 as? TunnelConfigurationError, .noAddress)
        }
        // A route that is not CIDR is dropped with a warning (issue 13, item 6), not the whole tunnel.
        let dropped = try? TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.0.0.1"), ("X-CSTP-Split-Include", "10.0.0.0/255.0.255.0")]))
        XCTAssertEqual(dropped?.splitInclude, [])
        XCTAssertEqual(dropped?.warnings.count, 1)
        XCTAssertThrowsError(try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.0.0.1"), ("X-CSTP-DPD", "soon")]))) {
            XCTAssertEqual($0 as? TunnelConfigurationError, .badValue("X-CSTP-DPD", "soon"))
        }
        XCTAssertThrowsError(try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.0.0.1"), ("X-CSTP-MTU", "70000")])))
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
