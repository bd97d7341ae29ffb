import Engine

/// The connected view: TLS and DTLS side by side (which one carries data, protocol, cipher, MTU, DPD and
/// keepalive, the DTLS backoff countdown), the tunnel's addresses, routes and DNS, traffic with rates and a
/// short history, the uptime; the log below. `d` disconnects (after a confirmation), `r` reconnects.
public enum ChannelsScreen {
    public static func handle(_ key: Key, session: AppState) -> ScreenOutcome {
        switch Keymap.channels.action(for: key) {
        case .disconnect?: session.status.isActive ? .disconnect : .none
        case .reconnect?: session.gateway == nil ? .none : .reconnect
        case .showPhases?: .show(.phases)
        case .showGateways?: .show(.gateways)
        case .showHistory?: .show(.history)
        case .help?: .show(.help)
        case .quit?: .quit
        default: .none
        }
    }

    public static func render(_ session: AppState, now: Double, into grid: inout ScreenGrid, theme: Theme = .dark) {
        let box = theme.box
        let body = Chrome.draw(.channels, keymap: .channels, session: session, now: now, into: &grid, theme: theme)
        let channelHeight = 9
        let middleHeight = body.height >= 30 ? 10 : 8
        let (channels, rest) = body.splitTop(channelHeight)
        let (middle, log) = rest.splitTop(middleHeight)
        let (tlsRect, dtlsRect) = channels.splitLeft(channels.width / 2)
        let (tunnelRect, trafficRect) = middle.splitLeft(middle.width / 2)

        let carrier = session.carrier
        let tls = Panel.draw(tlsRect, title: "TLS channel", note: carrierNote(.tls, carrier, box: box), into: &grid,
                             box: box).inset(1, 0)
        FieldLines.draw(tlsLines(session, now: now, width: tls.width, box: box), in: tls, into: &grid)
        let dtls = Panel.draw(dtlsRect, title: "DTLS channel", note: carrierNote(.dtls, carrier, box: box), into: &grid,
                              box: box).inset(1, 0)
        FieldLines.draw(dtlsLines(session, now: now, width: dtls.width, box: box), in: dtls, into: &grid)
        let tunnel = Panel.draw(tunnelRect, title: "Tunnel", into: &grid, box: box).inset(1, 0)
        FieldLines.draw(tunnelLines(session, now: now, width: tunnel.width, height: tunnel.height, box: box), in: tunnel, into: &grid)
        let traffic = Panel.draw(trafficRect, title: "Traffic", into: &grid, box: box).inset(1, 0)
        FieldLines.draw(trafficLines(session, now: now, width: traffic.width, box: box), in: traffic, into: &grid)
        LogPane.draw(session, in: log, into: &grid, box: box)
    }

    private static func carrierNote(_ kind: ChannelInfo.Kind, _ carrier: ChannelInfo.Kind?, box: BoxStyle) -> [Span] {
        guard let carrier else { return [] }
        return carrier == kind ? [Status.ok.span("carries data", box)] : [Span("standby", .dim)]
    }

    private static let labelWidth = 9

    private static func field(_ label: String, _ value: String, width: Int, role: ColorRole = .normal) -> [[Span]] {
        FieldLines.field(label, value, width: width, labelWidth: labelWidth, role: role)
    }

    private static func state(_ spans: [Span]) -> [Span] { FieldLines.field("State", spans: spans, labelWidth: labelWidth) }

    private static func countdown(_ record: ChannelRecord, now: Double) -> String {
        record.secondsUntilNextAttempt(now: now).map { ", next in \($0) s" } ?? ""
    }

    static func tlsLines(_ session: AppState, now: Double, width: Int, box: BoxStyle) -> [[Span]] {
        guard let record = session.tls else {
            let waiting = session.status == .connecting ? Status.active.span("not up yet", box) : Status.pending.span("down", box)
            return [state([waiting])]
        }
        let info = record.info
        var lines: [[Span]] = []
        switch info.state {
        case .up:
            lines.append(state([Status.ok.span("up", box)]))
        case .reconnecting:
            lines.append(state([Status.retry.span("reconnecting", box)]))
            lines += field("", "attempt \(info.attempt ?? 1)\(countdown(record, now: now))", width: width, role: .statusWarn)
            if let reason = info.reason { lines += field("", reason, width: width, role: .dim) }
        case .connecting:
            lines.append(state([Status.active.span("connecting", box)]))
        case .failed:
            lines.append(state([Status.error.span("failed", box)]))
            if let reason = info.reason { lines += field("", reason, width: width, role: .statusError) }
        default:
            lines.append(state([Status.pending.span(info.state.rawValue, box)]))
            if let reason = info.reason { lines += field("", reason, width: width, role: .dim) }
        }
        lines += field("Protocol", info.protocolVersion ?? box.missing, width: width)
        lines += field("Cipher", info.cipher ?? box.missing, width: width)
        if let mtu = session.cstpMTU { lines += field("MTU", "\(mtu)", width: width) }
        let dpd = session.dpd.map { "DPD \($0) s" } ?? "no DPD"
        let keepalive = session.keepalive.map { "keepalive \($0) s" } ?? "no keepalive"
        lines += field("Liveness", box.join([dpd, keepalive]), width: width)
        lines += counters(session.tlsTraffic, width: width, box: box)
        return lines
    }

