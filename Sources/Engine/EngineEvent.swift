import GatewayProtocol

/// What the engine tells its front ends (DESIGN.md §3). Never carries a password or a cookie.
public enum EngineEvent: Sendable, Equatable {
    case phase(PhaseID, PhaseState, milliseconds: Int?, detail: [(String, EventValue)])
    case certificate(CertificateReport, trusted: Bool, decision: CertificateDecision)
    case tunnel(TunnelInfo)
    case channel(ChannelInfo)
    case connected(transport: ChannelInfo.Kind)
    case stats(TrafficStats)
    case reconfigured(mtu: Int, reason: String)
    case disconnected(reason: String)
    /// A new tunnel with the same session after a loss; `changed` says what differs (address, MTU) or is empty.
    case reconnected(after: String, changed: [String])
    case log(String)
    /// Something the person should know that does not stop the connection, with its values.
    case warning(String, detail: [(String, EventValue)])
    /// The gateway has not answered a login step for `elapsed` seconds (a push approval pending?); it may take
    /// up to `timeout` seconds, and a stop request ends the wait.
    case waiting(PhaseID, elapsed: Int, timeout: Int)
    /// A single sign-on step (issue 11).
    case sso(SSOProgress)
    case error(code: Int32, message: String)

    public static func == (lhs: EngineEvent, rhs: EngineEvent) -> Bool {
        switch (lhs, rhs) {
        case let (.phase(a1, a2, a3, a4), .phase(b1, b2, b3, b4)):
            return a1 == b1 && a2 == b2 && a3 == b3 && EventValue.object(a4) == EventValue.object(b4)
        case let (.certificate(a1, a2, a3), .certificate(b1, b2, b3)): return a1 == b1 && a2 == b2 && a3 == b3
        case let (.tunnel(a), .tunnel(b)): return a == b
        case let (.channel(a), .channel(b)): return a == b
        case let (.connected(a), .connected(b)): return a == b
        case let (.stats(a), .stats(b)): return a == b
        case let (.reconfigured(a1, a2), .reconfigured(b1, b2)): return a1 == b1 && a2 == b2
        case let (.disconnected(a), .disconnected(b)): return a == b
        case let (.reconnected(a1, a2), .reconnected(b1, b2)): return a1 == b1 && a2 == b2
        case let (.log(a), .log(b)): return a == b
        case let (.warning(a1, a2), .warning(b1, b2)): return a1 == b1 && EventValue.object(a2) == EventValue.object(b2)
        case let (.waiting(a1, a2, a3), .waiting(b1, b2, b3)): return a1 == b1 && a2 == b2 && a3 == b3
        case let (.sso(a), .sso(b)): return a == b
        case let (.error(a1, a2), .error(b1, b2)): return a1 == b1 && a2 == b2
        default: return false
        }
    }
}
