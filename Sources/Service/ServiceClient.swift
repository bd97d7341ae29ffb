import Foundation

/// A front end's link to the service: the hello exchange, then messages both ways (blocking).
public final class ServiceClient: Sendable {
    public let path: String
    let socket: MessageSocket

    private init(path: String, socket: MessageSocket) {
        self.path = path
        self.socket = socket
    }

    /// Connects and says hello; a service of another version, or one that does not admit this user, refuses in
    /// words.
    public static func open(path: String = ServiceProtocol.socketPath(), program: String) throws(ServiceError) -> ServiceClient {
        let socket = try MessageSocket.connect(path: path)
        do throws(ServiceError) {
            try socket.send(ClientMessage.hello(version: ServiceProtocol.version, program: program))
            switch try socket.receive(ServiceMessage.self) {
            case .welcome(let version, _)? where version == ServiceProtocol.version:
                return ServiceClient(path: path, socket: socket)
            case .welcome(let version, _)?:
                throw ServiceError.refused("the service speaks version \(version) of its protocol and this swiftgate "
                                           + "\(ServiceProtocol.version): use the matching swiftgate, or restart the service")
            case .refused(let text)?:
                throw ServiceError.refused(text)
            case nil:
                throw ServiceError.broken("the service closed the socket before its welcome")
            case let other?:
                throw ServiceError.broken("the service answered hello with \(other)")
            }
        } catch {
            socket.close()
            throw error
        }
    }

    /// True when a service answers at `path` (whether or not it admits this user: connecting says which).
    public static func isRunning(path: String = ServiceProtocol.socketPath()) -> Bool {
        do {
            try open(path: path, program: "probe").close()
            return true
        } catch {
            if case .unavailable = error { return false }
            return true
        }
    }

    public func send(_ message: ClientMessage) throws(ServiceError) { try socket.send(message) }

    /// The next message; nil when the service closed the socket.
    public func next() throws(ServiceError) -> ServiceMessage? { try socket.receive(ServiceMessage.self) }

    /// Sends a request and waits for the message that answers it (others, such as events of another
    /// connection, are skipped).
    public func request<Answer>(_ message: ClientMessage,
                                _ pick: (ServiceMessage) -> Answer?) throws(ServiceError) -> Answer {
        try send(message)
        while let reply = try next() {
            if case .rejected(let text) = reply { throw ServiceError.rejected(text) }
            if let answer = pick(reply) { return answer }
        }
        throw ServiceError.broken("the service closed the socket")
    }

    public func status() throws(ServiceError) -> [ConnectionStatus] {
        try statusAndEnded().up
    }

    /// The connections up, and those that ended lately.
    public func statusAndEnded() throws(ServiceError) -> (up: [ConnectionStatus], ended: [ConnectionStatus]) {
        try request(.status) { if case .status(let list, let ended) = $0 { return (list, ended) } else { return nil } }
    }

    public func close() { socket.close() }
}
