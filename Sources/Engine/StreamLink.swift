import SecureChannel

/// The TLS channel as the data plane uses it (issue 12, item 2): non-blocking reads and writes of whole
/// records. Tests put a plain stream socket pair in its place.
protocol StreamLink: AnyObject {
    var descriptor: Int32 { get }
    func enterDataMode()
    /// A read may leave bytes inside the link (decrypted, or read ahead) where poll cannot see them: the loop
    /// waits for the socket only after a read said `wantRead`.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSClient.IOResult
    /// Writes all of `bytes` or none (`wantWrite`: offer the same bytes again).
    func write(_ bytes: UnsafeRawBufferPointer) -> TLSClient.IOResult
    /// Written bytes still waiting to go (a batching link whose socket was full).
    var hasPendingWrites: Bool { get }
    /// Sends what writes batched (TLSClient: a loop turn's records in one send()); `wantWrite` when the socket
    /// is full.
    func flush() -> TLSClient.IOResult
}

extension StreamLink {
    /// A link that sends each write at once has nothing waiting.
    var hasPendingWrites: Bool { false }
    func flush() -> TLSClient.IOResult { .done(0) }
}

extension TLSClient: StreamLink {}
