import CLinux
import GatewayProtocol
import Glibc
import Synchronization

/// The one-shot localhost listener of Cisco's external-browser SSO (openconnect hpke.c): after the IdP login the
/// gateway sends the browser to `http://localhost:29786/api/sso/<blob>?return=URL`; the blob is the token encrypted
/// to our STRAP DH key. Bound to 127.0.0.1 and ::1 only, it answers exactly one such request — with a 302 to
/// `return` (only an http(s) URL) or a small page — and anything else with 404, until a deadline.
///
/// `@unchecked Sendable`: the descriptors live under `state`'s lock; `close()` may come from another thread while
/// `waitForBlob` polls, and then only flags the wait, which closes them on its way out (no descriptor reuse race).
public final class SSOCallbackListener: @unchecked Sendable {
    public static let defaultPort = 29786

    /// The port both sockets are bound to (the kernel's pick when `init` was given 0, as tests do).
    public let port: Int
    /// The addresses actually bound: 127.0.0.1, and ::1 unless the host has no IPv6.
    public let boundAddresses: [String]

    private struct State {
        var descriptors: [Int32]
        var closed = false
        var waiting = false
    }
    private let state: Mutex<State>

    /// How long one browser connection may take to send its request: a stalled one must not hold the wait.
    static let connectionSeconds = 5
    /// Open connections served at once; the oldest is dropped for a newer one (a local flood cannot grow memory).
    static let connectionLimit = 16
    static let pollSliceMilliseconds: Int32 = 200

    public convenience init(port: Int = defaultPort) throws(EngineError) {
        try self.init(port: port, addresses: ["127.0.0.1", "::1"])
    }

    /// `addresses` must all be loopback: anything else is refused, so the token never listens on a network.
    init(port: Int, addresses: [String]) throws(EngineError) {
        guard (0...65535).contains(port) else { throw .usage("the single sign-on port \(port) is not a TCP port") }
        let loopback = try addresses.map { (address: String) throws(EngineError) -> (String, LoopbackAddress) in
            guard let parsed = LoopbackAddress(address) else {
                throw .usage("the single sign-on listener binds loopback only; \(address) is not a loopback address")
            }
            return (address, parsed)
        }
        guard !loopback.isEmpty else { throw .usage("the single sign-on listener was given no address") }
        // With port 0 the kernel picks the first socket's port; the others must get the same one, which another
        // program may hold on that address: then pick again.
        var attempt = 0
        while true {
            attempt += 1
            switch Self.bindAll(loopback, port: port) {
            case .success(let (descriptors, bound, chosen)):
                self.port = chosen
                self.boundAddresses = bound
                self.state = Mutex(State(descriptors: descriptors))
                return
            case .failure(let failure) where port == 0 && failure.code == EADDRINUSE && attempt < 5:
                continue
            case .failure(let failure):
                if failure.code == EADDRINUSE {
                    throw .failed(.userAuth, "cannot listen for the single sign-on reply: port \(failure.port) on "
                        + "\(failure.address) is already in use (another single sign-on login waiting?); finish or close "
                        + "it, then log in again")
                }
                throw .failed(.userAuth, "cannot listen for the single sign-on reply on \(failure.address) port "
                    + "\(failure.port): \(String(cString: strerror(failure.code)))")
            }
        }
    }

    private struct BindFailure: Error {
        let code: Int32
        let address: String
        let port: Int
    }

    private static func bindAll(_ addresses: [(String, LoopbackAddress)], port: Int)
        -> Result<([Int32], [String], Int), BindFailure> {
        var descriptors: [Int32] = []
        var bound: [String] = []
        var chosen = port
        for (text, address) in addresses {
            switch listen(on: address, port: chosen) {
            case .success(let (descriptor, actual)):
                descriptors.append(descriptor)
                bound.append(text)
                chosen = actual
            case .failure(let failure) where address.isIPv6 && (failure.code == EADDRNOTAVAIL || failure.code == EAFNOSUPPORT):
                continue  // no IPv6 on this host: 127.0.0.1 alone serves the browser
            case .failure(let failure):
                descriptors.forEach { _ = Glibc.close($0) }
                return .failure(BindFailure(code: failure.code, address: text, port: chosen))
            }
        }
        return .success((descriptors, bound, chosen))
    }

    deinit { close() }

    /// Stops listening. Safe from any thread, and more than once; a `waitForBlob` in progress ends as cancelled.
    public func close() {
        let descriptors = state.withLock { state -> [Int32] in
            state.closed = true
            guard !state.waiting else { return [] }
            defer { state.descriptors = [] }
            return state.descriptors
        }
        descriptors.forEach { _ = Glibc.close($0) }
    }

