/// What the SSO callback listener sends back for one request, and the blob if the request was the callback.
public struct SSOCallbackAnswer: Sendable, Equatable {
    /// The callback's blob (`%XX` undone, known to parse); nil means "not the callback: keep waiting".
    public let blob: String?
    /// The whole HTTP response, written as it is.
    public let response: [UInt8]
    /// Where the 302 sends the browser, if it does.
    public let location: String?

    public init(blob: String?, response: [UInt8], location: String?) {
        self.blob = blob
        self.response = response
        self.location = location
    }
}
