/// What a front end sends the service.
public enum ClientMessage: Sendable, Equatable, Codable {
    case hello(version: Int, program: String)
    /// Bring a connection up; the sender is attached to it.
    case connect(ConnectRequest)
    /// Receive a running connection's events (its history first) and its questions.
    case attach(name: String)
    case detach(name: String)
    case status
    /// nil: the sender's only connection.
    case disconnect(name: String?)
    case reconnect(name: String)
    case answer(id: Int, PromptAnswer)
    case storeReply(id: Int, StoreReply)
}
