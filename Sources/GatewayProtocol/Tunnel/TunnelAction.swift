/// What `TunnelSession` asks its I/O loop to do, in order. Packets from the gateway bypass these on the data
/// plane's path (`deliver` closures over the loop's own buffers); what remains is control, and the copies made
/// for tests and for the bytes that came with the CONNECT reply.
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
