/// The encrypted SSO token an ASA hands back in external-browser mode: the browser is redirected to
/// `http://localhost:29786/api/sso/<blob>?return=URL`, and the blob is base64 of
///
///     0x0001                          a version word, before any record
///     type (be16) length (be16) value  repeated, each type once:
///       1  the gateway's ephemeral P-256 public key (DER SubjectPublicKeyInfo)
///       2  the AES-GCM tag, 12 bytes
///       3  the ciphertext (the token)
///       4  the AES-GCM IV, 12 bytes
///
/// (layout and the 12-byte tag: openconnect hpke.c, handle_external_browser). Decryption is SecureChannel's
/// `STRAPKeys.decryptToken`; this type only checks bounds. Every length is bounded before it is used.
public struct SSOCallbackBlob: Sendable, Equatable, CustomStringConvertible {
    /// Longest callback text accepted (openconnect reads the request line into 4096 bytes; twice that is generous).
    public static let maxTextLength = 8192
    static let maxPublicKeyBytes = 256
    static let maxCiphertextBytes = 4096
    static let gcmFieldBytes = 12

    public let gatewayPublicKey: [UInt8]
    public let tag: [UInt8]
    public let ciphertext: [UInt8]
    public let iv: [UInt8]

    public init(gatewayPublicKey: [UInt8], tag: [UInt8], ciphertext: [UInt8], iv: [UInt8]) {
        self.gatewayPublicKey = gatewayPublicKey
        self.tag = tag
        self.ciphertext = ciphertext
        self.iv = iv
    }

    /// Sizes only: the fields are not secret on their own, but nothing of a login belongs in a log line.
    public var description: String {
        "SSOCallbackBlob(key: \(gatewayPublicKey.count) bytes, ciphertext: \(ciphertext.count) bytes)"
    }

    /// The record stream in the layout above (what `parse(bytes:)` reads); fields over 65535 bytes are cut.
    /// For tests and the fuzzer's seeds: the gateway side of the exchange.
    public var recordBytes: [UInt8] {
        var out: [UInt8] = [0x00, 0x01]
        for (type, value) in [(UInt16(1), gatewayPublicKey), (2, tag), (3, ciphertext), (4, iv)] {
            out += [UInt8(type >> 8), UInt8(type & 0xff), UInt8(value.count >> 8 & 0xff), UInt8(value.count & 0xff)]
            out += value
        }
        return out
    }

    /// `recordBytes` in standard base64, as it appears after `/api/sso/`.
    public var base64: String { Base64.encode(recordBytes) }

    /// Reads the path segment after `/api/sso/`: `%XX` escapes undone (openconnect url-decodes it), then base64 or
    /// base64url, then the records.
    public static func parse(_ text: String) throws(SSOBlobError) -> SSOCallbackBlob {
        let length = text.utf8.count
        guard length > 0 else { throw .empty }
        guard length <= maxTextLength else { throw .tooLong(characters: length) }
        let unescaped = text.utf8.contains(UInt8(ascii: "%")) ? FormEncoding.percentDecode(text) : text
        guard let bytes = Base64.decode(unescaped) else { throw .notBase64 }
        return try parse(bytes: bytes)
    }

    /// The decoded record stream.
    public static func parse(bytes: [UInt8]) throws(SSOBlobError) -> SSOCallbackBlob {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count >= 2 else { throw .truncated(offset: 0) }
        let version = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        guard version == 0x0001 else { throw .badVersion(version) }
        var records: [UInt16: [UInt8]] = [:]
        var offset = 2
        while offset < bytes.count {
            guard bytes.count - offset >= 4 else { throw .truncated(offset: offset) }
            let type = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
            let size = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard (1...4).contains(type) else { throw .unknownRecord(type: type, offset: offset) }
            guard records[type] == nil else { throw .duplicateRecord(type: type) }
            guard bytes.count - offset - 4 >= size else { throw .truncated(offset: offset) }
            records[type] = Array(bytes[(offset + 4)..<(offset + 4 + size)])
            offset += 4 + size
        }
        guard let key = records[1] else { throw .missingRecord("gateway public key") }
        guard let tag = records[2] else { throw .missingRecord("authentication tag") }
        guard let ciphertext = records[3] else { throw .missingRecord("ciphertext") }
        guard let iv = records[4] else { throw .missingRecord("IV") }
        guard (1...maxPublicKeyBytes).contains(key.count) else {
            throw .badLength(record: "gateway public key", length: key.count)
        }
        guard tag.count == gcmFieldBytes else { throw .badLength(record: "authentication tag", length: tag.count) }
        guard (1...maxCiphertextBytes).contains(ciphertext.count) else {
            throw .badLength(record: "ciphertext", length: ciphertext.count)
        }
        guard iv.count == gcmFieldBytes else { throw .badLength(record: "IV", length: iv.count) }
        return SSOCallbackBlob(gatewayPublicKey: key, tag: tag, ciphertext: ciphertext, iv: iv)
    }
}
