import Engine
import Foundation
import GatewayProtocol
import CLinux
import Glibc
import Logging
import SecureChannel
import Store
import Synchronization

/// `swiftgate service` (issue 15): accepts front ends on the socket, admits root and the users it serves, and
/// runs their connections. One thread reads each front end; the engines run as tasks. The service keeps only
/// session state: the user's gateways, pins and history stay in the user's database, reached through the
/// front end.
public final class ServiceHost: Sendable {
    private let listener: ServiceListener
    private let configuration: ServiceConfiguration
    private let ids = IDSource()
    private let connections = Mutex<[String: ServiceConnection]>([:])
    private let clients = Mutex<[Int: ClientLink]>([:])
    /// Connections that ended lately, newest last (bounded).
    private let ended = Mutex<[ConnectionStatus]>([])
    static let maxEnded = 32

    public init(listener: ServiceListener, configuration: ServiceConfiguration) {
        self.listener = listener
        self.configuration = configuration
    }

    /// Accepts front ends until the listener is closed.
    public func run() {
        while let socket = listener.accept() {
            Thread.detachNewThread { [self] in serve(socket) }
        }
    }

    /// Every connection is stopped with a DISCONNECT (the service is going away); returns when all have ended.
    public func stopAll() async {
        let all = connections.withLock { Array($0.values) }
        for connection in all { if let engine = connection.engine { _ = await engine.requestStop(hangup: false) } }
        while !connections.withLock({ $0.isEmpty }) { try? await Task.sleep(for: .milliseconds(50)) }
    }

    public var connectionCount: Int { connections.withLock { $0.count } }

    // MARK: - One front end

    private func serve(_ socket: MessageSocket) {
        defer { socket.close() }
        guard let peer = socket.peer() else { return }
        // The hello must come soon: a silent peer does not hold a thread.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        socket.setReceiveTimeout(&timeout)
        guard case .hello(let version, let program)? = try? socket.receive(ClientMessage.self) else {
            try? socket.send(ServiceMessage.refused("the first message must be hello (is this a Swiftgate front end?)"))
            return
        }
        var none = timeval(tv_sec: 0, tv_usec: 0)
        socket.setReceiveTimeout(&none)
        guard version == ServiceProtocol.version else {
            try? socket.send(ServiceMessage.refused(
                "this front end (\(GatewayText.printable(String(program.prefix(64))))) speaks version \(version) of the service "
                + "protocol and the service \(ServiceProtocol.version): use the swiftgate of the same version "
                + "(after an upgrade, restart the service: systemctl restart swiftgate)"))
            return
        }
        if let refusal = configuration.policy.refusal(uid: peer.uid, groupsOfPeer: Self.groups(of: peer)) {
            configuration.logger.notice("refused uid \(peer.uid) (pid \(peer.pid))")
            try? socket.send(ServiceMessage.refused(refusal))
            return
        }
        let client = ClientLink(socket: socket, peer: peer, id: ids.next())
        let admitted = clients.withLock { all -> Bool in
            guard all.count < RequestCheck.maxFrontEnds else { return false }
            all[client.id] = client
            return true
        }
        guard admitted else {
            try? socket.send(ServiceMessage.refused("\(RequestCheck.maxFrontEnds) front ends are attached already: close one"))
            return
        }
        defer {
            clients.withLock { _ = $0.removeValue(forKey: client.id) }
            for connection in connections.withLock({ Array($0.values) }) { connection.detach(client.id) }
        }
        client.send(.welcome(version: ServiceProtocol.version, program: "swiftgate service"))
        while let message = try? socket.receive(ClientMessage.self) {
            handle(message, from: client)
        }
    }

