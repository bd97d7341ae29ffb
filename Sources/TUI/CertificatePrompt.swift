import Engine
import GatewayProtocol

/// The certificate prompt (DESIGN.md §5-6): why validation failed, subject, issuer, validity, names, pin;
/// old pins beside the new certificate when a pinned gateway changed. Only explicit letters answer: `o`
/// connects once, `t` always trusts, `c` or Esc cancels. Enter never trusts: it only says which keys do.
/// The prompt replaces the screen and takes the next key, so keys in its first `settleSeconds` (typed for the
/// screen before it) answer nothing (issue 13, item 5).
public struct CertificatePrompt: Sendable, Equatable {
    /// How long after opening the prompt ignores answers: longer than a key repeat or a typed-ahead word.
    public static let settleSeconds = 1.0

    public var question: TrustQuestion
    /// When it opened, on the interface's clock.
    public let openedAt: Double
    /// First content line shown, for long reports on short screens.
    public private(set) var scroll = 0
    /// A reminder after a key that does not answer (a stray Enter).
    public private(set) var notice: String?
    /// A key came before the prompt settled (and was ignored): said until it settles.
    public private(set) var ignoredEarly = false

    public init(_ question: TrustQuestion, openedAt: Double) {
        self.question = question
        self.openedAt = openedAt
    }

    /// Whether keys answer yet.
    public func isSettled(at now: Double) -> Bool { now - openedAt >= Self.settleSeconds }

    public var hostPort: String { "\(question.report.host):\(question.report.port)" }

    /// `.cancelled` for `c` and Esc (the engine's `.cancel`), `.done` for once or always.
    public mutating func handle(_ key: Key, now: Double) -> DialogResult<TrustDecision> {
        notice = nil
        let action = Keymap.certificate.action(for: key)
        if !isSettled(at: now), action != .moveUp, action != .moveDown {
            ignoredEarly = true
            return .pending
        }
        switch action {
        case .trustOnce?: return .done(.once)
        case .trustAlways?: return .done(.always)
        case .cancel?: return .cancelled
        case .moveUp?: scroll = max(0, scroll - 1)
        case .moveDown?: scroll += 1
        default: notice = "\(key.name()) does not answer here: press o (once), t (always trust) or c (cancel)."
        }
        return .pending
    }

    public func render(into grid: inout ScreenGrid, theme: Theme, now: Double) {
        let box = theme.box
        // The decision deserves the whole screen: nothing of the timeline behind competes with it.
        let inside = DialogFrame.draw(
            title: question.isMismatch ? "Certificate changed: \(hostPort)" : "Untrusted certificate: \(hostPort)",
            width: grid.width, height: grid.height, into: &grid, box: box)
        let footer = 3
        let lines = content(width: inside.width, box: box)
        let visible = max(0, inside.height - footer)
        let first = min(scroll, max(0, lines.count - visible))
        for (offset, line) in lines.dropFirst(first).prefix(visible).enumerated() {
            grid.put(line, x: inside.x, y: inside.y + offset, limit: inside.maxX)
        }
        if first > 0 { grid.put(String(box.arrowUp), x: inside.maxX, y: inside.y, role: .dim) }
        if first + visible < lines.count {
            grid.put(String(box.arrowDown), x: inside.maxX, y: inside.y + visible - 1, role: .dim)
        }
        let buttons: [Span] = [
            Span("[o]", .keyHint), Span(" Connect once   ", .dialog),
            Span("[t]", .keyHint), Span(" Always trust   ", .dialog),
            Span("[c]", .keyHint), Span(" Cancel", .dialog),
        ]
        let y = inside.maxY - 2
        grid.put(buttons, x: inside.x, y: y, limit: inside.maxX)
        let settled = isSettled(at: now)
        let reminder = settled ? notice ?? "Enter does nothing here, so a stray key never trusts."
            : ignoredEarly ? "Too soon: read the prompt first, then press o, t or c."
            : "Read it first: keys answer in a moment, not ones typed before it appeared."
        grid.put(TextLayout.truncate(reminder, to: inside.width, ellipsis: box.ellipsis), x: inside.x, y: y + 1,
                 role: settled && notice == nil || !settled && !ignoredEarly ? .dim : .statusWarn)
    }

