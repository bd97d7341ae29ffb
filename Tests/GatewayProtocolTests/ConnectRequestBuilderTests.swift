import GatewayProtocol
import XCTest

final class ConnectRequestBuilderTests: XCTestCase {
    func testHeadersOfProtocolSection31() {
        let builder = ConnectRequestBuilder(url: GatewayURL(host: "198.18.0.1", port: 4443), userAgent: "AnyConnect X",
                                            hostname: "vm", baseMTU: 1500, mtu: 1390,
                                            dtlsMasterSecret: [UInt8](repeating: 0xab, count: 48))
        let request = builder.request(cookie: Secret("C00KIE"))
        XCTAssertEqual(request.method, "CONNECT")
        XCTAssertEqual(request.path, "/CSCOSSLC/tunnel")
        XCTAssertEqual(request.headers["Host"], "198.18.0.1:4443")
        XCTAssertEqual(request.headers["Cookie"], "webvpn=C00KIE", "only the webvpn cookie")
        XCTAssertEqual(request.headers["X-CSTP-Version"], "1")
        XCTAssertEqual(request.headers["X-CSTP-Hostname"], "vm")
        XCTAssertEqual(request.headers["X-CSTP-Base-MTU"], "1500")
        XCTAssertEqual(request.headers["X-CSTP-MTU"], "1390")
        XCTAssertEqual(request.headers["X-CSTP-Address-Type"], "IPv4")
        XCTAssertEqual(request.headers["X-DTLS-Master-Secret"], String(repeating: "AB", count: 48))
        XCTAssertTrue(request.headers["X-DTLS-CipherSuite"]!.hasPrefix("PSK-NEGOTIATE:"))
        XCTAssertNotNil(request.headers["X-DTLS12-CipherSuite"])
        XCTAssertNil(request.headers["X-CSTP-Accept-Encoding"], "no compression offered")
        let text = String(decoding: request.serialized(), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\n"))
        XCTAssertTrue(text.hasSuffix("\r\n\r\n"))
        XCTAssertFalse(text.contains("Content-Length"))
    }

    func testNoDTLSMeansNoDTLSHeaders() {
        let builder = ConnectRequestBuilder(url: GatewayURL(host: "h"), userAgent: "a", hostname: "vm", baseMTU: 1406,
                                            mtu: 1296, ipv6: true, dtlsMasterSecret: nil, previousAddresses: ["10.0.0.5"])
        let request = builder.request(cookie: Secret("c"))
        XCTAssertNil(request.headers["X-DTLS-Master-Secret"])
        XCTAssertNil(request.headers["X-DTLS-CipherSuite"])
        XCTAssertEqual(request.headers["X-CSTP-Address-Type"], "IPv6,IPv4")
        XCTAssertEqual(request.headers["X-CSTP-Full-IPv6-Capability"], "true")
        XCTAssertEqual(request.headers.values("X-CSTP-Address"), ["10.0.0.5"])
    }

    func testMTUArithmetic() {
        // protocol.md §3.3: base − 82 − 8 − 20 (or 40 over IPv6); never below 1280; 1406 when unknown.
        XCTAssertEqual(ConnectRequestBuilder.mtus(pathMTU: 1500, serverIsIPv6: false).mtu, 1390)
        XCTAssertEqual(ConnectRequestBuilder.mtus(pathMTU: 1500, serverIsIPv6: true).mtu, 1370)
        XCTAssertEqual(ConnectRequestBuilder.mtus(pathMTU: nil, serverIsIPv6: false).base, 1406)
        XCTAssertEqual(ConnectRequestBuilder.mtus(pathMTU: 600, serverIsIPv6: false).base, 1280)
        XCTAssertEqual(ConnectRequestBuilder.mtus(pathMTU: 65535, serverIsIPv6: false).mtu, 65425, "loopback in TRACE")
    }
}
