/// Builds `CONNECT /CSCOSSLC/tunnel` with the headers of protocol.md §3.1.
public struct ConnectRequestBuilder: Sendable {
    public var url: GatewayURL
    public var userAgent: String
    public var hostname: String
    public var baseMTU: Int
    public var mtu: Int
    public var ipv6: Bool
    /// 48 random bytes, new per connection; nil when DTLS is off (`--no-dtls`).
    public var dtlsMasterSecret: [UInt8]?
    /// What `--dtls-mode` offers (protocol.md §9.3: PSK, legacy and DTLS 1.2 names together for `auto`).
    public var dtlsMode: DTLSModePreference
    /// On reconnect: the addresses held before (X-CSTP-Address, one header each).
    public var previousAddresses: [String]

    public init(url: GatewayURL, userAgent: String, hostname: String, baseMTU: Int, mtu: Int, ipv6: Bool = false,
                dtlsMasterSecret: [UInt8]?, dtlsMode: DTLSModePreference = .auto, previousAddresses: [String] = []) {
        self.url = url
        self.userAgent = userAgent
        self.hostname = hostname
        self.baseMTU = baseMTU
        self.mtu = mtu
        self.ipv6 = ipv6
        self.dtlsMasterSecret = dtlsMasterSecret
        self.dtlsMode = dtlsMode
        self.previousAddresses = previousAddresses
    }

    /// The request; the cookie is the only one sent (protocol.md §3.1).
    public func request(cookie: Secret) -> HTTPRequest {
        var headers = HTTPHeaders()
        headers.add("Host", url.hostHeader)
        headers.add("User-Agent", userAgent)
        headers.add("Cookie", "webvpn=\(cookie.reveal())")
        headers.add("X-CSTP-Version", "1")
        headers.add("X-CSTP-Hostname", hostname)
        headers.add("X-CSTP-Protocol", "Copyright (c) 2004 Cisco Systems, Inc.")
        headers.add("X-CSTP-Base-MTU", String(baseMTU))
        headers.add("X-CSTP-MTU", String(mtu))
        headers.add("X-CSTP-Address-Type", ipv6 ? "IPv6,IPv4" : "IPv4")
        if ipv6 { headers.add("X-CSTP-Full-IPv6-Capability", "true") }
        for address in previousAddresses { headers.add("X-CSTP-Address", address) }
        if let secret = dtlsMasterSecret {
            headers.add("X-DTLS-Master-Secret", Hex.encode(secret, uppercase: true))
            let offer = dtlsMode.offer
            if let suites = offer.cipherSuites { headers.add("X-DTLS-CipherSuite", suites) }
            if let suites = offer.dtls12CipherSuites { headers.add("X-DTLS12-CipherSuite", suites) }
        }
        return HTTPRequest(method: "CONNECT", path: "/CSCOSSLC/tunnel", headers: headers)
    }

    /// MTU arithmetic of protocol.md §3.3: the base MTU from the kernel's path MTU (never below 1280, 1406
    /// when unknown), and the requested tunnel MTU below it by the DTLS, UDP and IP overheads.
    public static func mtus(pathMTU: Int?, serverIsIPv6: Bool) -> (base: Int, mtu: Int) {
        let base = max(1280, pathMTU ?? 1406)
        return (base, base - 82 - 8 - (serverIsIPv6 ? 40 : 20))
    }
}
