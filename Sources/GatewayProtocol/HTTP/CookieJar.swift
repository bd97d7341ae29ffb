/// The cookies of one gateway during authentication (protocol.md §1.9): a `Set-Cookie` with an empty value
/// deletes the cookie. Values are kept as `Secret`s: `webvpn` is the session credential.
public struct CookieJar: Sendable, Equatable {
    private var cookies: [(name: String, value: Secret)] = []

    public init() {}

    public mutating func set(_ name: String, _ value: String) {
        cookies.removeAll { $0.name == name }
        if !value.isEmpty { cookies.append((name, Secret(value))) }
    }

    /// Applies every `Set-Cookie` header of a response. Attributes (Path, Secure, Max-Age…) are not needed:
    /// the jar lives for one attempt against one host.
    public mutating func update(from headers: HTTPHeaders) {
        for line in headers.values("Set-Cookie") {
            let pair = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            guard let eq = pair.firstIndex(of: "=") else { continue }
            let name = pair[pair.startIndex..<eq].trimmingSpaces
            guard !name.isEmpty else { continue }
            set(name, pair[pair.index(after: eq)...].trimmingSpaces)
        }
    }

    public mutating func removeAll() { cookies.removeAll() }

    public subscript(name: String) -> Secret? {
        cookies.first { $0.name == name }?.value
    }

    public var names: [String] { cookies.map(\.name) }

    /// The `Cookie` header value (`a=1; b=2`), or nil when the jar is empty.
    public func headerValue() -> String? {
        cookies.isEmpty ? nil : cookies.map { "\($0.name)=\($0.value.reveal())" }.joined(separator: "; ")
    }

    public static func == (lhs: CookieJar, rhs: CookieJar) -> Bool {
        lhs.cookies.elementsEqual(rhs.cookies) { $0.name == $1.name && $0.value == $1.value }
    }
}
