import COpenSSL
import Foundation
import GatewayProtocol

/// A client certificate, the intermediates that lead to its CA, and its private key, for gateways that ask for
/// one. Read from PEM (the certificate file may hold the intermediates and the key as well) or PKCS#12
/// (`.p12`/`.pfx`). Owns its X509* and EVP_PKEY*.
///
/// The intermediates go on the wire with the leaf: an ASA (or ocserv with `ca-cert` = the root only) cannot
/// build the chain otherwise, and refuses a leaf issued by an intermediate.
public final class ClientIdentity: @unchecked Sendable {
    let certificate: OpaquePointer
    /// The other certificates of the file, in its order: the chain sent after the leaf.
    let chain: [OpaquePointer]
    let key: OpaquePointer
    /// The certificate's subject, for the `tls` phase details.
    public let subject: String
    /// The subjects of the intermediates sent with it.
    public let chainSubjects: [String]

    /// Whether the key file is encrypted (then a passphrase is needed).
    public static func isKeyEncrypted(path: String) -> Bool {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
        return text.contains("ENCRYPTED")
    }

    /// Whether the file is PKCS#12: by its name, or because it is DER that OpenSSL reads as PKCS#12.
    public static func isPKCS12(path: String) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".p12") || lower.hasSuffix(".pfx") { return true }
        guard let bio = BIO_new_file(path, "rb") else { return false }
        defer { BIO_free(bio) }
        guard let p12 = d2i_PKCS12_bio(bio, nil) else {
            OpenSSLErrorQueue.clear()
            return false
        }
        PKCS12_free(p12)
        return true
    }

    /// Whether a PKCS#12 file needs a password other than the empty one (then the user is asked for it).
    public static func pkcs12NeedsPassword(path: String) -> Bool {
        guard let bio = BIO_new_file(path, "rb") else { return false }
        defer { BIO_free(bio) }
        guard let p12 = d2i_PKCS12_bio(bio, nil) else {
            OpenSSLErrorQueue.clear()
            return false
        }
        defer { PKCS12_free(p12) }
        return PKCS12_mac_present(p12) == 1 && !verifyMAC(p12, "")
    }

    /// PEM: the certificate file holds the leaf and any intermediates (any order: the leaf is the one the key
    /// belongs to); the key is in `keyPath`, which may be the same file.
    public convenience init(certificatePath: String, keyPath: String, passphrase: Secret?) throws(SecureChannelError) {
        OpenSSLErrorQueue.clear()
        let certificates = try Self.readCertificates(certificatePath)
        guard !certificates.isEmpty else { throw .identity("\(certificatePath) holds no PEM certificate") }
        guard let keyBIO = BIO_new_file(keyPath, "r") else {
            certificates.forEach { X509_free($0) }
            throw .identity("cannot read the key \(keyPath): \(OpenSSLErrorQueue.drainedDescription(default: "no such file"))")
        }
        defer { BIO_free(keyBIO) }
        // With no callback, OpenSSL takes the last argument as the passphrase string.
        var phrase = Array((passphrase?.reveal() ?? "").utf8CString)
        defer { for index in phrase.indices { phrase[index] = 0 } }
        let key = phrase.withUnsafeMutableBytes { PEM_read_bio_PrivateKey(keyBIO, nil, nil, $0.baseAddress) }
        guard let key else {
            certificates.forEach { X509_free($0) }
            OpenSSLErrorQueue.clear()
            throw .identity(passphrase == nil ? "\(keyPath) holds no readable PEM private key"
                            : "cannot decrypt \(keyPath): wrong passphrase?")
        }
        guard let leafIndex = certificates.firstIndex(where: { X509_check_private_key($0, key) == 1 }) else {
            certificates.forEach { X509_free($0) }
            EVP_PKEY_free(key)
            OpenSSLErrorQueue.clear()
            throw .identity("the key \(keyPath) belongs to no certificate in \(certificatePath)")
        }
        OpenSSLErrorQueue.clear()
        var rest = certificates
        let leaf = rest.remove(at: leafIndex)
        self.init(certificate: leaf, chain: rest, key: key)
    }

    /// PKCS#12 (`.p12`/`.pfx`): leaf, key and the CA certificates it carries, under one password. The password is
    /// UTF-8 (OpenSSL 3 turns it into the BMPString PKCS#12 wants); a file from OpenSSL before 1.1.0, which
    /// encoded each byte of a non-ASCII password as one character, is tried that way too (as `openssl pkcs12`
    /// does). Older files encrypted with RC2 or 3DES need OpenSSL 3's legacy provider: it is loaded when the
    /// first attempt says the algorithm is unsupported.
    public convenience init(pkcs12Path path: String, password: Secret?) throws(SecureChannelError) {
        OpenSSLErrorQueue.clear()
        guard let bio = BIO_new_file(path, "rb") else {
            throw .identity("cannot read the certificate \(path): \(OpenSSLErrorQueue.drainedDescription(default: "no such file"))")
        }
        defer { BIO_free(bio) }
        guard let p12 = d2i_PKCS12_bio(bio, nil) else {
            OpenSSLErrorQueue.clear()
            throw .identity("\(path) is not a PKCS#12 file (.p12/.pfx)")
        }
        defer { PKCS12_free(p12) }
        let text = password?.reveal() ?? ""
        guard Self.verifyMAC(p12, text) || Self.verifyMAC(p12, Self.pre110Form(text)) || PKCS12_mac_present(p12) == 0 else {
            OpenSSLErrorQueue.clear()
            throw .identity(password == nil ? "\(path) is protected by a password and none was given"
                            : "cannot open \(path): wrong password?")
        }
        let phrase = Self.verifyMAC(p12, text) || PKCS12_mac_present(p12) == 0 ? text : Self.pre110Form(text)
        var parsed = Self.parse(p12, phrase)
        if parsed == nil, COpenSSL_drain_errors_unsupported() == 1 {
            // RC2-40/3DES bags (the default of OpenSSL 1.x and of older Windows exports).
            guard OSSL_PROVIDER_try_load(nil, "legacy", 1) != nil else {
                OpenSSLErrorQueue.clear()
                throw .identity("\(path) is encrypted with RC2 or 3DES, which OpenSSL 3 keeps in its legacy provider, "
                                + "and that provider is not installed here (ossl-modules/legacy.so). Convert the file where "
                                + "it is: (umask 077; openssl pkcs12 -legacy -in OLD.p12 -nodes -out all.pem && "
                                + "openssl pkcs12 -export -in all.pem -out NEW.p12; rm -f all.pem)")
            }
            OpenSSLErrorQueue.clear()
            parsed = Self.parse(p12, phrase)
        }
        guard let (leaf, key, extra) = parsed else {
            throw .identity("cannot read \(path): \(OpenSSLErrorQueue.drainedDescription(default: "no certificate and key in it"))")
        }
        guard X509_check_private_key(leaf, key) == 1 else {
            X509_free(leaf)
            EVP_PKEY_free(key)
            extra.forEach { X509_free($0) }
            OpenSSLErrorQueue.clear()
            throw .identity("the key in \(path) does not belong to its certificate")
        }
        self.init(certificate: leaf, chain: extra, key: key)
    }

    private init(certificate: OpaquePointer, chain: [OpaquePointer], key: OpaquePointer) {
        self.certificate = certificate
        self.chain = chain
        self.key = key
        self.subject = CertificateInspector.report(for: certificate, host: "", port: 0, reasons: []).subject
        self.chainSubjects = chain.map { CertificateInspector.report(for: $0, host: "", port: 0, reasons: []).subject }
    }

    deinit {
        X509_free(certificate)
        chain.forEach { X509_free($0) }
        EVP_PKEY_free(key)
    }

    /// Presents the leaf, its key and the intermediates on one TLS session.
    func install(on ssl: OpaquePointer) throws(SecureChannelError) {
        guard SSL_use_certificate(ssl, certificate) == 1, SSL_use_PrivateKey(ssl, key) == 1 else {
            throw .identity("OpenSSL refused the client certificate: "
                            + OpenSSLErrorQueue.drainedDescription(default: "unknown reason"))
        }
        for intermediate in chain where COpenSSL_SSL_add1_chain_cert(ssl, intermediate) != 1 {
            throw .identity("OpenSSL refused an intermediate certificate of the client certificate: "
                            + OpenSSLErrorQueue.drainedDescription(default: "unknown reason"))
        }
    }

    /// Every PEM certificate in the file, in order. At most 16: a chain is a handful.
    private static func readCertificates(_ path: String) throws(SecureChannelError) -> [OpaquePointer] {
        guard let bio = BIO_new_file(path, "r") else {
            throw .identity("cannot read the certificate \(path): \(OpenSSLErrorQueue.drainedDescription(default: "no such file"))")
        }
        defer { BIO_free(bio) }
        var certificates: [OpaquePointer] = []
        while certificates.count < 16, let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(certificate)
        }
        OpenSSLErrorQueue.clear()  // the end of the file reads as "no start line"
        return certificates
    }

    private static func verifyMAC(_ p12: OpaquePointer, _ password: String) -> Bool {
        // An empty password may have been written as "no password" (NULL) or as "" (PKCS12_parse tries both).
        if password.isEmpty, PKCS12_verify_mac(p12, nil, 0) == 1 { return true }
        var bytes = Array(password.utf8CString)
        defer { for index in bytes.indices { bytes[index] = 0 } }
        let ok = bytes.withUnsafeBufferPointer { PKCS12_verify_mac(p12, $0.baseAddress, -1) } == 1
        if !ok { OpenSSLErrorQueue.clear() }
        return ok
    }

    private static func parse(_ p12: OpaquePointer, _ password: String)
        -> (leaf: OpaquePointer, key: OpaquePointer, extra: [OpaquePointer])? {
        var bytes = Array(password.utf8CString)
        defer { for index in bytes.indices { bytes[index] = 0 } }
        var key: OpaquePointer?
        var leaf: OpaquePointer?
        var stack: OpaquePointer?
        let ok = bytes.withUnsafeBufferPointer { PKCS12_parse(p12, $0.baseAddress, &key, &leaf, &stack) } == 1
        var extra: [OpaquePointer] = []
        if let stack {
            for index in 0..<COpenSSL_sk_X509_num(stack) {
                if let certificate = COpenSSL_sk_X509_value(stack, index) { extra.append(certificate) }
            }
            COpenSSL_sk_X509_free_shallow(stack)  // the certificates are ours now
        }
        guard ok, let leaf, let key else {
            if let leaf { X509_free(leaf) }
            if let key { EVP_PKEY_free(key) }
            extra.forEach { X509_free($0) }
            return nil
        }
        return (leaf, key, extra)
    }

    /// How OpenSSL before 1.1.0 encoded a password: every UTF-8 byte taken as one character (apps/pkcs12.c).
    static func pre110Form(_ password: String) -> String {
        String(String.UnicodeScalarView(password.utf8.map { Unicode.Scalar($0) }))
    }
}
