/// How long to wait between reconnect attempts (protocol.md §5.3): doubling from 1 s to a cap of 30 s, within a
/// total reconnect timeout (`--reconnect-timeout`, 300 s by default). openconnect starts at 10 s and adds 10 s;
/// Swiftgate retries sooner because most outages (a Wi-Fi hand-over, a resume) are short.
public struct ReconnectSchedule: Sendable, Equatable {
    public static let cap = 30
    public let timeoutSeconds: Int
    public private(set) var attempts = 0

    /// Fresh logins done within this outage after the gateway refused the cookie.
    public private(set) var freshLogins = 0

    public init(timeoutSeconds: Int = 300) { self.timeoutSeconds = timeoutSeconds }

    /// The gateway refused the session cookie: whether to log in again. Once per outage: a cookie refused right
    /// after a fresh login means the gateway will not have us, and asking again would prompt forever (issue 13,
    /// item 12).
    public mutating func mayLogInAfterRefusedCookie() -> Bool {
        guard freshLogins == 0 else { return false }
        freshLogins += 1
        return true
    }

    /// The wait before the next attempt, or nil when it would end past the timeout (give up).
    public mutating func nextDelay(elapsedSeconds: Double) -> Int? {
        let delay = min(Self.cap, 1 << min(attempts, 5))
        guard elapsedSeconds + Double(delay) <= Double(timeoutSeconds) else { return nil }
        attempts += 1
        return delay
    }
}
