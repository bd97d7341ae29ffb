import COpenSSL

/// AES-256-GCM decryption through OpenSSL's EVP cipher interface.
enum AESGCM {
    /// The plaintext, or nil when the tag does not authenticate (any changed byte of key, IV, tag or ciphertext).
    /// `tag` may be shorter than 16 bytes: Cisco's SSO token carries 12 (openconnect hpke.c).
    static func decrypt256(key: [UInt8], iv: [UInt8], ciphertext: [UInt8], tag: [UInt8]) -> [UInt8]? {
        guard key.count == 32, !iv.isEmpty, (12...16).contains(tag.count) else { return nil }
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        guard let context = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(context) }
        var tagBytes = tag
        var out = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var written: Int32 = 0
        var final: Int32 = 0
        let ok = EVP_DecryptInit_ex2(context, EVP_aes_256_gcm(), nil, nil, nil) == 1
            && EVP_CIPHER_CTX_ctrl(context, COpenSSL_EVP_CTRL_GCM_SET_IVLEN(), Int32(iv.count), nil) == 1
            && EVP_DecryptInit_ex2(context, nil, key, iv, nil) == 1
            && EVP_DecryptUpdate(context, &out, &written, ciphertext, Int32(ciphertext.count)) == 1
            && EVP_CIPHER_CTX_ctrl(context, COpenSSL_EVP_CTRL_GCM_SET_TAG(), Int32(tagBytes.count), &tagBytes) == 1
            && out.withUnsafeMutableBufferPointer { buffer in
                EVP_DecryptFinal_ex(context, buffer.baseAddress! + Int(written), &final) == 1
            }
        guard ok else {
            OPENSSL_cleanse(&out, out.count)
            return nil
        }
        let plaintext = Array(out.prefix(Int(written + final)))
        OPENSSL_cleanse(&out, out.count)
        return plaintext
    }
}
