@testable import Engine
import GatewayProtocol
import Logging
import Synchronization
import XCTest

/// `-v` logs never carry a credential (issue 13, item 2): the DTLS master secret in the CONNECT request, the ASA's
/// post-auth XML (its session token), cookies, and headers nobody has vetted.
final class LogRedactionTests: XCTestCase {
    final class Lines: Sendable {
        let value = Mutex<[String]>([])
        var all: String { value.withLock { $0.joined(separator: "\n") } }
    }

    struct Capture: LogHandler {
        let lines: Lines
        var logLevel: Logger.Level = .debug
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { lines.value.withLock { $0.append("\(event.message)") } }
    }

    private func logger() -> (Logger, Lines) {
        let lines = Lines()
        return (Logger(label: "test") { _ in Capture(lines: lines) }, lines)
    }

    func testTheConnectRequestLogsNoMasterSecretAndNoCookie() {
        let secret: [UInt8] = Array(repeating: 0xAB, count: 48)
        let request = ConnectRequestBuilder(url: GatewayURL(host: "vpn.example", port: 443), userAgent: "AnyConnect",
                                            hostname: "me", baseMTU: 1406, mtu: 1400, dtlsMasterSecret: secret)
            .request(cookie: Secret("SESSIONCOOKIE123"))
        let (log, lines) = logger()
        ConnectionEngine.logRequest(request, to: log)
        let text = lines.all
        XCTAssertFalse(text.contains(Hex.encode(secret, uppercase: true)), text)
        XCTAssertFalse(text.lowercased().contains("abababab"), text)
        XCTAssertFalse(text.contains("SESSIONCOOKIE123"), text)
        XCTAssertTrue(text.contains("X-DTLS-Master-Secret: <redacted>"), text)
        XCTAssertTrue(text.contains("X-CSTP-MTU: 1400"), "harmless headers stay readable: \(text)")
    }

    func testTheConnectReplyLogsNoPostAuthXMLAndNoUnknownValues() {
        let xml = "<config-auth><session-token>TOKEN-0123456789</session-token></config-auth>"
        let response = HTTPResponse(status: 200, reason: "CONNECTED", headers: HTTPHeaders([
            ("X-CSTP-Address", "10.1.2.3"), ("X-CSTP-Post-Auth-XML", xml), ("Set-Cookie", "webvpn=COOKIEVALUE; Secure"),
            ("X-Vendor-Thing", "opaque-value-42"), ("X-DTLS-Session-ID", "ABCDEF0011"), ("X-SSO-Token", "SSO-77"),
        ]), body: [])
        let (log, lines) = logger()
        ConnectionEngine.logResponse(response, to: log)
        let text = lines.all
        for secret in ["TOKEN-0123456789", "COOKIEVALUE", "opaque-value-42", "ABCDEF0011", "SSO-77", "session-token"] {
            XCTAssertFalse(text.contains(secret), "\(secret) in: \(text)")
        }
        XCTAssertTrue(text.contains("X-CSTP-Address: 10.1.2.3"), text)
    }

    func testAQueryStringInThePathIsNotLogged() {
        let (log, lines) = logger()
        ConnectionEngine.logRequest(HTTPRequest(method: "GET", path: "/+CSCOE+/saml/sp/acs?sso-token=SSO-TOKEN-9"), to: log)
        XCTAssertFalse(lines.all.contains("SSO-TOKEN-9"), lines.all)
        XCTAssertTrue(lines.all.contains("/+CSCOE+/saml/sp/acs?<"), lines.all)
    }

    func testThePostAuthXMLNeverReachesTheScriptEnvironment() throws {
        let configuration = try TunnelConfiguration(headers: HTTPHeaders([
            ("X-CSTP-Address", "10.1.2.3"), ("X-CSTP-Post-Auth-XML", "<session-token>TOKEN-1</session-token>"),
        ]))
        let environment = ScriptEnvironment(reason: "connect", configuration: configuration, tunDevice: "tun0",
                                            gatewayAddress: "192.0.2.1", pid: 1, mtu: 1400).variables
        XCTAssertFalse(environment.values.contains { $0.contains("TOKEN-1") }, "\(environment)")
    }
}
