/// Why the tun's MTU changes (DESIGN.md §1, phases 5 and 6.1).
public enum TunnelMTUChange: Sendable, Equatable {
    /// DTLS came up and carries `dataMTU` bytes per packet.
    case dtlsUp(dataMTU: Int)
    /// DTLS gave up: data runs over TLS with the gateway's X-CSTP-MTU.
    case dtlsGaveUp

    public var description: String {
        switch self {
        case .dtlsUp(let mtu): return "DTLS up: the data MTU over DTLS is \(mtu)"
        case .dtlsGaveUp: return "DTLS unavailable: data over TLS with the gateway's X-CSTP-MTU"
        }
    }
}
