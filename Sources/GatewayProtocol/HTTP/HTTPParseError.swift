/// What was wrong with an HTTP response from the gateway.
public enum HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedStatusLine(String)
    case malformedHeader(String)
    case headersTooLarge(limit: Int)
    case tooManyHeaders(limit: Int)
    case bodyTooLarge(limit: Int)
    case badContentLength(String)
    case badChunkSize(String)
    case unsupportedTransferEncoding(String)
    case truncated(String)

    public var description: String {
        switch self {
        case .malformedStatusLine(let line): return "malformed HTTP status line '\(line.prefix(80))'"
        case .malformedHeader(let line): return "malformed HTTP header line '\(line.prefix(80))'"
        case .headersTooLarge(let limit): return "HTTP headers exceed \(limit) bytes"
        case .tooManyHeaders(let limit): return "more than \(limit) HTTP headers"
        case .bodyTooLarge(let limit): return "HTTP body exceeds \(limit) bytes"
        case .badContentLength(let value): return "invalid Content-Length '\(value.prefix(40))'"
        case .badChunkSize(let value): return "invalid chunk size '\(value.prefix(40))'"
        case .unsupportedTransferEncoding(let value): return "unsupported Transfer-Encoding '\(value.prefix(40))'"
        case .truncated(let what): return "connection closed in the middle of the \(what)"
        }
    }
}
