import COpenSSL
import Foundation
import SecureChannel

/// A P-256 key and a self-signed certificate for localhost, made in memory for one test.
final class SelfSignedIdentity {
    let key: OpaquePointer
    let certificate: OpaquePointer
    /// pin-sha256 of the certificate's public key, as Swiftgate prints it.
    let pin: String

    init() throws {
        guard let keyContext = EVP_PKEY_CTX_new_id(NID_X9_62_id_ecPublicKey, nil) else { throw LabFailure("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(keyContext) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(keyContext) == 1,
              EVP_PKEY_CTX_set_ec_paramgen_curve_nid(keyContext, NID_X9_62_prime256v1) == 1,
              EVP_PKEY_keygen(keyContext, &generated) == 1, let key = generated else { throw LabFailure("keygen") }
        guard let certificate = X509_new() else { throw LabFailure("X509_new") }
        X509_set_version(certificate, 2)
        ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1)
        X509_gmtime_adj(X509_getm_notBefore(certificate), 0)
        X509_gmtime_adj(X509_getm_notAfter(certificate), 3600)
        X509_set_pubkey(certificate, key)
        let name = X509_get_subject_name(certificate)
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, "localhost", -1, -1, 0)
        X509_set_issuer_name(certificate, name)
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw LabFailure("X509_sign") }
        self.key = key
        self.certificate = certificate
        let length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate), nil)
        var spki = [UInt8](repeating: 0, count: Int(length))
        spki.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate), &cursor)
        }
        pin = "pin-sha256:" + Data(Digest.sha256(spki)).base64EncodedString()
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(key)
    }
}
