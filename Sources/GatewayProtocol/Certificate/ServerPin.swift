import Foundation

/// A `--servercert` value in one of the forms openconnect takes (library.c `openconnect_check_peer_cert_hash`):
///
/// - `pin-sha256:<base64>`: SHA-256 of the SubjectPublicKeyInfo (openconnect compares it case-sensitively),
/// - `sha256:<hex>` and `sha1:<hex>`: SHA-256 / SHA-1 of the SubjectPublicKeyInfo,
/// - bare `<hex>`: SHA-1 of the whole certificate (DER), the form `server-cert-hash` and old openconnect print.
///
/// Hex is case-insensitive, as in openconnect. Unlike openconnect, the value must be complete: openconnect
/// accepts any prefix of four or more characters, and 16 to 24 bits can be ground out in seconds. Also unlike
/// openconnect, hex may be written in colon-separated pairs (`AB:CD:…`, as `openssl x509 -fingerprint` prints
/// it); openconnect would read such a value as an unknown `ab:` prefix and fail.
public struct ServerPin: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case pinSHA256 = "pin-sha256"
        case spkiSHA256 = "sha256"
        case spkiSHA1 = "sha1"
        case certificateSHA1 = "certificate-sha1"

        var digestLength: Int { self == .spkiSHA1 || self == .certificateSHA1 ? 20 : 32 }
    }

    public let kind: Kind
    public let digest: [UInt8]

    public init(kind: Kind, digest: [UInt8]) {
        self.kind = kind
        self.digest = digest
    }

    public init(parsing input: String) throws(ServerPinError) {
        let text = input.trimmingSpaces
        guard !text.isEmpty else { throw .empty }
        let lower = text.lowercased()
        let kind: Kind
        let value: Substring
        if lower.hasPrefix("pin-sha256:") {
            kind = .pinSHA256
            value = text.dropFirst(11)
        } else if lower.hasPrefix("sha256:") {
            kind = .spkiSHA256
            value = text.dropFirst(7)
        } else if lower.hasPrefix("sha1:") {
            kind = .spkiSHA1
            value = text.dropFirst(5)
        } else {
            kind = .certificateSHA1
            value = Substring(text)
        }
        let digest: [UInt8]
        if kind == .pinSHA256 {
            digest = try Self.base64(value)
        } else {
            digest = try Self.hex(value, kind: kind)
        }
        guard digest.count == kind.digestLength else {
            throw .wrongLength(kind: kind.rawValue, expected: kind.digestLength, got: digest.count)
        }
        self.kind = kind
        self.digest = digest
    }

    /// Whether the certificate described by `report` is the one this pin names.
    public func matches(_ report: CertificateReport) -> Bool {
        let seen: [UInt8]?
        switch kind {
        case .pinSHA256:
            seen = report.pin.hasPrefix("pin-sha256:")
                ? Data(base64Encoded: String(report.pin.dropFirst(11))).map(Array.init) : nil
        case .spkiSHA256: seen = Hex.decode(report.spkiSHA256Hex)
        case .spkiSHA1: seen = Hex.decode(report.spkiSHA1Hex)
        case .certificateSHA1: seen = Hex.decode(report.sha1)
        }
        return seen == digest
    }

    /// The canonical text: `pin-sha256:` with padded base64, or lower-case hex behind its prefix.
    public var description: String {
        switch kind {
        case .pinSHA256: return "pin-sha256:" + Data(digest).base64EncodedString()
        case .spkiSHA256: return "sha256:" + Hex.encode(digest)
        case .spkiSHA1: return "sha1:" + Hex.encode(digest)
        case .certificateSHA1: return Hex.encode(digest)
        }
    }

    private static func base64(_ value: Substring) throws(ServerPinError) -> [UInt8] {
        var text = String(value)
        // The value of a SHA-256 is 43 characters and one '='; a pasted value may have lost the '='.
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=") }) else {
            throw .notBase64
        }
        let significant = text.reversed().drop(while: { $0 == "=" }).count
        if significant != 43 {
            // Not 32 bytes: say how much is there, so a shortened (prefix) value reads as such.
            throw .wrongLength(kind: Kind.pinSHA256.rawValue, expected: 32, got: significant * 6 / 8)
        }
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { throw .notBase64 }
        return Array(data)
    }

    private static func hex(_ value: Substring, kind: Kind) throws(ServerPinError) -> [UInt8] {
        var text = String(value)
        if text.contains(":") {
            // Colon-separated pairs only: "AB:CD:…", never "ABC:D".
            let pairs = text.split(separator: ":", omittingEmptySubsequences: false)
            guard pairs.allSatisfy({ $0.count == 2 }) else {
                throw kind == .certificateSHA1 ? .unknownForm : .notHex(kind: kind.rawValue)
            }
            text = pairs.joined()
        }
        guard let bytes = Hex.decode(text) else {
            if kind == .certificateSHA1 { throw .unknownForm }
            throw .notHex(kind: kind.rawValue)
        }
        return bytes
    }
}

/// Why a `--servercert` value was not understood, with what to give instead.
public enum ServerPinError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case unknownForm
    case notBase64
    case notHex(kind: String)
    case wrongLength(kind: String, expected: Int, got: Int)

    public var description: String {
        let forms = "give pin-sha256:<base64>, sha256:<hex>, sha1:<hex> or the certificate's SHA-1 in hex"
        switch self {
        case .empty: return "an empty certificate pin: " + forms
        case .unknownForm: return "not a certificate pin Swiftgate knows: " + forms
        case .notBase64: return "the value after pin-sha256: is not base64 (44 characters, as swiftgate and openconnect print it)"
        case .notHex(let kind): return "the value of the \(kind) pin is not hexadecimal"
        case .wrongLength(let kind, let expected, let got):
            let hint = got < expected ? "; the whole value is needed, a prefix is never accepted" : ""
            return "the \(kind) pin has \(got) bytes, a full one has \(expected)\(hint)"
        }
    }
}
