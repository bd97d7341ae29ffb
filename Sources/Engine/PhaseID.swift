/// The six phases of a connection, in order (DESIGN.md §1).
public enum PhaseID: String, Sendable, CaseIterable, Equatable, Codable {
    case tls
    case groupSelect = "group-select"
    case userAuth = "user-auth"
    case download
    case cstp
    case dtls
}

/// Where a phase stands.
public enum PhaseState: String, Sendable, Equatable, Codable {
    case started, done, failed, skipped, retry
}