    /// The report as lines of spans, wrapped to `width`.
    func content(width: Int, box: BoxStyle) -> [[Span]] {
        let report = question.report
        var lines: [[Span]] = []
        if question.isMismatch {
            lines += TextLayout.wrap("\(Status.error.glyph(box)) Not the certificate you trusted before: an attack, or "
                                     + "a new certificate. Check with the gateway's administrator before trusting it.",
                                     width: width).map { [Span($0, .statusError)] }
        } else {
            lines += TextLayout.wrap("\(Status.warning.glyph(box)) Swiftgate could not verify this gateway's "
                                     + "certificate.", width: width).map { [Span($0, .statusWarn)] }
        }
        if report.reasons.isEmpty {
            lines.append([Status.ok.span("The chain and the host name check out; only the pin differs.", box)])
        } else {
            lines.append([])
            lines.append([Span("Why it failed:", .label)])
            for reason in report.reasons {
                lines += TextLayout.wrap(reason, width: width - 4).enumerated().map { index, text in
                    [Span(index == 0 ? "  \(Status.error.glyph(box)) " : "    ", .statusError), Span(text, .dialog)]
                }
            }
        }
        lines.append([])
        if question.isMismatch {
            lines += sideBySide(width: width, box: box)
        } else {
            lines += Self.describe(subject: report.subject, issuer: report.issuer,
                                   validity: "\(report.notBefore) to \(report.notAfter)", pin: report.pin,
                                   width: width)
        }
        if !report.subjectAltNames.isEmpty {
            lines += Self.field("Names", report.subjectAltNames.joined(separator: ", "), width: width)
        }
        lines += Self.field("SHA-1", report.sha1, width: width, chop: true)
        lines.append([])
        lines += TextLayout.wrap("Connect once: use it for this connection only. Always trust: remember this pin "
                                 + "for \(hostPort)" + (report.isValid ? "." : "; every later connection warns "
                                 + "until the certificate validates."), width: width).map { [Span($0, .dim)] }
        return lines
    }

    /// Old pins on the left, the presented certificate on the right.
    private func sideBySide(width: Int, box: BoxStyle) -> [[Span]] {
        let report = question.report
        let column = (width - 3) / 2
        var left: [[Span]] = [[Span("Pinned before", .header)]]
        for (index, old) in question.pinnedBefore.enumerated() {
            if index > 0 { left.append([]) }
            left += Self.describe(subject: old.subject, issuer: old.issuer, validity: "until \(old.notAfter)",
                                  pin: old.pin, width: column)
            if old.warning {
                left += TextLayout.wrap("\(Status.warning.glyph(box)) accepted despite: "
                                        + old.reasons.joined(separator: "; "), width: column).map { [Span($0, .statusWarn)] }
            }
        }
        var right: [[Span]] = [[Span("Presented now", .header)]]
        right += Self.describe(subject: report.subject, issuer: report.issuer,
                               validity: "\(report.notBefore) to \(report.notAfter)", pin: report.pin, width: column)
        var lines: [[Span]] = []
        for row in 0..<max(left.count, right.count) {
            let l = row < left.count ? left[row] : []
            let r = row < right.count ? right[row] : []
            let used = l.reduce(0) { $0 + $1.text.count }
            lines.append(l + [Span(String(repeating: " ", count: max(0, column - used)) + " " + String(box.vertical) + " ",
                                   .border)] + r)
        }
        return lines
    }

    private static func describe(subject: String, issuer: String, validity: String, pin: String,
                                 width: Int) -> [[Span]] {
        field("Subject", subject, width: width) + field("Issuer", issuer, width: width)
            + field("Valid", validity, width: width) + field("Pin", pin, width: width, chop: true)
    }

    private static func field(_ label: String, _ value: String, width: Int, chop: Bool = false) -> [[Span]] {
        FieldLines.field(label, value, width: width, role: .dialog, chop: chop)
    }
}
