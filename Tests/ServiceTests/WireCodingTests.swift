import Foundation
import XCTest
@testable import Engine
import GatewayProtocol
@testable import Service

/// The service's messages survive JSON: every engine event, every prompt and answer, a whole connect request.
final class WireCodingTests: XCTestCase {
    private func roundTrip<Value: Codable & Equatable>(_ value: Value, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = try JSONEncoder().encode(value)
        XCTAssertEqual(try JSONDecoder().decode(Value.self, from: data), value, String(decoding: data, as: UTF8.self),
                       file: file, line: line)
    }

    static let report = CertificateReport(host: "vpn.example.com", port: 443, subject: "CN=vpn", issuer: "CN=ca",
                                          notBefore: "", notAfter: "2030", subjectAltNames: ["vpn.example.com"],
                                          pin: "pin-sha256:abc=", sha1: "AA", spkiSHA256Hex: "", spkiSHA1Hex: "",
                                          reasons: ["self-signed certificate"])

    static let tunnel = TunnelInfo(interface: "tun0", address: "10.0.0.2", netmask: "255.255.255.0", ipv6Address: nil,
                                   mtu: 1400, routes: ["10.0.0.0/8"], excludedRoutes: [], dns: ["10.0.0.53"],
                                   domain: "corp", banner: "Hello\nthere", dpd: 30, keepalive: 20, cstpMTU: 1406,
                                   dtlsMode: "psk")

    func testEveryEngineEventRoundTrips() throws {
        let events: [EngineEvent] = [
            .phase(.tls, .done, milliseconds: 42, detail: [("protocol", "TLSv1.3"), ("port", 443), ("ok", true),
                                                           ("offered", .list([.object([("value", "A"), ("label", "B")])]))]),
            .phase(.userAuth, .started, milliseconds: nil, detail: []),
            .certificate(Self.report, trusted: false, decision: .pinned),
            .tunnel(Self.tunnel),
            .channel(ChannelInfo(channel: .dtls, state: .backoff, attempt: 2, nextInSeconds: 4, reason: "timeout")),
            .connected(transport: .tls),
            .stats(TrafficStats(channel: .dtls, bytesIn: 1, bytesOut: 2, packetsIn: 3, packetsOut: 4)),
            .reconfigured(mtu: 1300, reason: "DTLS gave up"),
            .disconnected(reason: "by the user"),
            .reconnected(after: "network change", changed: ["address"]),
            .log("a line"),
            .warning("careful", detail: [("why", "because")]),
            .waiting(.userAuth, elapsed: 5, timeout: 300),
            .sso(SSOProgress(state: .started, mode: .external, loginURL: "https://idp/", timeoutSeconds: 300,
                             browser: "firefox", overSSH: true, message: nil, callbackPort: 29786)),
            .error(code: 3, message: "authentication refused: no"),
        ]
        for event in events { try roundTrip(WireEvent(event: event)) }
    }

    func testObjectDetailsKeepTheirOrder() throws {
        let value = EventValue.object([("z", 1), ("a", 2), ("m", .object([("y", "1"), ("b", "2")]))])
        let decoded = try JSONDecoder().decode(EventValue.self, from: try JSONEncoder().encode(value))
        guard case .object(let pairs) = decoded, case .object(let inner) = pairs[2].1 else { return XCTFail("\(decoded)") }
        XCTAssertEqual(pairs.map(\.0), ["z", "a", "m"])
        XCTAssertEqual(inner.map(\.0), ["y", "b"])
    }

    func testMessagesRoundTrip() throws {
        var settings = TunnelSettings(script: "/bin/true", interface: "vpn0", offerDTLS: false, dtlsMode: .legacy)
        settings.overrides = NetworkOverrides(include: ["10.1.0.0/16"], exclude: [], dnsDomains: ["corp"])
        var request = ConnectRequest(name: "work", url: "https://vpn.example.com/", settings: settings)
        request.caFile = FileContents(name: "ca.pem", bytes: Data("-----BEGIN".utf8))
        request.reportedIdentity = ReportedIdentity(hostname: "laptop")
        request.serverPins = ["pin-sha256:abc="]
        let form = AuthForm(authID: "main", message: "Log in", fields: [
            FormField(kind: .text, name: "username", label: "User"), FormField(kind: .password, name: "password", label: "Password"),
        ])
        let client: [ClientMessage] = [
            .hello(version: ServiceProtocol.version, program: "test"), .connect(request), .attach(name: "work"),
            .detach(name: "work"), .status, .disconnect(name: nil), .reconnect(name: "work"),
            .answer(id: 7, .form(["password": "p"])), .answer(id: 8, .trust(.always)),
            .answer(id: 9, .group(FormOption(value: "A", label: "a", selected: true))),
            .storeReply(id: 3, .pins([StoredPin(Self.report)])), .storeReply(id: 4, .failed("no")),
        ]
        for message in client { try roundTrip(message) }
        var status = ConnectionStatus(name: "work", url: "https://vpn.example.com/", ownerUID: 1000, state: .connected,
                                      startedAt: Date(timeIntervalSince1970: 1_700_000_000))
        status.perChannel[.dtls] = TrafficStats(channel: .dtls, bytesIn: 5, bytesOut: 6, packetsIn: 1, packetsOut: 1)
        status.tunnel = Self.tunnel
        let service: [ServiceMessage] = [
            .welcome(version: 1, program: "swiftgate service"), .refused("no"), .accepted(name: "work"),
            .attached(name: "work", status: status), .event(name: "work", .log("x")),
            .prompt(name: "work", id: 1, .form(form)), .prompt(name: "work", id: 2, .trust(TrustQuestion(report: Self.report))),
            .prompt(name: "work", id: 3, .openBrowser(url: "https://idp/")), .promptClosed(id: 1),
            .store(name: "work", id: 5, .saveGroups(gateway: "work", offered: [], chosen: nil)), .status([status], ended: [status]),
            .ended(name: "work", outcome: "disconnected", failed: false, exitCode: 0),
        ]
        for message in service { try roundTrip(message) }
    }

    /// Counters per channel are a JSON object keyed by channel, as `status --json` prints them.
    func testPerChannelCountersAreKeyedByChannel() throws {
        var status = ConnectionStatus(name: "w", url: "u", ownerUID: 0, state: .connected, startedAt: Date())
        status.perChannel[.tls] = TrafficStats(channel: .tls, bytesIn: 1, bytesOut: 2, packetsIn: 3, packetsOut: 4)
        let text = String(decoding: try JSONEncoder().encode(status), as: UTF8.self)
        XCTAssertTrue(text.contains("\"perChannel\":{\"tls\":{"), text)
    }
}

/// EngineEvent's Equatable, for XCTAssertEqual on a Codable value.
struct WireEvent: Codable, Equatable {
    var event: EngineEvent
}
