import Engine

/// What a front end attaching to a running connection is shown first, in the order it happened: the latest
/// event of each kind that describes the connection's state (each phase, the certificate, the tunnel, each
/// channel and its counters, the SSO step) and the last lines of everything else (log, warnings, reconnects).
/// Bounded, so a connection that runs for weeks, or a hostile gateway's log lines, cannot grow it, and no
/// amount of log pushes the phases out.
struct EventHistory: Sendable {
    static let maxOtherEvents = 200

    private var sequence = 0
    private var latest: [String: (Int, EngineEvent)] = [:]
    private var others: [(Int, EngineEvent)] = []

    mutating func record(_ event: EngineEvent) {
        sequence += 1
        if let key = Self.stateKey(event) {
            latest[key] = (sequence, event)
            return
        }
        others.append((sequence, event))
        if others.count > Self.maxOtherEvents { others.removeFirst(others.count - Self.maxOtherEvents) }
    }

    static func stateKey(_ event: EngineEvent) -> String? {
        switch event {
        case .phase(let phase, _, _, _): return "phase." + phase.rawValue
        case .certificate: return "certificate"
        case .tunnel: return "tunnel"
        case .channel(let info): return "channel." + info.channel.rawValue
        case .connected: return "connected"
        case .stats(let stats): return "stats." + stats.channel.rawValue
        case .sso: return "sso"
        default: return nil
        }
    }

    var replay: [EngineEvent] {
        (Array(latest.values) + others).sorted { $0.0 < $1.0 }.map(\.1)
    }
}
