/// The tun's MTU over a session (DESIGN.md §1, phases 5 and 6.1). While DTLS is expected the tun takes the DTLS
/// MTU: X-DTLS-MTU raised to X-CSTP-MTU if that is larger (openconnect's cstp.c keeps the larger; on ASAs
/// X-DTLS-MTU exceeds X-CSTP-MTU). Without X-DTLS-MTU it is X-CSTP-MTU, as openconnect: ocserv derives that one
/// from the DTLS cipher (protocol.md §3.3: 1434 for AES-GCM and PSK on a 1500 link), so a guess of our own
/// (the link less the worst DTLS overhead, 1390) would only carry 3 % less per packet. If the handshake then
/// says DTLS carries less, the tun is lowered to that. Only when DTLS gives up does the tun take X-CSTP-MTU:
/// the one reconfiguration the user sees, and none at all where the two are the same.
public struct TunnelMTUPolicy: Sendable, Equatable {
    public let cstpMTU: Int
    /// The tun's MTU while DTLS is expected or up; nil without DTLS.
    public let dtlsMTU: Int?

    public init(cstpMTU: Int, dtlsOffered: Bool, xDTLSMTU: Int?) {
        self.cstpMTU = cstpMTU
        dtlsMTU = dtlsOffered ? max(xDTLSMTU ?? cstpMTU, cstpMTU) : nil
    }

    /// The MTU the tun comes up with.
    public var initial: Int { dtlsMTU ?? cstpMTU }

    /// The MTU once DTLS is up and its handshake says it carries `dataMTU` per packet: the DTLS MTU, lowered
    /// only if the channel cannot carry it.
    public func whenDTLSUp(dataMTU: Int) -> Int { min(dtlsMTU ?? cstpMTU, dataMTU) }

    /// The MTU once DTLS has given up.
    public var whenDTLSGaveUp: Int { cstpMTU }
}
