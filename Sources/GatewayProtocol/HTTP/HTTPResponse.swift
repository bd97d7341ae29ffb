/// An HTTP/1.1 response from the gateway.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, reason: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// Whether the server will close the connection after this response.
    public var closesConnection: Bool {
        headers["Connection"]?.lowercased().contains("close") ?? false
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    public var isRedirect: Bool { [301, 302, 303, 307, 308].contains(status) }
}
