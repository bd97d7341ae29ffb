@testable import Engine
import Foundation
import GatewayProtocol
import TUI

/// Realistic inputs shared by the tests: an ocserv-like gateway, its certificate, and the event sequence of a
/// connection that logs in, skips the download, brings CSTP up, and gets DTLS on the second attempt.
enum Fixtures {
    static let t0 = 1_000.0

    static let gateways: [GatewaySummary] = [
        GatewaySummary(
            name: "office", url: "https://vpn.example.com/eng", host: "vpn.example.com",
            lastResult: LastResult(.succeeded, "connected 2h 10m, disconnected", when: "2025-01-10 09:12"),
            trust: .none,
            aliases: [GatewayAlias(value: "eng", label: "Engineering", isDefault: true),
                      GatewayAlias(value: "ops", label: "Operations"), GatewayAlias(value: "guest", label: "Guests")],
            defaultGroup: "eng", source: "manual"),
        GatewaySummary(
            name: "lab", url: "https://198.18.0.1:4443", host: "198.18.0.1",
            lastResult: LastResult(.failed, "certificate not trusted", when: "2025-01-09 17:40"),
            trust: .pinnedWithWarning, pins: ["pin-sha256:q7Lb8Pq0VnW3kZ8k1TfT1pG5iQ7jz0q0yq2l8rVt0hE="],
            source: "manual"),
        GatewaySummary(
            name: "paris-dc", url: "https://paris.vpn.example.org", host: "paris.vpn.example.org",
            trust: .pinned, pins: ["pin-sha256:AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdE="],
            profileOrigin: "corp.xml from vpn.example.com", source: "profile"),
    ]

    static let report = CertificateReport(
        host: "vpn.example.com", port: 443, subject: "CN=vpn.example.com, O=Example Corp",
        issuer: "CN=Example Internal CA, O=Example Corp", notBefore: "2024-03-01 00:00:00 UTC",
        notAfter: "2025-03-01 00:00:00 UTC", subjectAltNames: ["vpn.example.com", "vpn2.example.com"],
        pin: "pin-sha256:lL6Q0j3n2YX7eV0zVb1kqQ9mS0YrWm8b7hG2xJ5cT4o=",
        sha1: "3F8A1C22D4E5F60718293A4B5C6D7E8F90A1B2C3", spkiSHA256Hex: "94be90", spkiSHA1Hex: "aa11",
        reasons: ["unable to get local issuer certificate", "certificate has expired"])

    static let validReport: CertificateReport = {
        var report = Fixtures.report
        report.reasons = []
        report.issuer = "CN=R11, O=Let's Encrypt, C=US"
        return report
    }()

    static let oldPin = StoredPin(pin: "pin-sha256:9sP0mK3QxY2b7fVnR1cT8uW4zL6aJ5hE0gD3iN7oB2k=",
                                  subject: "CN=vpn.example.com, O=Example Corp", issuer: "CN=Example Internal CA",
                                  notAfter: "2024-12-31 23:59:59 UTC", reasons: [], warning: false)

    static let tunnel = TunnelInfo(
        interface: "tun0", address: "198.18.100.7", netmask: "255.255.255.0", ipv6Address: nil, mtu: 1434,
        routes: ["10.0.0.0/8", "172.16.0.0/12", "198.19.0.0/16"], excludedRoutes: [],
        dns: ["10.0.0.53", "10.0.0.54"], domain: "corp.example.com", banner: nil,
        dpd: 30, keepalive: 20, cstpMTU: 1406, dtlsMode: "psk")

    static func stats(_ channel: ChannelInfo.Kind, _ bytesIn: Int, _ bytesOut: Int, _ packetsIn: Int, _ packetsOut: Int)
        -> EngineEvent {
        .stats(TrafficStats(channel: channel, bytesIn: bytesIn, bytesOut: bytesOut, packetsIn: packetsIn,
                            packetsOut: packetsOut))
    }

    static let tlsDetail: [(String, EventValue)] = [
        ("protocol", "TLSv1.3"), ("cipher", "TLS_AES_256_GCM_SHA384"), ("address", "198.18.0.1"), ("port", 443),
    ]

    /// Up to the user-auth prompt: TLS done, group chosen, user-auth running.
    static let authenticating: [(Double, EngineEvent)] = [
        (0.000, .phase(.tls, .started, milliseconds: nil, detail: [])),
        (0.150, .certificate(validReport, trusted: true, decision: .valid)),
        (0.182, .phase(.tls, .done, milliseconds: 182, detail: tlsDetail)),
        (0.182, .phase(.groupSelect, .started, milliseconds: nil, detail: [])),
        (1.613, .phase(.groupSelect, .done, milliseconds: 1431, detail: [
            ("offered", .list([.object([("value", "eng"), ("label", "Engineering")]),
                               .object([("value", "ops"), ("label", "Operations")])])),
            ("reposts", 0), ("chosen", .object([("value", "eng"), ("label", "Engineering")])),
        ])),
        (1.613, .phase(.userAuth, .started, milliseconds: nil, detail: [])),
    ]

