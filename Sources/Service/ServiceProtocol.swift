import Foundation

/// The service's wire protocol (issue 15): over a Unix stream socket, each message is a 4-byte big-endian length
/// and that many bytes of JSON. The first message each way is the hello/welcome, which carries the version; a
/// front end of another version is told so in words and the socket is closed.
public enum ServiceProtocol {
    /// Raised whenever a message changes shape.
    public static let version = 1
    /// No message is larger (events, prompts and status are small; a certificate file is the largest thing sent).
    public static let maxMessageBytes = 1 << 20
    public static let defaultSocketPath = "/run/swiftgate/swiftgate.sock"

    /// `SWIFTGATE_SOCKET`, else /run/swiftgate/swiftgate.sock.
    public static func socketPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["SWIFTGATE_SOCKET"], !path.isEmpty { return path }
        return defaultSocketPath
    }
}
