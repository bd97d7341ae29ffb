/// What went wrong between a front end and the service, in words that say what to do.
public enum ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing listens at the socket (or it cannot be reached).
    case unavailable(path: String, reason: String)
    /// The service answered but would not take this front end: another user, another version.
    case refused(String)
    /// The service said no to one request (same gateway twice, no such connection).
    case rejected(String)
    /// The socket closed or carried something that is not the protocol.
    case broken(String)

    /// The reason alone (what `unavailable` says in brackets).
    var reasonText: String {
        if case .unavailable(_, let reason) = self { return reason }
        return description
    }

    public var description: String {
        switch self {
        case let .unavailable(path, reason):
            return "no Swiftgate service at \(path) (\(reason)): start it with 'sudo swiftgate service', "
                + "or 'systemctl start swiftgate.socket' after 'make install'"
        case .refused(let text): return "the Swiftgate service refused this front end: \(text)"
        case .rejected(let text): return text
        case .broken(let text): return "the connection to the Swiftgate service broke: \(text)"
        }
    }
}
