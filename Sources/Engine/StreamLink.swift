import SecureChannel

/// The TLS channel as the data plane uses it (issue 12, item 2): non-blocking reads and writes of whole
/// records. Tests put a plain stream socket pair in its place.
protocol StreamLink: AnyObject {
    var descriptor: Int32 { get }
    /// Bytes already decrypted and waiting, which poll cannot see.
    var pendingPlaintext: Int { get }
    func enterDataMode()
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSClient.IOResult
    /// Writes all of `bytes` or none (`wantWrite`: offer the same bytes again).
    func write(_ bytes: UnsafeRawBufferPointer) -> TLSClient.IOResult
}

extension TLSClient: StreamLink {}
