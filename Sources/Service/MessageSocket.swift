import CLinux
import Foundation
import Glibc
import Synchronization

/// One end of a service connection: length-prefixed JSON messages over a Unix stream socket, blocking. Sends
/// from several threads are serialised; one thread reads. The descriptor is closed once, by `close()`.
public final class MessageSocket: Sendable {
    private let descriptor: Int32
    private let sendLock = Mutex(())
    private let closed = Atomic(false)

    public init(descriptor: Int32) {
        self.descriptor = descriptor
        // A front end that stops reading must not stall the engine's events for long (service side).
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Connects to the service's socket.
    public static func connect(path: String) throws(ServiceError) -> MessageSocket {
        MessageSocket(descriptor: try unixSocket(path: path) { fd, address, length in Glibc.connect(fd, address, length) })
    }

    /// A Unix stream socket with `operation` (connect or bind) done on `path`; closed again if it fails.
    static func unixSocket(path: String,
                           _ operation: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32) throws(ServiceError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .unavailable(path: path, reason: String(cString: strerror(errno))) }
        var address = sockaddr_un()
        guard fill(&address, path: path) else {
            Glibc.close(fd)
            throw .unavailable(path: path, reason: "the path is too long for a socket")
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { operation(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw .unavailable(path: path, reason: reason)
        }
        return fd
    }

    static func fill(_ address: inout sockaddr_un, path: String) -> Bool {
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return true
    }

    func setReceiveTimeout(_ value: inout timeval) {
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Who is at the other end (the kernel's word, not the peer's).
    public func peer() -> PeerCredentials? {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
        guard CLinux_peer_credentials(descriptor, &pid, &uid, &gid) == 0 else { return nil }
        return PeerCredentials(pid: pid, uid: uid, gid: gid)
    }

    public func send<Message: Encodable>(_ message: Message) throws(ServiceError) {
        let body: Data
        do { body = try JSONEncoder().encode(message) } catch { throw .broken("could not encode a message: \(error)") }
        guard body.count <= ServiceProtocol.maxMessageBytes else {
            throw .broken("a message of \(body.count) bytes is over the limit of \(ServiceProtocol.maxMessageBytes)")
        }
        var frame = Data(capacity: 4 + body.count)
        let length = UInt32(body.count).bigEndian
        withUnsafeBytes(of: length) { frame.append(contentsOf: $0) }
        frame.append(body)
        // 0 sent whole, else the errno (-1: closed).
        let failure: Int32 = sendLock.withLock { _ in
            guard !closed.load(ordering: .acquiring) else { return -1 }
            return frame.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int32 in
                var offset = 0
                while offset < raw.count {
                    let sent = Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if sent < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    offset += sent
                }
                return 0
            }
        }
        if failure == -1 { throw .broken("the socket is closed") }
        if failure != 0 { throw .broken(String(cString: strerror(failure))) }
    }

    /// The next message, or nil when the other end closed the socket cleanly between messages.
    public func receive<Message: Decodable>(_ type: Message.Type) throws(ServiceError) -> Message? {
        var header = [UInt8](repeating: 0, count: 4)
        guard try readFully(&header, allowEOF: true) else { return nil }
        let length = Int(UInt32(header[0]) << 24 | UInt32(header[1]) << 16 | UInt32(header[2]) << 8 | UInt32(header[3]))
        guard length <= ServiceProtocol.maxMessageBytes else {
            throw .broken("a message of \(length) bytes is over the limit of \(ServiceProtocol.maxMessageBytes)")
        }
        var body = [UInt8](repeating: 0, count: length)
        _ = try readFully(&body, allowEOF: false)
        do {
            return try JSONDecoder().decode(Message.self, from: Data(body))
        } catch {
            throw .broken("a message that is not this protocol's (another version of swiftgate?): \(error)")
        }
    }

    private func readFully(_ buffer: inout [UInt8], allowEOF: Bool) throws(ServiceError) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let count = buffer.withUnsafeMutableBytes { raw in
                Glibc.recv(descriptor, raw.baseAddress! + offset, raw.count - offset, 0)
            }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw .broken(String(cString: strerror(errno)))
            }
            if count == 0 {
                if allowEOF && offset == 0 { return false }
                throw .broken("the other end closed the socket in the middle of a message")
            }
            offset += count
        }
        return true
    }

    /// Wakes a blocked reader (shutdown) and releases the descriptor.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        sendLock.withLock { _ in _ = Glibc.close(descriptor) }
    }

    public var isClosed: Bool { closed.load(ordering: .acquiring) }
}
