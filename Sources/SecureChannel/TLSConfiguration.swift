/// How to open and check a TLS connection to a gateway.
public struct TLSConfiguration: Sendable {
    /// Extra trust anchors (`--cafile`), PEM.
    public var caFile: String?
    /// Use the system trust store as well (the default).
    public var useSystemTrust: Bool
    public var connectTimeoutSeconds: Int
    /// Read and write timeout while authenticating; the data plane runs its own timers.
    public var ioTimeoutSeconds: Int
    /// A whole HTTP reply must arrive within this, however slowly its bytes trickle in (a gateway sending one
    /// byte at a time never resets it).
    public var responseDeadlineSeconds: Int = 60
    /// The client certificate to present when the gateway asks for one.
    public var identity: ClientIdentity?
    /// `--allow-insecure-crypto`, for old headends: TLS 1.0 and 1.1, servers without secure renegotiation
    /// (RFC 5746), OpenSSL security level 0 (SHA-1 signatures, small keys) and 3DES. Off by default; whoever
    /// turns it on must say so to the user (`insecureCryptoWarning`).
    public var allowInsecureCrypto = false
    /// Which gateways may see `identity`; nil presents it to any (issue 13, item 8: the engine always sets it).
    public var identityTrust: IdentityTrust?

    public init(caFile: String? = nil, useSystemTrust: Bool = true, connectTimeoutSeconds: Int = 15,
                ioTimeoutSeconds: Int = 30) {
        self.caFile = caFile
        self.useSystemTrust = useSystemTrust
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.ioTimeoutSeconds = ioTimeoutSeconds
    }

    /// The lowest protocol version offered: TLS 1.2, or TLS 1.0 with `allowInsecureCrypto` (what openconnect's
    /// OpenSSL build always allows, openssl.c `openconnect_open_https`).
    public var minimumVersion: TLSVersion { allowInsecureCrypto ? .tls1_0 : .tls1_2 }
    /// OpenSSL's security level: nil keeps the system's (Debian: 2); 0 as openconnect sets it for
    /// --allow-insecure-crypto, without which OpenSSL 3 refuses TLS 1.0/1.1 (their handshakes sign with SHA-1).
    public var securityLevel: Int32? { allowInsecureCrypto ? 0 : nil }
    /// The cipher list: nil keeps OpenSSL's default; insecure adds 3DES back (openconnect adds +3DES:+RC4; RC4
    /// is gone from OpenSSL 3's default provider).
    public var cipherList: String? { allowInsecureCrypto ? "DEFAULT:3DES:@SECLEVEL=0" : nil }
    /// The key-exchange groups, P-256 first. OpenSSL 3.0 puts a TLS 1.3 key share in its ClientHello for the first
    /// group only, X25519 by default; a gateway that wants P-256 answers with a HelloRetryRequest, one more round
    /// trip before the first byte of the login. P-256 is what the AnyConnect world picks: ocserv's GnuTLS with
    /// `NORMAL:%SERVER_PRECEDENCE` (the lab's and Debian's tls-priorities) lists SECP256R1 first, and the ASA's
    /// `ssl ecdh-group` defaults to group 19 (P-256). The rest is OpenSSL 3.0's default list, in its order.
    public static let groupsList = "P-256:X25519:X448:P-521:P-384:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192"
    /// Connect to servers that do not support secure renegotiation (OpenSSL 3 refuses them by default).
    public var allowsLegacyServerConnect: Bool { allowInsecureCrypto }

    /// What the user is told whenever the weakened settings are in use.
    public static let insecureCryptoWarning = "--allow-insecure-crypto is on: TLS 1.0/1.1, 3DES, SHA-1 signatures and "
        + "servers without secure renegotiation are accepted; an attacker on the path may be able to read or change "
        + "the traffic. Use it only for a headend that cannot be upgraded."
}

/// TLS protocol versions, with OpenSSL's numbers.
public enum TLSVersion: Int32, Sendable, Comparable {
    case tls1_0 = 0x0301
    case tls1_1 = 0x0302
    case tls1_2 = 0x0303
    case tls1_3 = 0x0304

    public static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool { lhs.rawValue < rhs.rawValue }
}
