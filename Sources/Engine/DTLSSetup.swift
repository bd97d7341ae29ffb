import GatewayProtocol
import SecureChannel

/// What the data plane needs to bring DTLS up next to the TLS channel.
struct DTLSSetup: Sendable {
    var mode: DTLSClient.Mode
    var modeName: String
    var address: String
    var port: Int
    /// UDP payload room: the gateway's base MTU less the IP and UDP headers.
    var linkMTU: Int
    var dpd: Int?
    var keepalive: Int?
    /// One handshake attempt's limit.
    var attemptSeconds: Double = 3
}
