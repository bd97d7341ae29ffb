import COpenSSL
import Foundation
import GatewayProtocol

/// Reads the facts of an X509 certificate into a `CertificateReport` (reasons are filled by the verifier).
enum CertificateInspector {
    static func report(for cert: OpaquePointer, host: String, port: Int, reasons: [String]) -> CertificateReport {
        let der = derBytes(cert)
        let spki = spkiBytes(cert)
        let spkiSHA256 = Digest.sha256(spki)
        return CertificateReport(
            host: host,
            port: port,
            subject: name(X509_get_subject_name(cert)),
            issuer: name(X509_get_issuer_name(cert)),
            notBefore: time(X509_get0_notBefore(cert)),
            notAfter: time(X509_get0_notAfter(cert)),
            subjectAltNames: altNames(cert),
            pin: "pin-sha256:" + Data(spkiSHA256).base64EncodedString(),
            sha1: Hex.encode(Digest.sha1(der), uppercase: true),
            spkiSHA256Hex: Hex.encode(spkiSHA256),
            spkiSHA1Hex: Hex.encode(Digest.sha1(spki)),
            reasons: reasons
        )
    }

    static func derBytes(_ cert: OpaquePointer) -> [UInt8] {
        let length = i2d_X509(cert, nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_X509(cert, &cursor)
        }
        return bytes
    }

    static func spkiBytes(_ cert: OpaquePointer) -> [UInt8] {
        let key = X509_get_X509_PUBKEY(cert)
        let length = i2d_X509_PUBKEY(key, nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_X509_PUBKEY(key, &cursor)
        }
        return bytes
    }

    static func name(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        return withMemoryBIO { bio in
            _ = X509_NAME_print_ex(bio, name, 0, COpenSSL_XN_FLAG_RFC2253())
        }
    }

    private static func time(_ time: UnsafePointer<ASN1_TIME>?) -> String {
        guard let time else { return "" }
        return withMemoryBIO { bio in _ = ASN1_TIME_print(bio, time) }
    }

    private static func altNames(_ cert: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { COpenSSL_GENERAL_NAMES_free(names) }
        var result: [String] = []
        for index in 0..<COpenSSL_sk_GENERAL_NAME_num(names) {
            guard let entry = COpenSSL_sk_GENERAL_NAME_value(names, index),
                  let string = COpenSSL_GENERAL_NAME_string(entry),
                  let data = ASN1_STRING_get0_data(string) else { continue }
            let bytes = Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
            switch COpenSSL_GENERAL_NAME_type(entry) {
            case GEN_DNS: result.append("DNS:" + String(decoding: bytes, as: UTF8.self))
            case GEN_IPADD: result.append("IP:" + IPAddressText.format(bytes))
            case GEN_EMAIL: result.append("email:" + String(decoding: bytes, as: UTF8.self))
            case GEN_URI: result.append("URI:" + String(decoding: bytes, as: UTF8.self))
            default: continue
            }
        }
        return result
    }

    private static func withMemoryBIO(_ body: (OpaquePointer) -> Void) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        body(bio)
        var pointer: UnsafeMutablePointer<CChar>?
        let length = COpenSSL_BIO_get_mem_data(bio, &pointer)
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
