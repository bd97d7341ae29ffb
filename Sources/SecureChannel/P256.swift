import COpenSSL

/// NIST P-256 keys through OpenSSL 3's EVP interface, for STRAP. Internal: `EVP_PKEY*` never leaves the module.
enum P256 {
    /// A fresh key pair (`EVP_PKEY*`, owned by the caller).
    static func generate() throws(SecureChannelError) -> OpaquePointer {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw .strap(OpenSSLErrorQueue.drainedDescription(default: "no EC key support in OpenSSL"))
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
              EVP_PKEY_generate(context, &key) == 1, let key else {
            throw .strap(OpenSSLErrorQueue.drainedDescription(default: "P-256 key generation failed"))
        }
        return key
    }

    /// The public half as DER SubjectPublicKeyInfo, uncompressed point (what the STRAP headers carry, base64).
    static func publicKeyDER(_ key: OpaquePointer) throws(SecureChannelError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else { throw .strap(OpenSSLErrorQueue.drainedDescription(default: "cannot encode the public key")) }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(key, &cursor)
        }
        guard written == length else { throw .strap(OpenSSLErrorQueue.drainedDescription(default: "cannot encode the public key")) }
        return der
    }

    /// A peer's DER SubjectPublicKeyInfo, accepted only if it is all consumed, EC, on P-256 and a valid point.
    /// Returns an owned `EVP_PKEY*` or nil.
    static func parsePublicKey(_ der: [UInt8]) -> OpaquePointer? {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        var consumed = 0
        let key: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let parsed = d2i_PUBKEY(nil, &cursor, buffer.count)
            if let cursor { consumed = cursor - base }
            return parsed
        }
        guard let key else { return nil }
        guard consumed == der.count, EVP_PKEY_is_a(key, "EC") == 1, groupName(key) == "prime256v1",
              let check = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else {
            EVP_PKEY_free(key)
            return nil
        }
        defer { EVP_PKEY_CTX_free(check) }
        guard EVP_PKEY_public_check(check) == 1 else {
            EVP_PKEY_free(key)
            return nil
        }
        return key
    }

    static func groupName(_ key: OpaquePointer) -> String? {
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1, length < name.count else { return nil }
        return String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// ECDSA with SHA-256 over `message`, DER-encoded signature.
    static func sign(_ message: [UInt8], with key: OpaquePointer) throws(SecureChannelError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_MD_CTX_new() else { throw .strap("cannot allocate a signing context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key) == 1 else {
            throw .strap(OpenSSLErrorQueue.drainedDescription(default: "cannot start the STRAP signature"))
        }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, message, message.count) == 1, length > 0 else {
            throw .strap(OpenSSLErrorQueue.drainedDescription(default: "STRAP signature failed"))
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, message, message.count) == 1 else {
            throw .strap(OpenSSLErrorQueue.drainedDescription(default: "STRAP signature failed"))
        }
        return Array(signature.prefix(length))
    }

    /// The ECDH shared secret (the x coordinate, 32 bytes) of our private key and a peer's public key.
    static func sharedSecret(_ key: OpaquePointer, peer: OpaquePointer) throws(SecureChannelError) -> [UInt8] {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw .ssoToken(.keyAgreement) }
        defer { EVP_PKEY_CTX_free(context) }
        var length = 0
        guard EVP_PKEY_derive_init(context) == 1, EVP_PKEY_derive_set_peer(context, peer) == 1,
              EVP_PKEY_derive(context, nil, &length) == 1, length == 32 else { throw .ssoToken(.keyAgreement) }
        var secret = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_derive(context, &secret, &length) == 1, length == 32 else {
            OPENSSL_cleanse(&secret, secret.count)
            throw .ssoToken(.keyAgreement)
        }
        return secret
    }
}
