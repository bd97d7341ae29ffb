import COpenSSL
import Glibc

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
        // OSSL_PARAM keeps pointers to its names and values until the derive: all must outlive it, so they are
        // C strings owned here rather than Swift's call-scoped string bridges.
        let names = ["digest", "key", "info"].map { (name: String) in strdup(name) }
        let digest = strdup("SHA256")
        defer {
            names.forEach { free($0) }
            free(digest)
        }
        var keyBytes = key
        var infoBytes = info
        defer { OPENSSL_cleanse(&keyBytes, keyBytes.count) }
        let ok = keyBytes.withUnsafeMutableBytes { keyBuffer in
            infoBytes.withUnsafeMutableBytes { infoBuffer in
                let params: [OSSL_PARAM] = [
                    OSSL_PARAM_construct_utf8_string(names[0], digest, 0),
                    OSSL_PARAM_construct_octet_string(names[1], keyBuffer.baseAddress, keyBuffer.count),
                    OSSL_PARAM_construct_octet_string(names[2], infoBuffer.baseAddress, infoBuffer.count),
                    OSSL_PARAM_construct_end(),
                ]
                return EVP_KDF_derive(context, &out, out.count, params) == 1
            }
        }
        guard ok else {
            OPENSSL_cleanse(&out, out.count)
            return nil
        }
        return out
    }
}
