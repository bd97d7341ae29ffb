import Engine

/// The latest report on one data channel, with when it arrived (for the backoff countdown) and since when the
/// channel has been up.
public struct ChannelRecord: Sendable, Equatable {
    public var info: ChannelInfo
    public var updatedAt: Double
    public var upSince: Double?

    public init(info: ChannelInfo, updatedAt: Double, upSince: Double? = nil) {
        self.info = info
        self.updatedAt = updatedAt
        self.upSince = upSince
    }

    /// Seconds until the next DTLS (or reconnect) attempt, counted down from the event's `next_in_s`, never below zero.
    public func secondsUntilNextAttempt(now: Double) -> Int? {
        guard info.state == .backoff || info.state == .reconnecting, let next = info.nextInSeconds else { return nil }
        let remaining = Double(next) - (now - updatedAt)
        return max(0, Int(remaining.rounded(.up)))
    }
}
