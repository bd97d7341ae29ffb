/// Where the connection as a whole stands, derived only from engine events (so the title bar never claims
/// "connected" before the engine said so).
public enum ConnectionStatus: Sendable, Equatable {
    /// Nothing attempted yet.
    case idle
    case connecting
    /// After `.connected`: the tunnel carries data.
    case connected
    case disconnected(reason: String)
    case failed(message: String)

    /// A connection is being made or is up: quitting asks first.
    public var isActive: Bool {
        switch self {
        case .connecting, .connected: true
        default: false
        }
    }
}
