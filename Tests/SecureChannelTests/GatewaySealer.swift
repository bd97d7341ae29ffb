import COpenSSL
import GatewayProtocol
import XCTest

/// The gateway's side of the external-browser token, written here independently of SecureChannel with other EVP
/// calls (EVP_PKEY HKDF, EVP_Encrypt): a fresh P-256 key, ECDH with the client's STRAP DH key, HKDF-SHA256 with
/// info "AC_ECIES" and no salt, AES-256-GCM with a 12-byte IV and a 12-byte tag (openconnect hpke.c).
enum GatewaySealer {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func seal(_ token: [UInt8], toDHHeader header: String, iv: [UInt8] = Array(repeating: 7, count: 12)) throws -> SSOCallbackBlob {
        guard let clientDER = Base64.decode(header) else { throw Failure(description: "header not base64") }
        let client = try publicKey(clientDER)
        defer { EVP_PKEY_free(client) }
        let ephemeral = try generateP256()
        defer { EVP_PKEY_free(ephemeral) }

        guard let derive = EVP_PKEY_CTX_new(ephemeral, nil) else { throw Failure(description: "ctx") }
        defer { EVP_PKEY_CTX_free(derive) }
        var secret = [UInt8](repeating: 0, count: 32)
        var secretLength = 32
        guard EVP_PKEY_derive_init(derive) == 1, EVP_PKEY_derive_set_peer(derive, client) == 1,
              EVP_PKEY_derive(derive, &secret, &secretLength) == 1, secretLength == 32 else {
            throw Failure(description: "ECDH failed")
        }

        guard let hkdf = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nil) else { throw Failure(description: "hkdf ctx") }
        defer { EVP_PKEY_CTX_free(hkdf) }
        var key = [UInt8](repeating: 0, count: 32)
        var keyLength = 32
        let info = Array("AC_ECIES".utf8)
        guard EVP_PKEY_derive_init(hkdf) == 1, EVP_PKEY_CTX_set_hkdf_md(hkdf, EVP_sha256()) == 1,
              EVP_PKEY_CTX_set1_hkdf_key(hkdf, secret, 32) == 1, EVP_PKEY_CTX_add1_hkdf_info(hkdf, info, Int32(info.count)) == 1,
              EVP_PKEY_derive(hkdf, &key, &keyLength) == 1 else { throw Failure(description: "HKDF failed") }

        guard let cipher = EVP_CIPHER_CTX_new() else { throw Failure(description: "cipher ctx") }
        defer { EVP_CIPHER_CTX_free(cipher) }
        var ciphertext = [UInt8](repeating: 0, count: token.count + 16)
        var written: Int32 = 0
        var final: Int32 = 0
        var tag = [UInt8](repeating: 0, count: 12)
        guard EVP_EncryptInit_ex(cipher, EVP_aes_256_gcm(), nil, nil, nil) == 1,
              EVP_CIPHER_CTX_ctrl(cipher, COpenSSL_EVP_CTRL_GCM_SET_IVLEN(), 12, nil) == 1,
              EVP_EncryptInit_ex(cipher, nil, nil, key, iv) == 1,
              EVP_EncryptUpdate(cipher, &ciphertext, &written, token, Int32(token.count)) == 1,
              EVP_EncryptFinal_ex(cipher, &ciphertext[Int(written)], &final) == 1,
              EVP_CIPHER_CTX_ctrl(cipher, COpenSSL_EVP_CTRL_GCM_GET_TAG(), 12, &tag) == 1 else {
            throw Failure(description: "AES-GCM failed")
        }
        return SSOCallbackBlob(gatewayPublicKey: try spki(ephemeral), tag: tag,
                               ciphertext: Array(ciphertext.prefix(Int(written + final))), iv: iv)
    }

    static func generateP256() throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nil) else { throw Failure(description: "keygen ctx") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) == 1,
              EVP_PKEY_keygen(context, &key) == 1, let key else { throw Failure(description: "keygen") }
        return key
    }

    static func generate(curve: String) throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw Failure(description: "keygen ctx") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, curve) == 1,
              EVP_PKEY_generate(context, &key) == 1, let key else { throw Failure(description: "keygen \(curve)") }
        return key
    }

    static func spki(_ key: OpaquePointer) throws -> [UInt8] {
        var pointer: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &pointer)
        guard length > 0, let pointer else { throw Failure(description: "i2d_PUBKEY") }
        defer { CRYPTO_free(pointer, #file, #line) }
        return Array(UnsafeBufferPointer(start: pointer, count: Int(length)))
    }

    /// Parses a DER SubjectPublicKeyInfo; fails unless it is all consumed.
    static func publicKey(_ der: [UInt8]) throws -> OpaquePointer {
        try der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            guard let key = d2i_PUBKEY(nil, &cursor, buffer.count), cursor == buffer.baseAddress! + buffer.count else {
                throw Failure(description: "not a DER SubjectPublicKeyInfo")
            }
            return key
        }
    }

    /// ECDSA-SHA256 verification of a DER signature.
    static func verify(_ signature: [UInt8], over message: [UInt8], key: OpaquePointer) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key) == 1 else { return false }
        return EVP_DigestVerify(context, signature, signature.count, message, message.count) == 1
    }

    static func groupName(_ key: OpaquePointer) -> String {
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        _ = EVP_PKEY_get_group_name(key, &name, name.count, &length)
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
