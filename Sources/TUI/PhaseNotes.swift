import Engine
import GatewayProtocol

/// The timeline's words for each phase: its state (glyph and word) and a one-line note, plus the detail
/// lines shown on demand.
public enum PhaseNotes {
    public static func state(_ record: PhaseRecord, box: BoxStyle) -> Span {
        switch record.state {
        case nil: Status.pending.span("pending", box)
        case .started?: Status.active.span("running", box)
        case .done?: Status.ok.span("done", box)
        case .failed?: Status.error.span("failed", box)
        case .skipped?: Status.skipped.span("skipped", box)
        case .retry?: Status.retry.span("retry " + (record.retry.map { "\($0.attempt)/\($0.of)" } ?? ""), box)
        }
    }

    public static func note(_ record: PhaseRecord, session: AppState, now: Double, box: BoxStyle) -> Span {
        let detail = record.detail
        func text(_ key: String) -> String? {
            guard case .string(let value)? = detail.first(where: { $0.key == key })?.value, !value.isEmpty else { return nil }
            return value
        }
        func number(_ key: String) -> Int? {
            guard case .int(let value)? = detail.first(where: { $0.key == key })?.value else { return nil }
            return value
        }
        switch record.state {
        case nil:
            return Span(record.id.purpose, .dim)
        case .failed?:
            return Span(record.reason ?? "failed", .statusError)
        case .skipped?:
            return Span(record.reason ?? "not needed", .dim)
        case .retry?:
            guard let retry = record.retry else { return Span("retrying", .statusWarn) }
            let left = max(0, Int((Double(retry.nextInSeconds) - (now - retry.at)).rounded(.up)))
            return Span("attempt \(retry.attempt) of \(retry.of), next in \(left) s", .statusWarn)
        case .started?:
            return Span(record.id.purpose + String(box.ellipsis), .normal)
        case .done?:
            break
        }
        switch record.id {
        case .tls:
            var parts: [String] = []
            if let certificate = session.certificate {
                parts.append("cert " + (certificate.report.isValid ? "valid" : "accepted \(certificate.decision.rawValue)"))
            }
            parts += [text("protocol"), text("cipher")].compactMap { $0 }
            return Span(box.join(parts), session.certificate.map { $0.report.isValid } == false ? .statusWarn : .normal)
        case .groupSelect:
            if case .object(let pairs)? = detail.first(where: { $0.key == "chosen" })?.value,
               let label = pairs.first(where: { $0.0 == "label" }), case .string(let name) = label.1 {
                return Span("group: \(name)")
            }
            return Span("no group chosen")
        case .userAuth:
            if case .list(let steps)? = detail.first(where: { $0.key == "steps" })?.value {
                return Span(steps.count == 1 ? "1 form answered" : "\(steps.count) forms answered")
            }
            return Span("logged in")
        case .download:
            let profile = text("uri").map { "profile \($0)" } ?? "profile downloaded"
            // What the profile did to the saved gateways, so a planted or refused entry is seen (issue 13, item 1).
            switch detail.first(where: { $0.key == "saved" })?.value {
            case .string(let why)?:
                return Span(box.join([profile, why.hasPrefix("no: ") ? "nothing saved (" + why.dropFirst(4) + ")" : why]),
                            .statusWarn)
            case .object(let changes)?:
                func count(_ key: String) -> Int {
                    if case .list(let items)? = changes.first(where: { $0.0 == key })?.1 { return items.count }
                    return 0
                }
                let parts = [("added", count("added")), ("changed", count("changed")), ("removed", count("removed")),
                             ("refused", count("refused"))].filter { $0.1 > 0 }.map { "\($0.1) gateway(s) \($0.0)" }
                return Span(box.join([profile] + parts), count("refused") > 0 ? .statusWarn : .normal)
            default:
                return Span(profile)
            }
        case .cstp:
            var parts: [String] = []
            if let address = text("address") { parts.append(address) }
            if let mtu = number("mtu") { parts.append("MTU \(mtu)") }
            if let dtls = text("dtls") { parts.append("DTLS \(dtls)") }
            return Span(box.join(parts))
        case .dtls:
            return Span(box.join([text("protocol"), text("cipher")].compactMap { $0 }))
        }
    }

    /// The lines shown when a phase's details are open.
    public static func details(_ record: PhaseRecord, session: AppState) -> [String] {
        var lines = DetailFormatter.lines(record.detail)
        if record.id == .tls, let certificate = session.certificate {
            let report = certificate.report
            lines.append("certificate: " + (certificate.trusted ? "trusted" : "not trusted") + " (\(certificate.decision.rawValue))")
            lines.append("subject: \(report.subject)")
            lines.append("issuer: \(report.issuer)")
            lines.append("valid: \(report.notBefore) to \(report.notAfter)")
            lines.append("pin: \(report.pin)")
            lines += report.reasons.map { "problem: \($0)" }
        }
        if lines.isEmpty { lines = [record.state == nil ? "not started" : "no details"] }
        return lines
    }
}
