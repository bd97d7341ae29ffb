import Synchronization

/// A front end connected to the service: its socket, who it is, and the connections it is attached to.
final class ClientLink: Sendable {
    let socket: MessageSocket
    let peer: PeerCredentials
    let id: Int

    init(socket: MessageSocket, peer: PeerCredentials, id: Int) {
        self.socket = socket
        self.peer = peer
        self.id = id
    }

    /// A front end that cannot be written to is dropped: its reader sees the closed socket and detaches it.
    func send(_ message: ServiceMessage) {
        do { try socket.send(message) } catch { socket.close() }
    }
}
