import Engine
import GatewayProtocol

/// Everything the connection screens show, folded from engine events. The reducer only records what the
/// engine said, so the screens cannot run ahead of it: "connected" waits for `.connected`, and DTLS carries
/// data only while its channel is up.
public struct AppState: Sendable, Equatable {
    /// The saved gateway's name (or the URL typed) and its URL, set by `begin`.
    public var gateway: String?
    public var url: String?
    public var status: ConnectionStatus = .idle
    /// When the attempt began (the log's time zero).
    public var startedAt: Double?
    public var connectedAt: Double?
    /// The six phases, always in protocol order.
    public var phases: [PhaseRecord] = PhaseID.allCases.map(PhaseRecord.init(id:))
    public var certificate: CertificateRecord?
    public var tunnel: TunnelInfo?
    public var tls: ChannelRecord?
    public var dtls: ChannelRecord?
    public var tlsTraffic: TrafficCounter?
    public var dtlsTraffic: TrafficCounter?
    public var rates = RateHistory()
    /// From the `cstp` phase's details: seconds, nil when the gateway sent none.
    public var dpd: Int?
    public var keepalive: Int?
    /// The TLS channel's MTU (`X-CSTP-MTU`), from the `cstp` phase's details.
    public var cstpMTU: Int?
    /// The DTLS mode CONNECT settled on (psk, legacy, dtls12, none).
    public var dtlsMode: String?
    /// The latest MTU change after the tunnel came up, and when (shown briefly as "reconfiguring").
    public var reconfiguration: Reconfiguration?
    /// The engine's `error` event that ended the attempt.
    public var lastError: ErrorRecord?
    /// The gateway is holding a login step (nil once it answers or the attempt ends).
    public var waiting: GatewayWait?
    /// A single sign-on step waiting for the browser (nil once it ends).
    public var sso: SSOStep?
    public private(set) var log: [LogLine] = []
    /// How many log lines are kept; older ones fall off (the full log is the engine's file).
    public var logCapacity: Int

    public struct Reconfiguration: Sendable, Equatable {
        public var mtu: Int
        public var reason: String
        public var at: Double
    }

    public struct ErrorRecord: Sendable, Equatable {
        public var code: Int32
        public var message: String
    }

    /// How long a reconfiguration shows as "reconfiguring".
    public static let reconfiguringSeconds = 3.0

    public init(logCapacity: Int = 200) {
        self.logCapacity = max(1, logCapacity)
    }

    // MARK: - Reading

    public func phase(_ id: PhaseID) -> PhaseRecord {
        phases.first { $0.id == id } ?? PhaseRecord(id: id)
    }

    public func channel(_ kind: ChannelInfo.Kind) -> ChannelRecord? { kind == .tls ? tls : dtls }

    public func traffic(_ kind: ChannelInfo.Kind) -> TrafficCounter? { kind == .tls ? tlsTraffic : dtlsTraffic }

    /// The channel carrying data: DTLS only while connected and its channel is up, else TLS while it is up.
    public var carrier: ChannelInfo.Kind? {
        guard status == .connected else { return nil }
        if dtls?.info.state == .up { return .dtls }
        if tls?.info.state == .up { return .tls }
        return nil
    }

    /// The phase that failed in this attempt, if any.
    public var failedPhase: PhaseRecord? { phases.first { $0.state == .failed } }

    public func uptimeSeconds(now: Double) -> Double? {
        guard status == .connected || status == .reconnecting, let connectedAt else { return nil }
        return max(0, now - connectedAt)
    }

    public func isReconfiguring(now: Double) -> Bool {
        guard let at = reconfiguration?.at else { return false }
        return now >= at && now - at < Self.reconfiguringSeconds
    }

    /// Bytes moved over both channels.
    public var totalBytes: (bytesIn: Int, bytesOut: Int) {
        let all = [tlsTraffic, dtlsTraffic].compactMap { $0?.stats }
        return (all.reduce(0) { $0 + $1.bytesIn }, all.reduce(0) { $0 + $1.bytesOut })
    }

    // MARK: - Reducing

    /// Starts a fresh attempt: the phases, channels and counters are cleared; the log keeps going.
    public mutating func begin(gateway: String, url: String? = nil, at time: Double) {
        let kept = log
        self = AppState(logCapacity: logCapacity)
        self.gateway = gateway
        self.url = url
        status = .connecting
        startedAt = time
        log = kept
        append(LogLine(time: time, text: "connecting to \(gateway)"))
    }

