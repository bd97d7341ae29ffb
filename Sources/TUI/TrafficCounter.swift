import Engine

/// One channel's latest counters and the rates derived from the two latest `stats` events.
public struct TrafficCounter: Sendable, Equatable {
    public var stats: TrafficStats
    public var updatedAt: Double
    /// Bytes per second over the last interval; zero until a second sample arrives or after a counter reset.
    public var bytesInPerSecond: Double
    public var bytesOutPerSecond: Double

    public init(stats: TrafficStats, updatedAt: Double, bytesInPerSecond: Double = 0, bytesOutPerSecond: Double = 0) {
        self.stats = stats
        self.updatedAt = updatedAt
        self.bytesInPerSecond = bytesInPerSecond
        self.bytesOutPerSecond = bytesOutPerSecond
    }

    /// The counter after a newer sample: rates from the difference, zero when the counters went backwards
    /// (a new session restarts them) or no time passed.
    public func updated(with next: TrafficStats, at time: Double) -> TrafficCounter {
        let seconds = time - updatedAt
        func rate(_ new: Int, _ old: Int) -> Double {
            guard seconds > 0, new >= old else { return 0 }
            return Double(new - old) / seconds
        }
        return TrafficCounter(stats: next, updatedAt: time,
                              bytesInPerSecond: rate(next.bytesIn, stats.bytesIn),
                              bytesOutPerSecond: rate(next.bytesOut, stats.bytesOut))
    }
}