    /// The peer's primary and supplementary groups (for `--group`), from /proc: the kernel's view of that process.
    static func groups(of peer: PeerCredentials) -> [UInt32] {
        var groups = [peer.gid]
        if let status = try? String(contentsOfFile: "/proc/\(peer.pid)/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Groups:") }) {
            groups += line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) }
        }
        return groups
    }

    private func visible(to client: ClientLink) -> [ServiceConnection] {
        connections.withLock { Array($0.values) }
            .filter { configuration.policy.mayControl(uid: client.peer.uid, owner: $0.owner) }
            .sorted { $0.name < $1.name }
    }

    private func find(_ name: String?, for client: ClientLink) -> Result<ServiceConnection, ServiceError> {
        let mine = visible(to: client)
        if let name {
            guard let connection = mine.first(where: { $0.name == name }) else {
                let names = mine.map(\.name)
                return .failure(.rejected("no connection named \(GatewayText.printable(String(name.prefix(80))))"
                                          + (names.isEmpty ? " (none is up)" : " (up: \(names.joined(separator: ", ")))")))
            }
            return .success(connection)
        }
        guard let only = mine.first else { return .failure(.rejected("no connection is up")) }
        guard mine.count == 1 else {
            return .failure(.rejected("\(mine.count) connections are up (\(mine.map(\.name).joined(separator: ", "))): name one"))
        }
        return .success(only)
    }

    private func handle(_ message: ClientMessage, from client: ClientLink) {
        switch message {
        case .hello:
            client.send(.rejected("hello was already said"))
        case .connect(let request):
            connect(request, from: client)
        case .attach(let name):
            switch find(name, for: client) {
            case .success(let connection): connection.attach(client)
            case .failure(let error): client.send(.rejected(error.description))
            }
        case .detach(let name):
            if case .success(let connection) = find(name, for: client) { connection.detach(client.id) }
            client.send(.accepted(name: name))
        case .status:
            let recent = ended.withLock { $0 }.filter { configuration.policy.mayControl(uid: client.peer.uid, owner: $0.ownerUID) }
            client.send(.status(visible(to: client).map(\.status), ended: recent))
        case .disconnect(let name):
            switch find(name, for: client) {
            case .success(let connection):
                configuration.logger.info("disconnect \(connection.name) asked by uid \(client.peer.uid)")
                if let engine = connection.engine { Task { _ = await engine.requestStop(hangup: false) } }
                client.send(.accepted(name: connection.name))
            case .failure(let error): client.send(.rejected(error.description))
            }
        case .reconnect(let name):
            switch find(name, for: client) {
            case .success(let connection):
                if let engine = connection.engine { Task { await engine.requestReconnect() } }
                client.send(.accepted(name: connection.name))
            case .failure(let error): client.send(.rejected(error.description))
            }
        case .answer(let id, let answer):
            for connection in visible(to: client) where connection.answer(id, answer, from: client.id) { break }
        case .storeReply(let id, let reply):
            for connection in visible(to: client) where connection.owner == client.peer.uid || client.peer.uid == 0 {
                if connection.storeReply(id, reply) { break }
            }
        }
    }

    // MARK: - Bringing a connection up

    private func connect(_ request: ConnectRequest, from client: ClientLink) {
        let url: GatewayURL
        do { url = try GatewayURL(parsing: request.url) } catch {
            client.send(.rejected("\(request.url.prefix(200)): \(error)"))
            return
        }
        if let problem = RequestCheck.problem(request) {
            client.send(.rejected(problem))
            return
        }
        let key = HostPortKey.make(host: url.host, port: url.port)
        let id = ids.next()
        let baseName = request.name.isEmpty ? key : String(GatewayText.printable(request.name).prefix(64))
        let made: Result<ServiceConnection, ServiceError> = connections.withLock { all in
            if let existing = all.values.first(where: { $0.gatewayKey == key }) {
                let whose = configuration.policy.mayControl(uid: client.peer.uid, owner: existing.owner)
                    ? "as \(existing.name): disconnect it first (swiftgate disconnect \(existing.name))"
                    : "(another user's connection)"
                return .failure(.rejected("already connected to \(key) \(whose)"))
            }
            guard all.values.filter({ $0.owner == client.peer.uid }).count < RequestCheck.maxConnectionsPerUser else {
                return .failure(.rejected("\(RequestCheck.maxConnectionsPerUser) connections are up for you already: disconnect one"))
            }
            var name = baseName
            var suffix = 2
            while all[name] != nil { name = "\(baseName)-\(suffix)"; suffix += 1 }
            let directory = try? ServiceFiles.makeDirectory(runtime: configuration.runtimeDirectory, id: id)
            let connection = ServiceConnection(name: name, gatewayKey: key, owner: client.peer.uid, request: request,
                                               filesDirectory: directory,
                                               promptWaitSeconds: configuration.promptWaitSeconds, ids: ids)
            all[name] = connection
            return .success(connection)
        }
        let connection: ServiceConnection
        switch made {
        case .success(let made): connection = made
        case .failure(let error):
            client.send(.rejected(error.description))
            return
        }
        configuration.logger.info("connect \(connection.name) (\(key)) for uid \(client.peer.uid)")
        client.send(.accepted(name: connection.name))
        connection.attach(client)
        Task { await self.run(connection, url: url, uid: client.peer.uid) }
    }

    private func run(_ connection: ServiceConnection, url: GatewayURL, uid: UInt32) async {
        let request = connection.request
        let options: ConnectOptions
        do { options = try makeOptions(request, url: url, connection: connection, uid: uid) } catch {
            finish(connection, outcome: "failed (exit 2): \(error)", failed: true, exitCode: 2)
            return
        }
        let engine = ConnectionEngine(options: options, frontEnd: ServiceFrontEnd(connection: connection))
        connection.setEngine(engine)
        let pump = Task { for await event in engine.events { connection.record(event) } }
        var settings = request.settings
        settings.runtimeDirectory = configuration.runtimeDirectory
        if uid != 0 { settings.script = configuration.defaultScript }
        let outcome: String
        let failed: Bool
        var exitCode: Int32 = 0
        do {
            let session: AuthenticatedSession
            if let cookie = request.cookie {
                session = AuthenticatedSession(url: url, result: AuthResult(cookie: Secret(cookie)), certificate: nil,
                                               remoteAddress: url.host)
            } else {
                session = try await engine.authenticate()
            }
            let end = try await engine.runTunnel(session, settings: settings)
            outcome = end.clean ? "disconnected: \(end.reason)" : "ended: \(end.reason)"
            failed = !end.clean
            if failed { exitCode = 1 }
        } catch {
            outcome = "failed (exit \(error.exitCode)): \(error.summary)"
            failed = true
            exitCode = error.exitCode
            connection.record(.error(code: error.exitCode, message: error.description))
        }
        await engine.finish()
        await pump.value
        finish(connection, outcome: outcome, failed: failed, exitCode: exitCode)
    }

    private func finish(_ connection: ServiceConnection, outcome: String, failed: Bool, exitCode: Int32) {
        configuration.logger.info("\(connection.name): \(outcome)")
        connections.withLock { all in
            if all[connection.name] === connection { all[connection.name] = nil }
        }
        connection.end(outcome: outcome, failed: failed, exitCode: exitCode)
        let status = connection.status
        ended.withLock { list in
            list.append(status)
            if list.count > Self.maxEnded { list.removeFirst(list.count - Self.maxEnded) }
        }
    }

    private func makeOptions(_ request: ConnectRequest, url: GatewayURL, connection: ServiceConnection,
                             uid: UInt32) throws -> ConnectOptions {
        func place(_ file: FileContents?, _ role: String) throws -> String? {
            guard let file else { return nil }
            guard let directory = connection.filesDirectory else {
                throw ServiceError.rejected("the service could not make a private directory for this connection's files")
            }
            return try ServiceFiles.write(file, into: directory, as: role)
        }
        var tls = TLSConfiguration(caFile: try place(request.caFile, "ca"))
        tls.allowInsecureCrypto = request.allowInsecureCrypto
        var options = ConnectOptions(url: url, group: request.group, userAgent: request.userAgent, tls: tls,
                                     serverPins: request.serverPins, gatewayName: request.gatewayName,
                                     store: RemoteSessionStore(connection: connection))
        options.groupIsSavedValue = request.groupIsSavedValue
        if let identity = request.reportedIdentity { options.reportedIdentity = identity }
        options.clientCertificate = try place(request.clientCertificate, "certificate")
        options.clientKey = try place(request.clientKey, "key")
        options.clientKeyPassword = request.clientKeyPassword.map(Secret.init)
        options.authTimeoutSeconds = request.authTimeoutSeconds
        options.ssoHeadless = request.ssoHeadless
        // Root never starts a browser for a user: the front end opens external logins itself.
        options.embeddedBrowserAllowed = uid == 0
        options.logger = configuration.makeLogger(connection.name, request.verbose)
        return options
    }
}
