import GatewayProtocol
import SecureChannel

/// Everything one connection attempt is told by its caller.
public struct ConnectOptions: Sendable {
    public var url: GatewayURL
    public var group: String?
    public var userAgent: String
    public var tls: TLSConfiguration
    /// `--servercert`: when given, the certificate must match one of these, valid or not (as openconnect).
    public var serverPins: [String]

    public init(url: GatewayURL, group: String? = nil, userAgent: String = AuthConfiguration.defaultUserAgent,
                tls: TLSConfiguration = TLSConfiguration(), serverPins: [String] = []) {
        self.url = url
        self.group = group
        self.userAgent = userAgent
        self.tls = tls
        self.serverPins = serverPins
    }
}
