import COpenSSL

extension TLSConfiguration {
    /// Sets the protocol range, options, key-exchange groups, security level and ciphers of a client context.
    func apply(to context: OpaquePointer) throws(SecureChannelError) {
        guard COpenSSL_SSL_CTX_set_min_proto_version(context, minimumVersion.rawValue) == 1 else {
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "cannot set the lowest TLS version"))
        }
        var options = COpenSSL_SSL_OP_NO_COMPRESSION() | COpenSSL_SSL_OP_NO_RENEGOTIATION()
            | COpenSSL_SSL_OP_IGNORE_UNEXPECTED_EOF()
        if allowsLegacyServerConnect { options |= COpenSSL_SSL_OP_LEGACY_SERVER_CONNECT() }
        _ = SSL_CTX_set_options(context, options)
        guard COpenSSL_SSL_CTX_set1_groups_list(context, Self.groupsList) == 1 else {
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "OpenSSL takes none of the groups '\(Self.groupsList)'"))
        }
        if let cipherList, SSL_CTX_set_cipher_list(context, cipherList) != 1 {
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "OpenSSL takes none of the ciphers '\(cipherList)'"))
        }
        // After the cipher list: its @SECLEVEL would otherwise be the last word.
        if let securityLevel { SSL_CTX_set_security_level(context, securityLevel) }
    }

    /// What a context made from this configuration allows, read back from OpenSSL (for tests and diagnostics).
    public func appliedContextSummary() throws(SecureChannelError) -> (minimumVersion: Int32, securityLevel: Int32,
                                                                        legacyServerConnect: Bool) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "cannot create a TLS context"))
        }
        defer { SSL_CTX_free(context) }
        try apply(to: context)
        let legacy = SSL_CTX_get_options(context) & COpenSSL_SSL_OP_LEGACY_SERVER_CONNECT() != 0
        return (COpenSSL_SSL_CTX_get_min_proto_version(context), SSL_CTX_get_security_level(context), legacy)
    }
}
