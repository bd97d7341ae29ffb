/// When to try DTLS again after a failed handshake (DESIGN.md §1, 6.1): five retries after 1, 2, 4, 8 and 16 s,
/// then give up and carry data over TLS, trying once more every 60 s as openconnect does.
public struct DTLSRetrySchedule: Sendable, Equatable {
    public static let backoff = [1, 2, 4, 8, 16]
    public static let laterPeriod = 60

    public enum Decision: Sendable, Equatable {
        /// Retry `attempt` of 5 after `seconds`.
        case retry(attempt: Int, afterSeconds: Int)
        /// The five retries are spent: DTLS is off until a try `afterSeconds` from now.
        case giveUp(afterSeconds: Int)
        /// Already given up: the next periodic try.
        case later(afterSeconds: Int)
    }

    public private(set) var failures = 0

    public init() {}

    public mutating func failed() -> Decision {
        failures += 1
        if failures <= Self.backoff.count {
            return .retry(attempt: failures, afterSeconds: Self.backoff[failures - 1])
        }
        return failures == Self.backoff.count + 1 ? .giveUp(afterSeconds: Self.laterPeriod) : .later(afterSeconds: Self.laterPeriod)
    }

    /// DTLS came up (or went down after being up): the next failure starts a fresh series.
    public mutating func reset() { failures = 0 }
}
