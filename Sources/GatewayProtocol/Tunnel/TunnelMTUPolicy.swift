/// The tun's MTU over a session (DESIGN.md §1, phases 5 and 6.1). While DTLS is expected the tun takes the DTLS
/// MTU: X-DTLS-MTU when the gateway sends it, raised to X-CSTP-MTU if that is larger (openconnect's cstp.c keeps
/// the larger; on ASAs X-DTLS-MTU exceeds X-CSTP-MTU), or the worst case of protocol.md §3.3 without it. Only
/// when DTLS gives up does the tun take X-CSTP-MTU: the one reconfiguration the user sees.
public struct TunnelMTUPolicy: Sendable, Equatable {
    public let cstpMTU: Int
    /// The tun's MTU while DTLS is expected or up; nil without DTLS.
    public let dtlsMTU: Int?

    /// `worstCaseDTLSMTU`: what DTLS surely carries without X-DTLS-MTU (link MTU less the largest overhead).
    public init(cstpMTU: Int, dtlsOffered: Bool, xDTLSMTU: Int?, worstCaseDTLSMTU: Int) {
        self.cstpMTU = cstpMTU
        if !dtlsOffered {
            dtlsMTU = nil
        } else if let xDTLSMTU {
            dtlsMTU = max(xDTLSMTU, cstpMTU)
        } else {
            dtlsMTU = min(cstpMTU, worstCaseDTLSMTU)
        }
    }

    /// The MTU the tun comes up with.
    public var initial: Int { dtlsMTU ?? cstpMTU }

    /// The MTU once DTLS is up and its handshake says it carries `dataMTU` per packet: the DTLS MTU, lowered
    /// only if the channel cannot carry it.
    public func whenDTLSUp(dataMTU: Int) -> Int { min(dtlsMTU ?? cstpMTU, dataMTU) }

    /// The MTU once DTLS has given up.
    public var whenDTLSGaveUp: Int { cstpMTU }
}
