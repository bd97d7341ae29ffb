/// Why `TunnelSession` ended the session. I/O failures (TLS closed, a signal, the network) are the loop's own.
public enum TunnelEnd: Sendable, Equatable {
    case userDisconnect
    /// The gateway's DISCONNECT over TLS, with its words (bounded, printable).
    case serverDisconnect(String)
    case serverTerminate
    /// Nothing received over TLS for twice the DPD interval.
    case peerDead(seconds: Int)
    case protocolError(String)
    /// X-CSTP-Rekey-Time passed (protocol.md §5.2).
    case rekeyDue
}
