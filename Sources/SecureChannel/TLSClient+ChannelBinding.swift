import COpenSSL

extension TLSClient {
    /// The channel binding STRAP signs (openconnect openssl.c append_strap_verify): up to TLS 1.2 the RFC 5929
    /// `tls-unique` value (the Finished message this client sent), on TLS 1.3 the RFC 9266 `tls-exporter` value
    /// (32 bytes of "EXPORTER-Channel-Binding", no context).
    public func strapChannelBinding() throws(SecureChannelError) -> [UInt8] {
        guard let session = SSL_get_session(sslHandle) else { throw .strap("the TLS connection has no session") }
        if SSL_SESSION_get_protocol_version(session) <= TLS1_2_VERSION {
            var finished = [UInt8](repeating: 0, count: 64)
            let length = SSL_get_finished(sslHandle, &finished, finished.count)
            guard length > 0, length <= finished.count else {
                throw .strap("the TLS Finished message is \(length) bytes, not a channel binding")
            }
            return Array(finished.prefix(length))
        }
        return try exportKeyingMaterial(label: "EXPORTER-Channel-Binding", length: 32)
    }
}
