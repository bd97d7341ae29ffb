/// An HTTP/1.1 request as Swiftgate sends it.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, path: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The bytes on the wire. Content-Length is added for requests with a body.
    public func serialized() -> [UInt8] {
        var text = "\(method) \(path) HTTP/1.1\r\n"
        for field in headers { text += "\(field.name): \(field.value)\r\n" }
        if !body.isEmpty || method == "POST", headers["Content-Length"] == nil {
            text += "Content-Length: \(body.count)\r\n"
        }
        text += "\r\n"
        return Array(text.utf8) + body
    }
}
