/// The DTLS mode the gateway chose in its CONNECT reply (protocol.md §4.0), with what the handshake needs.
public enum DTLSPlan: Sendable, Equatable {
    /// PSK-NEGOTIATE: the App-ID goes in the ClientHello's session id.
    case psk(appID: [UInt8])
    /// A resumed session: DTLS 1.2 (X-DTLS12-CipherSuite, OC-DTLS1_2-*) or Cisco's DTLS 0.9 (DTLS1_BAD_VER),
    /// with the OpenSSL name of the cipher.
    case resume(dtls12: Bool, cipher: String, sessionID: [UInt8])

    /// The mode's name for events: "PSK", "DTLS 1.2 resume", "DTLS 0.9".
    public var name: String {
        switch self {
        case .psk: return "psk"
        case .resume(true, _, _): return "dtls12"
        case .resume(false, _, _): return "legacy"
        }
    }

    /// Reads the reply and checks the gateway's choice against what was offered (issue 13, item 11): a cipher
    /// not offered, or one without encryption (NULL), is refused — DTLS is then off and data stays on TLS.
    public static func from(_ dtls: TunnelConfiguration.DTLSParameters,
                            offered: DTLSModePreference) throws(DTLSPlanError) -> DTLSPlan? {
        guard let plan = try from(dtls) else { return nil }
        let offer = offered.offer
        func list(_ text: String?) -> [String] { (text ?? "").split(separator: ":").map(String.init) }
        let chosen: String
        let allowed: [String]
        switch plan {
        case .psk:
            chosen = "PSK-NEGOTIATE"
            allowed = list(offer.cipherSuites)
        case .resume(true, let cipher, _) where dtls.dtls12CipherSuite != nil:
            chosen = cipher
            allowed = list(offer.dtls12CipherSuites)
        case .resume:
            chosen = dtls.cipherSuite ?? ""
            allowed = list(offer.cipherSuites)
        }
        let upper = chosen.uppercased()
        if upper.contains("NULL") || upper.hasPrefix("EXP") || upper.contains("-EXP") { throw .weakCipher(chosen) }
        guard allowed.contains(chosen) else { throw .unofferedCipher(chosen) }
        return plan
    }

    /// Reads the reply; nil when the gateway offers no DTLS (no X-DTLS-Port).
    public static func from(_ dtls: TunnelConfiguration.DTLSParameters) throws(DTLSPlanError) -> DTLSPlan? {
        guard dtls.port != nil else { return nil }
        if dtls.cipherSuite == "PSK-NEGOTIATE" {
            guard let hex = dtls.appID, let appID = Hex.decode(hex), !appID.isEmpty, appID.count <= 32 else {
                throw .badAppID(dtls.appID ?? "(none)")
            }
            return .psk(appID: appID)
        }
        guard let hex = dtls.sessionID else {
            if dtls.cipherSuite == nil && dtls.dtls12CipherSuite == nil { return nil }
            throw .badSessionID("(none)")
        }
        // openconnect rejects any other length (protocol.md §3.2).
        guard hex.count == 64, let sessionID = Hex.decode(hex) else { throw .badSessionID(hex) }
        if let cipher = dtls.dtls12CipherSuite {
            return .resume(dtls12: true, cipher: cipher, sessionID: sessionID)
        }
        switch dtls.cipherSuite {
        case "OC-DTLS1_2-AES128-GCM"?: return .resume(dtls12: true, cipher: "AES128-GCM-SHA256", sessionID: sessionID)
        case "OC-DTLS1_2-AES256-GCM"?: return .resume(dtls12: true, cipher: "AES256-GCM-SHA384", sessionID: sessionID)
        case let cipher? where !cipher.isEmpty: return .resume(dtls12: false, cipher: cipher, sessionID: sessionID)
        default: throw .noCipher
        }
    }
}

public enum DTLSPlanError: Error, Equatable, Sendable, CustomStringConvertible {
    case badAppID(String)
    case badSessionID(String)
    case noCipher
    case unofferedCipher(String)
    case weakCipher(String)

    public var description: String {
        switch self {
        case .badAppID(let value): return "the gateway's X-DTLS-App-ID '\(value.prefix(70))' is not hex; DTLS is off"
        case .badSessionID(let value):
            return "the gateway's X-DTLS-Session-ID '\(value.prefix(70))' is not 32 bytes of hex; DTLS is off"
        case .noCipher: return "the gateway chose no DTLS cipher; DTLS is off"
        case .unofferedCipher(let cipher):
            return "the gateway chose the DTLS cipher '\(GatewayText.printable(String(cipher.prefix(60))))', which was not offered; DTLS is off"
        case .weakCipher(let cipher):
            return "the gateway chose the DTLS cipher '\(GatewayText.printable(String(cipher.prefix(60))))' without encryption; DTLS is off"
        }
    }
}
