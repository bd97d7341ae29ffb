/// Reads one HTTP/1.1 response from bytes as they arrive: Content-Length, chunked and close-delimited bodies,
/// within `HTTPLimits`. Bytes after the response (the CSTP stream after a CONNECT) stay in `remainder`.
public struct HTTPResponseParser: Sendable {
    private enum State: Sendable {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    private let limits: HTTPLimits
    private let bodyless: Bool
    private var state = State.head
    private var buffer: [UInt8] = []
    private var response: HTTPResponse?
    /// How far the head has been searched for its blank line, so a head trickling in byte by byte costs linear
    /// time, not quadratic.
    private var searched = 0

    /// `requestMethod` matters: a 2xx answer to CONNECT, and any answer to HEAD, has no body.
    public init(limits: HTTPLimits = .standard, requestMethod: String = "GET") {
        self.limits = limits
        self.bodyless = requestMethod == "HEAD" || requestMethod == "CONNECT"
    }

    /// Bytes received after the end of the response.
    public var remainder: [UInt8] {
        if case .done = state { return buffer }
        return []
    }

    /// Feeds bytes; returns the response once it is complete.
    public mutating func feed<Bytes: Collection>(_ bytes: Bytes) throws(HTTPParseError) -> HTTPResponse?
    where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        return try advance()
    }

    /// The peer closed the connection: a close-delimited body ends here; anything else was cut short.
    public mutating func finish() throws(HTTPParseError) -> HTTPResponse {
        switch state {
        case .untilClose:
            state = .done
            return response!
        case .done:
            return response!
        case .head:
            throw .truncated(buffer.isEmpty ? "response (no reply at all)" : "response headers")
        default:
            throw .truncated("response body")
        }
    }

    private mutating func advance() throws(HTTPParseError) -> HTTPResponse? {
        while true {
            switch state {
            case .head:
                guard let end = Self.find(Self.crlfcrlf, in: buffer, from: max(0, searched - 3)) else {
                    if buffer.count > limits.maxHeaderBytes { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
                    searched = buffer.count
                    return nil
                }
                searched = 0
                guard end <= limits.maxHeaderBytes else { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
                let head = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                let parsed = try Self.parseHead(head, limits: limits)
                if (100..<200).contains(parsed.status) { continue }  // interim (100 Continue): the real one follows
                response = parsed
                state = try bodyState(for: parsed)
            case .fixed(let remaining):
                if buffer.count < remaining { return nil }
                response!.body = Array(buffer[0..<remaining])
                buffer.removeFirst(remaining)
                state = .done
            case .chunkSize:
                guard let end = Self.find(Self.crlf, in: buffer) else {
                    if buffer.count > 1024 { throw .badChunkSize(String(decoding: buffer.prefix(40), as: UTF8.self)) }
                    return nil
                }
                let line = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 2)
                let sizeText = line.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces } ?? ""
                guard !sizeText.isEmpty, sizeText.count <= 8, let size = Int(sizeText, radix: 16), size >= 0 else {
                    throw .badChunkSize(line)
                }
                if size == 0 {
                    state = .trailers
                } else {
                    guard response!.body.count + size <= limits.maxBodyBytes else {
                        throw .bodyTooLarge(limit: limits.maxBodyBytes)
                    }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                if buffer.isEmpty { return nil }
                let take = min(remaining, buffer.count)
                response!.body.append(contentsOf: buffer[0..<take])
                buffer.removeFirst(take)
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .chunkDataEnd:
                if buffer.count < 2 { return nil }
                guard buffer[0] == 13, buffer[1] == 10 else { throw .badChunkSize("missing CRLF after chunk data") }
                buffer.removeFirst(2)
                state = .chunkSize
            case .trailers:
                guard let end = Self.find(Self.crlf, in: buffer) else {
                    if buffer.count > limits.maxHeaderBytes { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
                    return nil
                }
                buffer.removeFirst(end + 2)
                if end == 0 { state = .done }  // the blank line that ends the trailers
            case .untilClose:
                if buffer.count > limits.maxBodyBytes { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
                response!.body = buffer
                return nil
            case .done:
                return response
            }
        }
    }

    private func bodyState(for response: HTTPResponse) throws(HTTPParseError) -> State {
        if bodyless && (200..<300).contains(response.status) || response.status == 204 || response.status == 304 {
            return .done
        }
        if let encoding = response.headers["Transfer-Encoding"] {
            guard encoding.lowercased().trimmingSpaces == "chunked" else {
                throw .unsupportedTransferEncoding(encoding)
            }
            return .chunkSize
        }
        if let lengthText = response.headers["Content-Length"] {
            let values = Set(response.headers.values("Content-Length").map(\.trimmingSpaces))
            guard values.count == 1, let length = Int(lengthText.trimmingSpaces), length >= 0 else {
                throw .badContentLength(lengthText)
            }
            guard length <= limits.maxBodyBytes else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
            return .fixed(remaining: length)
        }
        if bodyless { return .done }
        return .untilClose
    }

    static func parseHead(_ head: String, limits: HTTPLimits) throws(HTTPParseError) -> HTTPResponse {
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]) else {
            throw .malformedStatusLine(statusLine)
        }
        let reason = parts.count == 3 ? String(parts[2]) : ""
        guard lines.count <= limits.maxHeaderCount else { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
        var headers = HTTPHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[line.startIndex..<colon].contains(where: { $0 == " " || $0 == "\t" }) else {
                throw .malformedHeader(line)
            }
            headers.add(String(line[line.startIndex..<colon]), line[line.index(after: colon)...].trimmingSpaces)
        }
        return HTTPResponse(status: status, reason: reason, headers: headers)
    }

    private static let crlf: [UInt8] = [13, 10]
    private static let crlfcrlf: [UInt8] = [13, 10, 13, 10]

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
