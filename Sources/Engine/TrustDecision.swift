/// A person's answer to an invalid certificate (DESIGN.md §6).
public enum TrustDecision: String, Sendable, Equatable, Codable {
    case cancel
    /// For this attempt only (the downloader's second session included).
    case once
    /// Store the pin for host:port.
    case always
}