    /// Waits for the callback and returns its blob: the path segment after `/api/sso/`, `%XX` undone, already
    /// checked by `SSOCallbackBlob.parse` (a request whose blob does not parse gets a 404, as openconnect does, and
    /// the wait goes on). Connections from anywhere but loopback are dropped. `cancelled` is polled five times a
    /// second. One-shot: after the answer the listener is closed.
    public func waitForBlob(timeoutSeconds: Int, cancelled: @Sendable () -> Bool) throws(EngineError) -> String {
        let listening = try state.withLock { (state: inout State) throws(EngineError) -> [Int32] in
            guard !state.closed, !state.waiting else {
                throw .usage("the single sign-on listener is closed or already waiting")
            }
            state.waiting = true
            return state.descriptors
        }
        defer {
            let descriptors = state.withLock { state -> [Int32] in
                state.waiting = false
                state.closed = true  // one-shot, whatever the outcome
                defer { state.descriptors = [] }
                return state.descriptors
            }
            descriptors.forEach { _ = Glibc.close($0) }
        }
        let deadline = ContinuousClock.now + .seconds(min(max(0, timeoutSeconds), 7 * 86_400))
        // Browsers open spare connections (Chromium preconnects) and may send on any of them, so every open one is
        // served side by side; each has a few seconds to send its request.
        var connections: [SSOCallbackConnection] = []
        defer { connections.forEach { $0.close() } }
        while true {
            if cancelled() || state.withLock({ $0.closed }) { throw .cancelled("single sign-on login") }
            let now = ContinuousClock.now
            guard deadline > now else {
                throw .failed(.userAuth, "no single sign-on reply reached localhost port \(port) within \(timeoutSeconds) s: "
                    + "finish the login in the browser before the gateway's timeout; if the browser runs on another "
                    + "machine, forward the port first (ssh -L \(port):localhost:\(port) this-host)")
            }
            connections.removeAll { connection in
                guard connection.deadline <= now else { return false }
                connection.close()
                return true
            }
            var fds = listening.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                + connections.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            let slice = Int32(min(Int64(Self.pollSliceMilliseconds), (deadline - now).milliseconds + 1))
            let ready = poll(&fds, nfds_t(fds.count), slice)
            if ready < 0 {
                if errno == EINTR { continue }
                throw .failed(.userAuth, "waiting for the single sign-on reply: poll failed: \(String(cString: strerror(errno)))")
            }
            guard ready > 0 else { continue }
            // Requests first: a blob answered ends the wait before new connections are taken.
            var finished: Set<Int32> = []
            for (index, entry) in fds.enumerated().dropFirst(listening.count) where entry.revents != 0 {
                let position = index - listening.count
                switch connections[position].receive() {
                case .waiting: continue
                case .dropped: finished.insert(entry.fd)
                case .answered(let blob):
                    finished.insert(entry.fd)
                    if let blob { return blob }
                }
            }
            connections.removeAll { connection in
                guard finished.contains(connection.descriptor) else { return false }
                connection.close()
                return true
            }
            for entry in fds.prefix(listening.count) where entry.revents & Int16(POLLIN) != 0 {
                while let descriptor = Self.acceptLoopback(entry.fd) {
                    if connections.count >= Self.connectionLimit { connections.removeFirst().close() }
                    connections.append(SSOCallbackConnection(
                        descriptor: descriptor,
                        deadline: min(deadline, ContinuousClock.now + .seconds(Self.connectionSeconds))))
                }
            }
        }
    }

    // MARK: sockets

    private static func listen(on address: LoopbackAddress, port: Int) -> Result<(Int32, Int), SocketFailure> {
        let descriptor = socket(address.isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return .failure(SocketFailure(code: errno)) }
        Self.makeNonBlockingAndPrivate(descriptor)
        var yes: Int32 = 1
        // Lets a new login bind while the last one's connections sit in TIME_WAIT; Linux still refuses a second listener.
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        if address.isIPv6 {
            _ = setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &yes, socklen_t(MemoryLayout<Int32>.size))
        }
        let rc = address.withSockaddr(port: port) { bind(descriptor, $0, $1) }
        guard rc == 0, Glibc.listen(descriptor, 8) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            return .failure(SocketFailure(code: code))
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0, let actual = LoopbackAddress.port(of: storage) else {
            let code = errno
            Glibc.close(descriptor)
            return .failure(SocketFailure(code: code))
        }
        return .success((descriptor, actual))
    }

    private struct SocketFailure: Error { let code: Int32 }

    /// Non-blocking (poll drives it) and close-on-exec (a spawned browser must not inherit the listener).
    private static func makeNonBlockingAndPrivate(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    }

    /// The next pending connection, or nil when none is left; connections from outside loopback are closed unread.
    private static func acceptLoopback(_ listener: Int32) -> Int32? {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let connection = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept(listener, $0, &length)
                }
            }
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return nil
            }
            if LoopbackAddress.isLoopbackPeer(storage) {
                makeNonBlockingAndPrivate(connection)
                return connection
            }
            Glibc.close(connection)
        }
    }
}
