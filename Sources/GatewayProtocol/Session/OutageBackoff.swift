/// Backoff across outages (issue 13, item 12): a tunnel that comes back and dies again at once (a gateway that
/// accepts CONNECT and then drops it, a flapping link) must not reconnect in a tight loop. Each outage that follows
/// a short-lived tunnel waits longer before its first attempt, doubling from 1 s to 30 s; a tunnel that stayed
/// up for `stableSeconds` resets it.
public struct OutageBackoff: Sendable, Equatable {
    public static let stableSeconds = 60.0
    public static let cap = 30
    public private(set) var shortLived = 0

    public init() {}

    /// The wait before the first reconnect attempt after a tunnel that was up `uptimeSeconds`.
    public mutating func delayBeforeReconnect(uptimeSeconds: Double) -> Int {
        guard uptimeSeconds < Self.stableSeconds else {
            shortLived = 0
            return 0
        }
        shortLived += 1
        return min(Self.cap, 1 << min(shortLived - 1, 5))
    }
}
