import Engine
import Foundation
import GatewayProtocol

/// Turns engine events into the `--events json` objects of DESIGN.md §3, or lines for people.
struct EventFormatter {
    enum Style { case json, text }
    let style: Style

    func format(_ event: EngineEvent, at date: Date = Date()) -> String {
        let fields = Self.fields(event)
        switch style {
        case .json:
            return JSONText.encode(.object([("event", .string(fields.kind)), ("time", .string(Self.timestamp(date)))]
                                           + fields.values))
        case .text:
            // Gateway text (banners, reasons, subjects) never drives the terminal: no escapes, no CR.
            return GatewayText.printable(Self.text(event, fields: fields, date: date), keepNewlines: true)
        }
    }

    static func fields(_ event: EngineEvent) -> (kind: String, values: [(String, EventValue)]) {
        switch event {
        case .phase(let phase, let state, let ms, let detail):
            var values: [(String, EventValue)] = [("phase", .string(phase.rawValue)), ("state", .string(state.rawValue))]
            if let ms { values.append(("ms", .int(ms))) }
            if !detail.isEmpty { values.append(("detail", .object(detail))) }
            return ("phase", values)
        case .certificate(let report, let trusted, let decision):
            return ("certificate", [
                ("host", .string(report.host)), ("port", .int(report.port)),
                ("trusted", .bool(trusted)), ("decision", .string(decision.rawValue)),
                ("reasons", .list(report.reasons.map(EventValue.string))),
                ("pin", .string(report.pin)), ("sha1", .string(report.sha1)),
                ("subject", .string(report.subject)), ("issuer", .string(report.issuer)),
                ("not_before", .string(report.notBefore)), ("not_after", .string(report.notAfter)),
                ("san", .list(report.subjectAltNames.map(EventValue.string))),
            ])
        case .tunnel(let info):
            var values: [(String, EventValue)] = [("interface", .string(info.interface))]
            if let address = info.address { values.append(("address", .string(address))) }
            if let netmask = info.netmask { values.append(("netmask", .string(netmask))) }
            if let v6 = info.ipv6Address { values.append(("address6", .string(v6))) }
            values.append(("mtu", .int(info.mtu)))
            values.append(("routes", .list(info.routes.map(EventValue.string))))
            values.append(("excluded_routes", .list(info.excludedRoutes.map(EventValue.string))))
            values.append(("dns", .list(info.dns.map(EventValue.string))))
            if let domain = info.domain { values.append(("domain", .string(domain))) }
            // The user's overrides (issue 14, item 4), beside what the gateway pushed above.
            if !info.userIncluded.isEmpty { values.append(("your_routes", .list(info.userIncluded.map(EventValue.string)))) }
            if !info.userExcluded.isEmpty { values.append(("your_excluded_routes", .list(info.userExcluded.map(EventValue.string)))) }
            if !info.userDNSDomains.isEmpty { values.append(("your_dns_domains", .list(info.userDNSDomains.map(EventValue.string)))) }
            return ("tunnel", values)
        case .channel(let info):
            var values: [(String, EventValue)] = [("channel", .string(info.channel.rawValue)),
                                                  ("state", .string(info.state.rawValue))]
            if let version = info.protocolVersion { values.append(("protocol", .string(version))) }
            if let cipher = info.cipher { values.append(("cipher", .string(cipher))) }
            if let attempt = info.attempt { values.append(("attempt", .int(attempt))) }
            if let next = info.nextInSeconds { values.append(("next_in_s", .int(next))) }
            if let reason = info.reason { values.append(("reason", .string(reason))) }
            return ("channel", values)
        case .connected(let transport):
            return ("connected", [("transport", .string(transport.rawValue))])
        case .stats(let stats):
            return ("stats", [("channel", .string(stats.channel.rawValue)),
                              ("bytes_in", .int(stats.bytesIn)), ("bytes_out", .int(stats.bytesOut)),
                              ("packets_in", .int(stats.packetsIn)), ("packets_out", .int(stats.packetsOut))])
        case .reconfigured(let mtu, let reason):
            return ("reconfigured", [("mtu", .int(mtu)), ("reason", .string(reason))])
        case .disconnected(let reason):
            return ("disconnected", [("reason", .string(reason))])
        case .reconnected(let after, let changed):
            return ("reconnected", [("after", .string(after)), ("changed", .list(changed.map(EventValue.string)))])
        case .log(let message):
            return ("log", [("message", .string(message))])
        case .warning(let message, let detail):
            return ("warning", [("message", .string(message))] + detail)
        case .waiting(let phase, let elapsed, let timeout):
            return ("waiting", [("phase", .string(phase.rawValue)), ("elapsed_s", .int(elapsed)), ("timeout_s", .int(timeout)),
                                ("message", .string(Self.waitingText))])
        case .sso(let sso):
            var values: [(String, EventValue)] = [("state", .string(sso.state.rawValue)), ("mode", .string(sso.mode.rawValue)),
                                                  ("url", .string(sso.loginURL)), ("timeout_s", .int(sso.timeoutSeconds))]
            if let browser = sso.browser { values.append(("browser", .string(browser))) }
            if let port = sso.callbackPort { values.append(("callback_port", .int(port))) }
            if sso.overSSH { values.append(("over_ssh", .bool(true))) }
            if let message = sso.message { values.append(("message", .string(message))) }
            if sso.state == .started { values.append(("instructions", .string(sso.instructions))) }
            return ("sso", values)
        case .error(let code, let message):
            return ("error", [("code", .int(Int(code))), ("message", .string(message))])
        }
    }

