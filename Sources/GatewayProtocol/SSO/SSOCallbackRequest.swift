/// How the localhost listener of external-browser SSO reads a request and answers it, in pure code (the listener
/// only moves bytes). openconnect hpke.c: `GET /api/sso/<blob>[?return=URL] HTTP/1.x` gets a 302 to URL (or a
/// page when there is none); any other request, or a blob that is not base64, gets a 404 and the wait goes on.
public enum SSOCallbackRequest {
    public static let pathPrefix = "/api/sso/"
    /// Longest return URL followed; a longer one gets the page instead.
    public static let returnURLLimit = 2048

    /// Bytes up to and including the blank line that ends the request head, once it has arrived.
    public static func headLength(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0a {
                if index + 1 < bytes.count, bytes[index + 1] == 0x0a { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == 0x0d, bytes[index + 2] == 0x0a { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    /// The answer to a request head (the request line is all that matters; headers are ignored).
    public static func answer(head: [UInt8]) -> SSOCallbackAnswer {
        let lineEnd = head.firstIndex(of: 0x0a) ?? head.count
        var line = head[..<lineEnd]
        if line.last == 0x0d { line = line.dropLast() }
        // Visible ASCII and single spaces only: anything else is not a browser's request line.
        guard !line.isEmpty, line.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return notFound }
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].elementsEqual("GET".utf8), parts[2].starts(with: "HTTP/1.".utf8) else {
            return notFound
        }
        let target = String(decoding: parts[1], as: UTF8.self)
        guard target.hasPrefix(pathPrefix) else { return notFound }
        let rest = target.dropFirst(pathPrefix.count)
        let pieces = rest.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let blob = FormEncoding.percentDecode(String(pieces[0]))
        guard (try? SSOCallbackBlob.parse(blob)) != nil else { return notFound }
        var returnURL: String?
        if pieces.count == 2 {
            for parameter in pieces[1].split(separator: "&") where parameter.hasPrefix("return=") {
                returnURL = FormEncoding.percentDecode(String(parameter.dropFirst("return=".count)))
                break
            }
        }
        if let url = returnURL, isFollowable(url) {
            let response = "HTTP/1.1 302 Found\r\nLocation: \(url)\r\nCache-Control: no-store\r\n"
                + "Content-Length: 0\r\nConnection: close\r\n\r\n"
            return SSOCallbackAnswer(blob: blob, response: Array(response.utf8), location: url)
        }
        return SSOCallbackAnswer(blob: blob, response: closePage, location: nil)
    }

    /// Only an http(s) URL of visible ASCII goes into Location: no header splitting, no `javascript:` or `file:`.
    static func isFollowable(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        guard bytes.count <= returnURLLimit, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return false }
        let lower = url.lowercased()
        for scheme in ["http://", "https://"] where lower.hasPrefix(scheme) && lower.count > scheme.count {
            return true
        }
        return false
    }

    static let notFound = SSOCallbackAnswer(
        blob: nil,
        response: Array("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8),
        location: nil)

    static let closePage: [UInt8] = {
        let body = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Swiftgate</title></head>"
            + "<body><p>Single sign-on is complete. You can close this window.</p></body></html>\n"
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n"
        return Array((head + body).utf8)
    }()
}
