/// Why the external-browser callback (`/api/sso/<blob>`) could not be read. The blob arrives through a browser from
/// the gateway, so it is untrusted; the words say what a person can do, and never quote the blob itself.
public enum SSOBlobError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(characters: Int)
    case notBase64
    case badVersion(UInt16)
    case truncated(offset: Int)
    case unknownRecord(type: UInt16, offset: Int)
    case duplicateRecord(type: UInt16)
    case missingRecord(String)
    case badLength(record: String, length: Int)

    public var description: String {
        let retry = "log in again; if it keeps happening the gateway's single sign-on reply is malformed"
        switch self {
        case .empty:
            return "the single sign-on callback carried no token; \(retry)"
        case .tooLong(let count):
            return "the single sign-on callback is \(count) characters, more than the \(SSOCallbackBlob.maxTextLength) allowed; \(retry)"
        case .notBase64:
            return "the single sign-on callback is not base64; \(retry)"
        case .badVersion(let word):
            return "the single sign-on token starts with 0x\(Hex.encode([UInt8(word >> 8), UInt8(word & 0xff)])), not 0x0001; \(retry)"
        case .truncated(let offset):
            return "the single sign-on token is cut short at byte \(offset); \(retry)"
        case .unknownRecord(let type, let offset):
            return "the single sign-on token has an unknown record type \(type) at byte \(offset); \(retry)"
        case .duplicateRecord(let type):
            return "the single sign-on token repeats record type \(type); \(retry)"
        case .missingRecord(let name):
            return "the single sign-on token has no \(name); \(retry)"
        case .badLength(let name, let length):
            return "the single sign-on token's \(name) is \(length) bytes, which is out of bounds; \(retry)"
        }
    }
}