    private static func text(_ event: EngineEvent, fields: (kind: String, values: [(String, EventValue)]), date: Date) -> String {
        let clock = timestamp(date).dropFirst(11).prefix(12)
        switch event {
        case .phase(let phase, let state, let ms, let detail):
            var line = "[\(clock)] \(phase.rawValue) \(state.rawValue)"
            if let ms { line += " (\(ms) ms)" }
            let flat = detail.map { "\($0.0)=\(plain($0.1))" }.joined(separator: " ")
            return flat.isEmpty ? line : line + ": " + flat
        case .certificate(let report, let trusted, let decision):
            var line = "[\(clock)] certificate \(report.host):\(report.port) \(trusted ? "valid" : "NOT valid")"
                + " (\(decision.rawValue)) subject=\(report.subject) pin=\(report.pin)"
            if !report.reasons.isEmpty { line += " reasons=\(report.reasons.joined(separator: "; "))" }
            return line
        case .tunnel, .channel, .connected, .stats, .reconfigured, .disconnected, .reconnected:
            return "[\(clock)] \(fields.kind): " + fields.values.map { "\($0.0)=\(plain($0.1))" }.joined(separator: " ")
        case .log(let message):
            return "[\(clock)] \(message)"
        case .warning(let message, let detail):
            let flat = detail.map { "\($0.0)=\(plain($0.1))" }.joined(separator: " ")
            return "[\(clock)] warning: \(message)" + (flat.isEmpty ? "" : " (\(flat))")
        case .waiting(_, let elapsed, let timeout):
            return "[\(clock)] \(Self.waitingText) (\(elapsed) s of at most \(timeout) s; Ctrl-C cancels)"
        case .sso(let sso):
            switch sso.state {
            case .started:
                var line = "[\(clock)] single sign-on (\(sso.mode.rawValue) browser): open \(sso.loginURL)\n    "
                    + sso.instructions + " Waiting up to \(sso.timeoutSeconds) s; Ctrl-C cancels."
                if let message = sso.message { line += "\n    " + message }
                return line
            case .done: return "[\(clock)] single sign-on done"
            case .failed: return "[\(clock)] single sign-on failed: \(sso.message ?? "no reason given")"
            }
        case .error(let code, let message):
            return "[\(clock)] error (exit \(code)): \(message)"
        }
    }

    /// A held login reply is most often a push approval waiting on a phone (issue 10).
    static let waitingText = "waiting for the gateway — approve the request on your device?"

    private static func plain(_ value: EventValue) -> String {
        switch value {
        case .string(let text): return text.contains(" ") ? "'\(text)'" : text
        case .int(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .list(let items): return "[" + items.map(plain).joined(separator: ", ") + "]"
        case .object(let pairs): return "{" + pairs.map { "\($0.0)=\(plain($0.1))" }.joined(separator: " ") + "}"
        }
    }

    static func timestamp(_ date: Date) -> String {
        UTCTime.iso8601(date, milliseconds: true)
    }
}
