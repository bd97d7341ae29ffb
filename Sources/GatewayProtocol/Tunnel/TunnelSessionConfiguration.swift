/// What `TunnelSession` needs from the CONNECT reply and the settings (protocol.md §3.3, §5).
public struct TunnelSessionConfiguration: Sendable, Equatable {
    /// X-CSTP-DPD and X-CSTP-Keepalive (seconds; nil or 0 is off).
    public var dpd: Int?
    public var keepalive: Int?
    /// X-DTLS-DPD and X-DTLS-Keepalive.
    public var dtlsDPD: Int?
    public var dtlsKeepalive: Int?
    public var mtu: TunnelMTUPolicy
    /// Whether a DTLS channel is to be tried at all.
    public var dtls: Bool
    /// One DTLS handshake attempt's limit.
    public var dtlsAttemptSeconds: Double
    /// Seconds from the start until a new tunnel is due (X-CSTP-Rekey-Time), if the gateway asks for rekeys.
    public var rekeyAfter: Double?
    /// The tun's MTU when the session starts: after a reconnect it keeps what the last tunnel left.
    public var tunMTU: Int?

    public init(dpd: Int?, keepalive: Int?, dtlsDPD: Int? = nil, dtlsKeepalive: Int? = nil, mtu: TunnelMTUPolicy,
                dtls: Bool, dtlsAttemptSeconds: Double = 3, rekeyAfter: Double? = nil, tunMTU: Int? = nil) {
        self.dpd = dpd
        self.keepalive = keepalive
        self.dtlsDPD = dtlsDPD
        self.dtlsKeepalive = dtlsKeepalive
        self.mtu = mtu
        self.dtls = dtls
        self.dtlsAttemptSeconds = dtlsAttemptSeconds
        self.rekeyAfter = rekeyAfter
        self.tunMTU = tunMTU
    }
}
