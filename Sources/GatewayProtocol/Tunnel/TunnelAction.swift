/// What `TunnelSession` asks its I/O loop to do, in order. Payloads are copies for now; batching (issue 12,
/// item 3) replaces them with slices of the loop's own buffers without changing who decides what.
public enum TunnelAction: Sendable, Equatable {
    /// One IP packet for the tun.
    case writeToTun([UInt8])
    /// Whole CSTP frames (8-byte header included) for the TLS channel, written in this order.
    case sendTLS([UInt8])
    /// One DTLS datagram: the type byte, then the payload (protocol.md §3.5).
    case sendDTLS([UInt8])
    case setTunMTU(Int, reason: TunnelMTUChange)
    case dtlsChanged(DTLSChannelChange)
    /// Open a DTLS client and start its handshake; report `dtlsUp` or `dtlsFailed`.
    case startDTLS
    /// Close the DTLS client (attempt timed out, or the channel is dead).
    case stopDTLS
    /// A line for the log: already bounded and throttled.
    case log(String)
    /// The session is over; nothing follows.
    case ended(TunnelEnd)
}
