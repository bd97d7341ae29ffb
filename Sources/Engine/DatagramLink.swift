import SecureChannel

/// One DTLS client as the data plane uses it (issue 12, item 2). Tests put a datagram socket pair in its place.
protocol DatagramLink: AnyObject {
    var descriptor: Int32 { get }
    var protocolVersion: String { get }
    var cipher: String { get }
    /// The largest packet one datagram carries after the handshake.
    var tunnelMTU: Int { get }
    func handshake() -> DTLSClient.HandshakeStatus
    /// The handshake's retransmission timer passed.
    func handleTimeout()
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSClient.IOResult
    func write(_ bytes: UnsafeRawBufferPointer) -> TLSClient.IOResult
    /// Sends what `write` batched (DTLSClient: one sendmmsg); the reason when the socket refused it.
    func flush() -> String?
    func close()
}

extension DatagramLink {
    /// A link that sends each write at once has nothing to flush.
    func flush() -> String? { nil }
}

extension DTLSClient: DatagramLink {}

/// Opens a `DatagramLink` for each DTLS attempt.
protocol DatagramDialer: Sendable {
    /// The DTLS mode's name for events ("psk", "legacy", "dtls12").
    var modeName: String { get }
    var dpd: Int? { get }
    var keepalive: Int? { get }
    var attemptSeconds: Double { get }
    func dial() throws -> any DatagramLink
}

extension DTLSSetup: DatagramDialer {
    func dial() throws -> any DatagramLink {
        try DTLSClient(address: address, port: port, mode: mode, linkMTU: linkMTU)
    }
}
