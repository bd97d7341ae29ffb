import COpenSSL
import Foundation
import GatewayProtocol

/// A client certificate and its private key (PEM), for gateways that ask for one. Owns its X509* and EVP_PKEY*.
public final class ClientIdentity: @unchecked Sendable {
    let certificate: OpaquePointer
    let key: OpaquePointer
    /// The certificate's subject, for the `tls` phase details.
    public let subject: String

    /// Whether the key file is encrypted (then a passphrase is needed).
    public static func isKeyEncrypted(path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.contains("ENCRYPTED")
    }

    public init(certificatePath: String, keyPath: String, passphrase: Secret?) throws(SecureChannelError) {
        OpenSSLErrorQueue.clear()
        guard let certBIO = BIO_new_file(certificatePath, "r") else {
            throw .identity("cannot read the certificate \(certificatePath): \(OpenSSLErrorQueue.drainedDescription(default: "no such file"))")
        }
        defer { BIO_free(certBIO) }
        guard let certificate = PEM_read_bio_X509(certBIO, nil, nil, nil) else {
            throw .identity("\(certificatePath) holds no PEM certificate")
        }
        guard let keyBIO = BIO_new_file(keyPath, "r") else {
            X509_free(certificate)
            throw .identity("cannot read the key \(keyPath): \(OpenSSLErrorQueue.drainedDescription(default: "no such file"))")
        }
        defer { BIO_free(keyBIO) }
        // With no callback, OpenSSL takes the last argument as the passphrase string.
        var phrase = Array((passphrase?.reveal() ?? "").utf8CString)
        defer { for index in phrase.indices { phrase[index] = 0 } }
        let key = phrase.withUnsafeMutableBytes { PEM_read_bio_PrivateKey(keyBIO, nil, nil, $0.baseAddress) }
        guard let key else {
            X509_free(certificate)
            OpenSSLErrorQueue.clear()
            throw .identity(passphrase == nil ? "\(keyPath) holds no readable PEM private key"
                            : "cannot decrypt \(keyPath): wrong passphrase?")
        }
        guard X509_check_private_key(certificate, key) == 1 else {
            X509_free(certificate)
            EVP_PKEY_free(key)
            OpenSSLErrorQueue.clear()
            throw .identity("the key \(keyPath) does not belong to the certificate \(certificatePath)")
        }
        self.certificate = certificate
        self.key = key
        self.subject = CertificateInspector.report(for: certificate, host: "", port: 0, reasons: []).subject
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(key)
    }
}
