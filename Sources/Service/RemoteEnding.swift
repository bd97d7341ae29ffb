/// How a connection driven through the service ended for its front end.
public enum RemoteEnding: Sendable, Equatable {
    /// The connection ended (its outcome, as the history records it).
    case ended(outcome: String, failed: Bool, exitCode: Int32)
    /// The front end let go; the connection goes on in the service.
    case detached
    /// The service went away.
    case lost(String)
}
