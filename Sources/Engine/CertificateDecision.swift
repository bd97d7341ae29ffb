/// Why a gateway's certificate was trusted or refused: what a `certificate` event reports (DESIGN.md §3, §6).
/// The raw values are the `decision` field of `--events json`.
public enum CertificateDecision: String, Sendable, Equatable, Codable {
    /// The system trust store validates it and nothing is pinned.
    case valid
    /// It is the certificate pinned for the gateway.
    case pinned
    /// A pin stored earlier for it (accepted despite errors).
    case storedPin = "stored-pin"
    /// It validates now: the pins accepted despite errors are dropped.
    case warningCleared = "warning-cleared"
    /// Accepted at a prompt earlier in this attempt.
    case acceptedEarlier = "accepted-earlier"
    /// Accepted for this attempt at the prompt.
    case once
    /// Accepted at the prompt and pinned for the gateway.
    case always
    case refused
}