    /// From the login to a tunnel with DTLS up after one backoff, and two rounds of stats.
    static let connecting: [(Double, EngineEvent)] = authenticating + [
        (6.020, .phase(.userAuth, .done, milliseconds: 4407, detail: [
            ("steps", .list([
                .object([("id", "main"), ("fields", .list([.object([("name", "username"), ("kind", "text"), ("label", "Username:")])]))]),
                .object([("id", "main"), ("fields", .list([.object([("name", "password"), ("kind", "password"), ("label", "Password:")])]))]),
            ])),
        ])),
        (6.020, .phase(.download, .started, milliseconds: nil, detail: [])),
        (6.021, .phase(.download, .skipped, milliseconds: 1, detail: [("reason", "the gateway names no profile")])),
        (6.021, .phase(.cstp, .started, milliseconds: nil, detail: [])),
        (6.310, .phase(.cstp, .done, milliseconds: 289, detail: [
            ("address", "198.18.100.7"), ("mtu", 1406), ("base_mtu", 1500), ("dpd", 30), ("keepalive", 20),
            ("server", "ocserv"), ("dtls", "psk"),
        ])),
        (6.400, .tunnel(tunnel)),
        (6.400, .channel(ChannelInfo(channel: .tls, state: .up, protocolVersion: "TLSv1.3", cipher: "TLS_AES_256_GCM_SHA384"))),
        (6.400, .connected(transport: .tls)),
        (6.410, .channel(ChannelInfo(channel: .dtls, state: .connecting, reason: "psk"))),
        (6.410, .phase(.dtls, .started, milliseconds: nil, detail: [("mode", "psk")])),
        (7.410, .channel(ChannelInfo(channel: .dtls, state: .backoff, attempt: 1, nextInSeconds: 2, reason: "no answer"))),
        (7.410, .phase(.dtls, .retry, milliseconds: nil, detail: [("attempt", 1), ("of", 5), ("next_in_s", 2), ("reason", "no answer")])),
        (7.500, stats(.tls, 10_000, 4_000, 40, 30)),
        (8.500, stats(.tls, 60_000, 9_000, 120, 80)),
    ]

    /// DTLS comes up; stats over both channels.
    static let connected: [(Double, EngineEvent)] = connecting + [
        (9.600, .channel(ChannelInfo(channel: .dtls, state: .up, protocolVersion: "DTLSv1.2",
                                     cipher: "ECDHE-RSA-AES256-GCM-SHA384", reason: "psk"))),
        (9.600, .phase(.dtls, .done, milliseconds: 3190, detail: [
            ("protocol", "DTLSv1.2"), ("cipher", "ECDHE-RSA-AES256-GCM-SHA384"), ("mode", "psk"),
        ])),
        (9.650, .log("DTLS handshake complete; MTU 1434")),
        (10.500, stats(.tls, 61_000, 9_500, 122, 82)),
        (10.500, stats(.dtls, 300_000, 40_000, 250, 180)),
        (11.500, stats(.tls, 61_500, 9_800, 123, 83)),
        (11.500, stats(.dtls, 1_500_000, 120_000, 1_100, 700)),
        (12.500, stats(.tls, 61_800, 10_000, 124, 84)),
        (12.500, stats(.dtls, 3_900_000, 260_000, 2_900, 1_600)),
        (13.500, stats(.tls, 62_000, 10_100, 125, 85)),
        (13.500, stats(.dtls, 5_000_000, 400_000, 3_800, 2_500)),
    ]

    static func state(_ events: [(Double, EngineEvent)], gateway: String = "office") -> AppState {
        var state = AppState()
        state.begin(gateway: gateway, url: "https://vpn.example.com/eng", at: t0)
        for (time, event) in events { state.apply(event, at: t0 + time) }
        return state
    }

    static func model(_ events: [(Double, EngineEvent)], screen: ScreenID? = nil) -> TUIModel {
        var model = TUIModel(theme: .dark, gateways: gateways, history: history, timeZone: TimeZone(identifier: "UTC")!)
        model.begin(gateway: "office", url: "https://vpn.example.com/eng", at: t0)
        for (time, event) in events { model.apply(event, at: t0 + time) }
        if let screen { model.screen = screen }
        return model
    }

    static let history: [HistoryEntry] = [
        HistoryEntry(gateway: "office", started: Date(timeIntervalSince1970: 1_736_500_320), duration: 7_812,
                     outcome: "disconnected", succeeded: true, transport: "dtls", bytesIn: 1_288_490_188,
                     bytesOut: 73_400_320),
        HistoryEntry(gateway: "lab", started: Date(timeIntervalSince1970: 1_736_440_800), duration: 2.4,
                     outcome: "certificate not trusted", succeeded: false),
        HistoryEntry(gateway: "office", started: Date(timeIntervalSince1970: 1_736_414_000), duration: 31_240,
                     outcome: "reconnect timed out", succeeded: false, transport: "tls", bytesIn: 5_368_709,
                     bytesOut: 1_048_576),
        HistoryEntry(gateway: "paris-dc", started: Date(timeIntervalSince1970: 1_736_330_000), duration: 600,
                     outcome: "disconnected", succeeded: true, transport: "tls", bytesIn: 204_800, bytesOut: 102_400),
    ]

    static let choice = GroupChoice(
        label: "GROUP:", options: [FormOption(value: "eng", label: "Engineering"),
                                   FormOption(value: "ops", label: "Operations", selected: true),
                                   FormOption(value: "guest", label: "Guests")],
        defaultOption: FormOption(value: "ops", label: "Operations", selected: true),
        message: "Please select your group.")

    static let form = AuthForm(
        authID: "main", message: "Please enter your username and password.", error: "Login failed.",
        banner: "Authorised use only. Activity is logged.",
        fields: [FormField(kind: .text, name: "username", label: "Username:", value: "alice"),
                 FormField(kind: .password, name: "password", label: "Password:"),
                 FormField(kind: .select, name: "token_type", label: "Token:",
                           options: [FormOption(value: "push", label: "Duo push"), FormOption(value: "sms", label: "SMS code")]),
                 FormField(kind: .password, name: "secondary_password", label: "Second password:", secondAuth: true),
                 FormField(kind: .hidden, name: "tgroup", label: "", value: "eng")])
}