    static func dtlsLines(_ session: AppState, now: Double, width: Int, box: BoxStyle) -> [[Span]] {
        let phase = session.phase(.dtls)
        guard let record = session.dtls else {
            if phase.state == .skipped {
                return [state([Status.skipped.span("off", box)])] + field("", phase.reason ?? "not offered", width: width, role: .dim)
                    + field("", "data stays on TLS", width: width, role: .dim)
            }
            let word = session.status == .connecting || session.status == .connected ? "not started" : "down"
            return [state([Status.pending.span(word, box), Span(session.dtlsMode.map { " (\($0))" } ?? "", .dim)])]
        }
        let info = record.info
        let mode = Span(session.dtlsMode.map { " (\($0))" } ?? "", .dim)
        var lines: [[Span]] = []
        switch info.state {
        case .up:
            lines.append(state([Status.ok.span("up", box), mode]))
        case .connecting:
            lines.append(state([Status.active.span("handshaking", box), mode]))
            lines += field("", "data stays on TLS until it completes", width: width, role: .dim)
        case .backoff:
            let of = phase.retry?.of ?? 5
            lines.append(state([Status.retry.span("backoff", box), mode]))
            lines += field("", "attempt \(info.attempt ?? 1) of \(of)\(countdown(record, now: now))", width: width,
                           role: .statusWarn)
            lines += field("", "data stays on TLS", width: width, role: .dim)
        case .failed:
            lines.append(state([Status.error.span("gave up", box)]))
            lines += field("", (info.reason.map { "\($0); " } ?? "") + "data stays on TLS", width: width, role: .statusWarn)
        default:
            lines.append(state([Status.pending.span(info.state.rawValue, box)]))
            lines += field("", (info.reason.map { "\($0); " } ?? "") + "data on TLS", width: width, role: .dim)
        }
        if info.state == .up || info.protocolVersion != nil {
            lines += field("Protocol", info.protocolVersion ?? box.missing, width: width)
            lines += field("Cipher", info.cipher ?? box.missing, width: width)
        }
        if info.state == .up, let mtu = session.tunnel?.mtu { lines += field("MTU", "\(mtu)", width: width) }
        lines += counters(session.dtlsTraffic, width: width, box: box)
        return lines
    }

    private static func counters(_ traffic: TrafficCounter?, width: Int, box: BoxStyle) -> [[Span]] {
        guard let stats = traffic?.stats else { return [] }
        return field("In", box.join([Formatting.bytes(stats.bytesIn), "\(Formatting.count(stats.packetsIn)) pkts"]), width: width)
            + field("Out", box.join([Formatting.bytes(stats.bytesOut), "\(Formatting.count(stats.packetsOut)) pkts"]), width: width)
    }