    /// Folds one engine event in; `time` is when the front end received it.
    public mutating func apply(_ event: EngineEvent, at time: Double) {
        if case .waiting = event {} else if case .log = event {} else { waiting = nil }
        switch event {
        case .error, .disconnected, .connected: sso = nil
        case .phase(_, let state, _, _) where state == .failed: sso = nil
        default: break
        }
        switch event {
        case let .phase(id, state, milliseconds, detail):
            applyPhase(id, state, milliseconds: milliseconds, detail: detail.map(DetailItem.init), at: time)
        case let .certificate(report, trusted, decision):
            certificate = CertificateRecord(report: report, trusted: trusted, decision: decision)
            if !trusted && decision == .refused {
                append(LogLine(time: time, text: "certificate of \(report.host) refused", level: .error))
            } else if !report.isValid {
                append(LogLine(time: time, text: "certificate of \(report.host) accepted (\(decision.rawValue)) despite: "
                               + report.reasons.joined(separator: "; "), level: .warning))
            }
        case let .tunnel(info):
            tunnel = info
            // Typed values from the engine, not keys read back from the phase detail (issue 12, item 8).
            dpd = info.dpd
            keepalive = info.keepalive
            dtlsMode = info.dtlsMode
            cstpMTU = info.cstpMTU
        case let .channel(info):
            applyChannel(info, at: time)
        case .connected:
            status = .connected
            connectedAt = time
            append(LogLine(time: time, text: "connected"))
        case let .stats(stats):
            applyStats(stats, at: time)
        case let .reconfigured(mtu, reason):
            // An unchanged MTU is no reconfiguration the person needs to see (issue 12, item 6).
            guard tunnel?.mtu != mtu else { break }
            tunnel?.mtu = mtu
            reconfiguration = Reconfiguration(mtu: mtu, reason: reason, at: time)
            append(LogLine(time: time, text: "reconfigured: MTU \(mtu) (\(reason))", level: .warning))
        case let .disconnected(reason):
            status = .disconnected(reason: reason)
            connectedAt = nil
            append(LogLine(time: time, text: "disconnected: \(reason)"))
        case let .reconnected(after, changed):
            status = .connected
            let what = changed.isEmpty ? "" : "; changed: " + changed.joined(separator: ", ")
            append(LogLine(time: time, text: "reconnected after \(after)\(what)", level: .warning))
        case let .log(text):
            append(LogLine(time: time, text: text))
        case let .warning(text, _):
            append(LogLine(time: time, text: "warning: " + text, level: .warning))
        case let .sso(progress):
            switch progress.state {
            case .started:
                sso = SSOStep(progress: progress, since: time)
                append(LogLine(time: time, text: "single sign-on: open \(progress.loginURL)", level: .warning))
            case .done:
                sso = nil
                append(LogLine(time: time, text: "single sign-on done"))
            case .failed:
                sso = nil
                append(LogLine(time: time, text: "single sign-on failed: \(progress.message ?? "no reason given")",
                               level: .error))
            }
        case let .waiting(phase, elapsed, timeout):
            if waiting == nil {
                append(LogLine(time: time, text: "the gateway holds the login: approve the request on your device?",
                               level: .warning))
            }
            waiting = GatewayWait(phase: phase, since: time - Double(elapsed), timeoutSeconds: timeout)
        case let .error(code, message):
            lastError = ErrorRecord(code: code, message: message)
            if case .disconnected = status {} else { status = .failed(message: message) }
            connectedAt = nil
            append(LogLine(time: time, text: message, level: .error))
        @unknown default:
            // An event this version does not know yet still reaches the log rather than vanishing.
            append(LogLine(time: time, text: String(describing: event)))
        }
    }

    private mutating func applyPhase(_ id: PhaseID, _ state: PhaseState, milliseconds: Int?, detail: [DetailItem],
                                     at time: Double) {
        if state == .started, !status.isActive {
            // A phase starting after the attempt ended is a new attempt (a reconnect): clear from it on.
            restart(from: id, at: time)
        } else if status == .idle {
            status = .connecting
            startedAt = startedAt ?? time
        }
        guard let index = phases.firstIndex(where: { $0.id == id }) else { return }
        var record = phases[index]
        switch state {
        case .started:
            record = PhaseRecord(id: id)
            record.startedAt = time
            record.detail = detail
        case .retry:
            let value = { (key: String) -> Int? in
                if case .int(let n)? = detail.first(where: { $0.key == key })?.value { return n }
                return nil
            }
            record.retry = PhaseRecord.Retry(attempt: value("attempt") ?? 0, of: value("of") ?? 5,
                                             nextInSeconds: value("next_in_s") ?? 0, at: time)
            record.startedAt = record.startedAt ?? time
            record.reason = Self.string(detail, "reason")
        case .done, .failed, .skipped:
            record.startedAt = record.startedAt ?? time
            record.endedAt = time
            record.milliseconds = milliseconds
            record.detail = detail
            record.reason = Self.string(detail, "reason")
            if state != .failed { record.retry = nil }
        }
        record.state = state
        phases[index] = record

        // A DTLS failure is not the attempt's end (data stays on TLS): its channel event already said so.
        if state == .failed, id != .dtls {
            let reason = record.reason.map { ": \($0)" } ?? ""
            append(LogLine(time: time, text: "\(id.title) failed\(reason)", level: .error))
        }
    }

