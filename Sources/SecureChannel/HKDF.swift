import COpenSSL

/// HKDF (RFC 5869) through OpenSSL 3's EVP_KDF interface.
enum HKDF {
    /// Extract-and-expand with SHA-256 and no salt (RFC 5869 §2.2: a salt of zeros), `length` bytes out.
    static func sha256(key: [UInt8], info: [UInt8], length: Int) -> [UInt8]? {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else { return nil }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else { return nil }
        defer { EVP_KDF_CTX_free(context) }
        var out = [UInt8](repeating: 0, count: length)
        var digest = Array("SHA256".utf8CString)
        var keyBytes = key
        var infoBytes = info
        defer { OPENSSL_cleanse(&keyBytes, keyBytes.count) }
        let ok = digest.withUnsafeMutableBufferPointer { digestBuffer in
            keyBytes.withUnsafeMutableBytes { keyBuffer in
                infoBytes.withUnsafeMutableBytes { infoBuffer in
                    let params: [OSSL_PARAM] = [
                        OSSL_PARAM_construct_utf8_string("digest", digestBuffer.baseAddress, 0),
                        OSSL_PARAM_construct_octet_string("key", keyBuffer.baseAddress, keyBuffer.count),
                        OSSL_PARAM_construct_octet_string("info", infoBuffer.baseAddress, infoBuffer.count),
                        OSSL_PARAM_construct_end(),
                    ]
                    return EVP_KDF_derive(context, &out, out.count, params) == 1
                }
            }
        }
        guard ok else {
            OPENSSL_cleanse(&out, out.count)
            return nil
        }
        return out
    }
}