    static func tunnelLines(_ session: AppState, now: Double, width: Int, height: Int, box: BoxStyle) -> [[Span]] {
        guard let tunnel = session.tunnel else { return [[Span("No tunnel yet.", .dim)]] }
        var lines: [[Span]] = []
        if session.isReconfiguring(now: now), let change = session.reconfiguration {
            lines.append([Status.warning.span("reconfiguring: MTU \(change.mtu)", box)])
        }
        lines += field("Device", box.join([tunnel.interface, "MTU \(tunnel.mtu)"]), width: width)
        lines += field("Address", address(tunnel) ?? box.missing, width: width)
        if let ipv6 = tunnel.ipv6Address { lines += field("IPv6", ipv6, width: width) }
        let dns = tunnel.dns.isEmpty ? "none pushed" : tunnel.dns.joined(separator: ", ")
        var dnsLines = field("DNS", box.join([dns] + [tunnel.domain].compactMap { $0 }), width: width)
        // The user's overrides for this gateway (issue 14, item 4), beside what the gateway pushed.
        var yours: [[Span]] = []
        if !tunnel.userIncluded.isEmpty { yours += list("Your in", tunnel.userIncluded, empty: "", width: width, rows: 1) }
        if !tunnel.userExcluded.isEmpty { yours += list("Your out", tunnel.userExcluded, empty: "", width: width, rows: 1) }
        if !tunnel.userDNSDomains.isEmpty {
            dnsLines += list("Your DNS", tunnel.userDNSDomains, empty: "", width: width, rows: 1)
        }
        // Routes take the rows left (a split tunnel may push hundreds), ending with how many did not fit.
        let excluded = tunnel.excludedRoutes.isEmpty ? 0 : 1
        let room = max(1, height - lines.count - dnsLines.count - excluded - yours.count)
        lines += list("Routes", tunnel.routes, empty: "all traffic", width: width, rows: room)
        if excluded > 0 { lines += list("Excluded", tunnel.excludedRoutes, empty: "", width: width, rows: 1) }
        return lines + yours + dnsLines
    }

    /// "198.18.100.7/24" when the netmask is a prefix, else address and mask.
    static func address(_ tunnel: TunnelInfo) -> String? {
        guard let address = tunnel.address else { return nil }
        guard let mask = tunnel.netmask else { return address }
        let octets = mask.split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4 else { return "\(address) / \(mask)" }
        let bits = octets.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let prefix = bits.nonzeroBitCount
        guard bits == (prefix == 0 ? 0 : UInt32.max << (32 - prefix)) else { return "\(address) / \(mask)" }
        return "\(address)/\(prefix)"
    }

    /// A comma-separated list in at most `rows` lines; what does not fit is counted ("+12 more").
    private static func list(_ label: String, _ items: [String], empty: String, width: Int, rows: Int) -> [[Span]] {
        guard !items.isEmpty else { return field(label, empty, width: width) }
        for shown in stride(from: items.count, through: 1, by: -1) {
            let rest = items.count - shown
            let text = items.prefix(shown).joined(separator: ", ") + (rest > 0 ? ", +\(rest) more" : "")
            let lines = field(label, text, width: width)
            if lines.count <= rows { return lines }
        }
        return field(label, "\(items.count) routes", width: width)
    }

    static func trafficLines(_ session: AppState, now: Double, width: Int, box: BoxStyle) -> [[Span]] {
        guard session.tlsTraffic != nil || session.dtlsTraffic != nil else {
            return [[Span("No traffic counted yet.", .dim)]] + uptime(session, now: now, box: box)
        }
        let last = session.rates.samples.last
        let rateWidth = 12
        let sparkWidth = max(0, width - labelWidth - rateWidth - 1)
        func rateLine(_ label: String, _ rate: Double, _ history: [Double]) -> [Span] {
            [Span(TextLayout.fit(label, labelWidth), .label), Span(TextLayout.fit(Formatting.rate(rate), rateWidth)),
             Span(Sparkline.render(history, width: sparkWidth, box: box), .graph)]
        }
        var lines: [[Span]] = [
            rateLine("Rate in", last?.bytesInPerSecond ?? 0, session.rates.inRates),
            rateLine("Rate out", last?.bytesOutPerSecond ?? 0, session.rates.outRates),
        ]
        let total = session.totalBytes
        lines += field("Total", box.join(["in \(Formatting.bytes(total.bytesIn))", "out \(Formatting.bytes(total.bytesOut))"]), width: width)
        let packets = [session.tlsTraffic, session.dtlsTraffic].compactMap { $0?.stats }
        let packetsIn = packets.reduce(0) { $0 + $1.packetsIn }, packetsOut = packets.reduce(0) { $0 + $1.packetsOut }
        lines += field("Packets", box.join(["in \(Formatting.count(packetsIn))", "out \(Formatting.count(packetsOut))"]), width: width)
        return lines + uptime(session, now: now, box: box)
    }

    private static func uptime(_ session: AppState, now: Double, box: BoxStyle) -> [[Span]] {
        guard let seconds = session.uptimeSeconds(now: now) else { return [] }
        let via = session.carrier.map { " \(box.dot) via \($0.rawValue.uppercased())" } ?? ""
        return [FieldLines.field("Uptime", spans: [Span(Formatting.duration(seconds) + via)], labelWidth: labelWidth)]
    }
}
