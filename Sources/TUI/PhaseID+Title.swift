import Engine

extension PhaseID {
    /// The phase's name on the timeline.
    public var title: String {
        switch self {
        case .tls: "TLS"
        case .groupSelect: "Group select"
        case .userAuth: "User auth"
        case .download: "Download"
        case .cstp: "CSTP"
        case .dtls: "DTLS"
        }
    }

    /// What the phase does, in a few words (shown while it runs).
    public var purpose: String {
        switch self {
        case .tls: "TCP connect, TLS handshake, certificate check"
        case .groupSelect: "ask the gateway for its groups"
        case .userAuth: "log in"
        case .download: "fetch the gateway's profile"
        case .cstp: "CONNECT: open the tunnel over TLS"
        case .dtls: "DTLS handshake on UDP"
        }
    }
}
