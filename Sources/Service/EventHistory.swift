import Engine

/// What a front end attaching to a running connection is shown first: every state event (phases, certificate,
/// tunnel, channels), the latest counters per channel and the last log lines, in their order. Bounded, so a
/// connection that runs for weeks (or a hostile gateway's log lines) cannot grow it.
struct EventHistory: Sendable {
    static let maxStateEvents = 400
    static let maxLogEvents = 200

    private var sequence = 0
    private var state: [(Int, EngineEvent)] = []
    private var logs: [(Int, EngineEvent)] = []
    private var stats: [ChannelInfo.Kind: (Int, EngineEvent)] = [:]

    mutating func record(_ event: EngineEvent) {
        sequence += 1
        switch event {
        case .stats(let counters):
            stats[counters.channel] = (sequence, event)
        case .log, .waiting:
            logs.append((sequence, event))
            if logs.count > Self.maxLogEvents { logs.removeFirst(logs.count - Self.maxLogEvents) }
        default:
            state.append((sequence, event))
            if state.count > Self.maxStateEvents { state.removeFirst(state.count - Self.maxStateEvents) }
        }
    }

    var replay: [EngineEvent] {
        (state + logs + Array(stats.values)).sorted { $0.0 < $1.0 }.map(\.1)
    }
}
