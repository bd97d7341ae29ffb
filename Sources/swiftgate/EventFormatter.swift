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
            return Self.text(event, fields: fields, date: date)
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
                ("trusted", .bool(trusted)), ("decision", .string(decision)),
                ("reasons", .list(report.reasons.map(EventValue.string))),
                ("pin", .string(report.pin)), ("sha1", .string(report.sha1)),
                ("subject", .string(report.subject)), ("issuer", .string(report.issuer)),
                ("not_before", .string(report.notBefore)), ("not_after", .string(report.notAfter)),
                ("san", .list(report.subjectAltNames.map(EventValue.string))),
            ])
        case .log(let message):
            return ("log", [("message", .string(message))])
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
                + " (\(decision)) subject=\(report.subject) pin=\(report.pin)"
            if !report.reasons.isEmpty { line += " reasons=\(report.reasons.joined(separator: "; "))" }
            return line
        case .log(let message):
            return "[\(clock)] \(message)"
        case .error(let code, let message):
            return "[\(clock)] error (exit \(code)): \(message)"
        }
    }

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
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