    private mutating func restart(from id: PhaseID, at time: Double) {
        let order = PhaseID.allCases
        let start = order.firstIndex(of: id) ?? 0
        for index in phases.indices where (order.firstIndex(of: phases[index].id) ?? 0) >= start {
            phases[index] = PhaseRecord(id: phases[index].id)
        }
        if id == .tls { certificate = nil }
        status = .connecting
        startedAt = startedAt ?? time
        tunnel = nil
        tls = nil
        dtls = nil
        tlsTraffic = nil
        dtlsTraffic = nil
        rates = RateHistory(capacity: rates.capacity)
        connectedAt = nil
        lastError = nil
        reconfiguration = nil
    }

    private mutating func applyChannel(_ info: ChannelInfo, at time: Double) {
        let previous = channel(info.channel)
        if info.channel == .tls, info.state == .reconnecting, status == .connected {
            status = .reconnecting
            append(LogLine(time: time, text: "connection lost: \(info.reason ?? "no reason given"); reconnecting",
                           level: .warning))
        }
        var record = ChannelRecord(info: info, updatedAt: time)
        if info.state == .up {
            record.upSince = previous?.info.state == .up ? previous?.upSince : time
            // An update without protocol or cipher keeps what the channel reported before.
            record.info.protocolVersion = info.protocolVersion ?? previous?.info.protocolVersion
            record.info.cipher = info.cipher ?? previous?.info.cipher
        }
        if info.channel == .tls { tls = record } else { dtls = record }
        if info.channel == .dtls {
            switch info.state {
            case .up:
                append(LogLine(time: time, text: "DTLS up: data moves to DTLS"))
            case .failed:
                append(LogLine(time: time, text: "DTLS failed: \(info.reason ?? "no answer"); data stays on TLS",
                               level: .warning))
            case .down where previous?.info.state == .up:
                append(LogLine(time: time, text: "DTLS down: \(info.reason ?? "closed"); data back on TLS",
                               level: .warning))
            default:
                break
            }
        }
    }

    private mutating func applyStats(_ stats: TrafficStats, at time: Double) {
        let previous = traffic(stats.channel)
        let counter = previous.map { $0.updated(with: stats, at: time) } ?? TrafficCounter(stats: stats, updatedAt: time)
        if stats.channel == .tls { tlsTraffic = counter } else { dtlsTraffic = counter }
        // The first sample of a channel only sets its baseline: no rate yet.
        guard previous != nil else { return }
        let current = [tlsTraffic, dtlsTraffic].compactMap { $0 }.filter { time - $0.updatedAt < 0.5 }
        rates.record(RateHistory.Sample(time: time,
                                        bytesInPerSecond: current.reduce(0) { $0 + $1.bytesInPerSecond },
                                        bytesOutPerSecond: current.reduce(0) { $0 + $1.bytesOutPerSecond }))
    }

    /// A line from the front end itself (a theme problem, a refused key), at the time given or the last line's.
    public mutating func note(_ text: String, level: LogLine.Level = .info, at time: Double? = nil) {
        append(LogLine(time: time ?? log.last?.time ?? startedAt ?? 0, text: text, level: level))
    }

    private mutating func append(_ line: LogLine) {
        log.append(line)
        if log.count > logCapacity { log.removeFirst(log.count - logCapacity) }
    }

    private static func string(_ detail: [DetailItem], _ key: String) -> String? {
        guard case .string(let text)? = detail.first(where: { $0.key == key })?.value, !text.isEmpty else { return nil }
        return text
    }

    private static func int(_ detail: [DetailItem], _ key: String) -> Int? {
        guard case .int(let n)? = detail.first(where: { $0.key == key })?.value else { return nil }
        return n
    }
}
