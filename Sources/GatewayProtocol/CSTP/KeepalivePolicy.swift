/// When to send DPD and keepalive on one channel, and when the peer is dead (protocol.md §5.1). Time is a
/// parameter (seconds on any monotonic clock), so tests need no sleeps.
public struct KeepalivePolicy: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        case none
        case sendDPD
        case sendKeepalive
        /// Nothing received for twice the DPD interval.
        case dead
    }

    public let dpd: Double?
    public let keepalive: Double?
    public private(set) var lastReceived: Double
    public private(set) var lastSent: Double
    public private(set) var lastDPDSent: Double?

    public init(dpd: Int?, keepalive: Int?, now: Double) {
        self.dpd = dpd.flatMap { $0 > 0 ? Double($0) : nil }
        self.keepalive = keepalive.flatMap { $0 > 0 ? Double($0) : nil }
        lastReceived = now
        lastSent = now
    }

    public mutating func received(now: Double) {
        lastReceived = now
        lastDPDSent = nil
    }

    public mutating func sent(now: Double) { lastSent = now }

    /// What to do now; call when `nextDeadline` passes (or at any time: it is idempotent until acted on).
    public mutating func action(now: Double) -> Action {
        if let dpd {
            if now - lastReceived >= 2 * dpd { return .dead }
            if now - lastReceived >= dpd {
                // One outstanding request is repeated every dpd/2 until an answer or death.
                if lastDPDSent == nil || now - lastDPDSent! >= dpd / 2 {
                    lastDPDSent = now
                    lastSent = now
                    return .sendDPD
                }
            }
        }
        if let keepalive, now - lastSent >= keepalive {
            lastSent = now
            return .sendKeepalive
        }
        return .none
    }

    /// The next moment `action` may have something to do.
    public func nextDeadline() -> Double? {
        var deadlines: [Double] = []
        if let dpd {
            deadlines.append(lastReceived + 2 * dpd)
            if let sent = lastDPDSent { deadlines.append(sent + dpd / 2) } else { deadlines.append(lastReceived + dpd) }
        }
        if let keepalive { deadlines.append(lastSent + keepalive) }
        return deadlines.min()
    }
}
