/// Where the connection as a whole stands, derived only from engine events (so the title bar never claims
/// "connected" before the engine said so).
public enum ConnectionStatus: Sendable, Equatable {
    /// Nothing attempted yet.
    case idle
    case connecting
    /// After `.connected`: the tunnel carries data.
    case connected
    /// The tunnel was lost and the engine is bringing it back with the same session.
    case reconnecting
    case disconnected(reason: String)
    case failed(message: String)

    /// A connection is being made or is up: quitting asks first.
    public var isActive: Bool {
        switch self {
        case .connecting, .connected, .reconnecting: true
        default: false
        }
    }
}
