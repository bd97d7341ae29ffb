/// Which DTLS modes to offer in the CONNECT request (`--dtls-mode`).
public enum DTLSModePreference: String, Sendable, CaseIterable, Codable {
    case auto, psk, legacy, dtls12

    /// `X-DTLS-CipherSuite` and `X-DTLS12-CipherSuite` for this preference (protocol.md §3.1, §9.3).
    public var offer: (cipherSuites: String?, dtls12CipherSuites: String?) {
        switch self {
        case .auto:
            return ("PSK-NEGOTIATE:OC-DTLS1_2-AES256-GCM:OC-DTLS1_2-AES128-GCM:AES256-SHA:AES128-SHA",
                    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-GCM-SHA256")
        case .psk:
            return ("PSK-NEGOTIATE", nil)
        case .legacy:
            return ("AES256-SHA:AES128-SHA", nil)
        case .dtls12:
            return ("OC-DTLS1_2-AES256-GCM:OC-DTLS1_2-AES128-GCM",
                    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-GCM-SHA256")
        }
    }
}
