/// The DTLS channel's state as `TunnelSession` moves it (protocol.md §4.4, §4.6; DESIGN.md §1, 6.1).
public enum DTLSChannelChange: Sendable, Equatable {
    /// A handshake attempt starts; `attempt` is nil for the first of a series.
    case connecting(attempt: Int?)
    case up
    /// Down after being up (silent peer, closed, write error): data goes back to TLS.
    case down(reason: String)
    /// Retry `attempt` of five after `afterSeconds`.
    case backoff(attempt: Int, afterSeconds: Int, reason: String)
    /// The five retries are spent (`gaveUp`), or a periodic try failed again; next try after `afterSeconds`.
    case failed(afterSeconds: Int, reason: String, gaveUp: Bool)
}
