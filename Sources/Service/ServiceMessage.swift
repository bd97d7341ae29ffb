import Engine

/// What the service sends a front end.
public enum ServiceMessage: Sendable, Equatable, Codable {
    case welcome(version: Int, program: String)
    /// The front end is not admitted (another user, another version); the socket closes after it.
    case refused(String)
    /// A request was done (connect: the connection's name).
    case accepted(name: String)
    /// A request could not be done, in words.
    case rejected(String)
    case attached(name: String, status: ConnectionStatus)
    case event(name: String, EngineEvent)
    case prompt(name: String, id: Int, Prompt)
    /// Answered elsewhere, or no longer needed: a dialog for it closes.
    case promptClosed(id: Int)
    case store(name: String, id: Int, StoreRequest)
    /// The connections up, and those that ended lately (with their outcome), so a front end can finish the
    /// history of one that ended while nobody was attached.
    case status([ConnectionStatus], ended: [ConnectionStatus])
    case ended(name: String, outcome: String, failed: Bool, exitCode: Int32)
}
