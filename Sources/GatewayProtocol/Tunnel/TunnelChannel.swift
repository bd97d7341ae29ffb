/// Which channel a tun packet takes.
public enum TunnelChannel: Sendable, Equatable {
    /// A CSTP frame: the 8-byte header in front of the packet.
    case tls
    /// A DTLS datagram: the type byte in front of the packet (protocol.md §3.5).
    case dtls
}
