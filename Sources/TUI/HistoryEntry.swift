import Foundation

/// One past connection, as the history screen lists it; the executable builds these from the store.
public struct HistoryEntry: Sendable, Equatable {
    public var gateway: String
    public var started: Date
    /// Seconds from start to end; nil while it runs or when the process died before recording the end.
    public var duration: Double?
    /// e.g. "disconnected", "auth-refused", "error: …"; never a secret.
    public var outcome: String
    public var succeeded: Bool
    /// "tls" or "dtls": the channel that carried data last.
    public var transport: String?
    public var bytesIn: Int64
    public var bytesOut: Int64

    public init(gateway: String, started: Date, duration: Double? = nil, outcome: String, succeeded: Bool,
                transport: String? = nil, bytesIn: Int64 = 0, bytesOut: Int64 = 0) {
        self.gateway = gateway
        self.started = started
        self.duration = duration
        self.outcome = outcome
        self.succeeded = succeeded
        self.transport = transport
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
    }
}
