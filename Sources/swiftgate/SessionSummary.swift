import Engine

/// What one connection's events add up to, for the history: phase durations, the transport that carried data,
/// the traffic.
struct SessionSummary: Sendable {
    var phaseTimings: [String: Int] = [:]
    var transport: ChannelInfo.Kind?
    var bytesIn: [ChannelInfo.Kind: Int] = [:]
    var bytesOut: [ChannelInfo.Kind: Int] = [:]

    mutating func observe(_ event: EngineEvent) {
        switch event {
        case .phase(let phase, let state, let ms, _) where state == .done || state == .failed:
            if let ms { phaseTimings[phase.rawValue] = ms }
        case .connected(let kind):
            transport = kind
        case .channel(let info) where info.channel == .dtls && info.state == .up:
            transport = .dtls
        case .stats(let stats):
            // Counters restart with each data plane (after a reconnect): keep the running maximum per channel.
            bytesIn[stats.channel] = max(bytesIn[stats.channel] ?? 0, stats.bytesIn)
            bytesOut[stats.channel] = max(bytesOut[stats.channel] ?? 0, stats.bytesOut)
        default:
            break
        }
    }

    var totalIn: Int { bytesIn.values.reduce(0, +) }
    var totalOut: Int { bytesOut.values.reduce(0, +) }
}
