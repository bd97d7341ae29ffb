import Engine
import Foundation
import GatewayProtocol
import Synchronization

/// A connection the service runs, seen from a front end: its events as a stream (like the engine's), its
/// questions answered by the front end's `FrontEnd`, its store calls answered from the user's database.
public final class RemoteConnection: Sendable {
    public let name: String
    public let events: AsyncStream<EngineEvent>
    /// The connection's state when this front end attached.
    public let initialStatus: ConnectionStatus?
    private let continuation: AsyncStream<EngineEvent>.Continuation
    private let client: ServiceClient
    private let frontEnd: any FrontEnd
    private let store: (any SessionStore)?
    private let browserCommand: String?
    private let ending = Mutex<RemoteEnding?>(nil)
    private let waiters = Mutex<[CheckedContinuation<RemoteEnding, Never>]>([])
    private let detaching = Atomic(false)

    private init(name: String, status: ConnectionStatus?, client: ServiceClient, frontEnd: any FrontEnd,
                 store: (any SessionStore)?, browserCommand: String?) {
        self.name = name
        self.initialStatus = status
        self.client = client
        self.frontEnd = frontEnd
        self.store = store
        self.browserCommand = browserCommand
        (events, continuation) = AsyncStream.makeStream(of: EngineEvent.self, bufferingPolicy: .bufferingNewest(4096))
    }

    /// Asks the service to bring a connection up; the gateway's questions go to `frontEnd`.
    public static func start(_ request: ConnectRequest, client: ServiceClient, frontEnd: any FrontEnd,
                             store: (any SessionStore)?, browserCommand: String? = nil) throws(ServiceError) -> RemoteConnection {
        let name = try client.request(.connect(request)) { if case .accepted(let name) = $0 { return name } else { return nil } }
        let connection = RemoteConnection(name: name, status: nil, client: client, frontEnd: frontEnd, store: store,
                                          browserCommand: browserCommand)
        connection.startReading()
        return connection
    }

    /// Attaches to a running connection: its story so far arrives first on `events`.
    public static func attach(_ name: String, client: ServiceClient, frontEnd: any FrontEnd,
                              store: (any SessionStore)?, browserCommand: String? = nil) throws(ServiceError) -> RemoteConnection {
        let status = try client.request(.attach(name: name)) { message -> ConnectionStatus? in
            if case .attached(let attached, let status) = message, attached == name { return status }
            return nil
        }
        let connection = RemoteConnection(name: name, status: status, client: client, frontEnd: frontEnd, store: store,
                                          browserCommand: browserCommand)
        connection.startReading()
        return connection
    }

    public func disconnect() { try? client.send(.disconnect(name: name)) }

    public func reconnect() { try? client.send(.reconnect(name: name)) }

    /// Lets go of the connection (it stays up in the service) and closes this front end's socket.
    public func detach() {
        detaching.store(true, ordering: .releasing)
        try? client.send(.detach(name: name))
        client.close()
    }

    /// Waits for the end of the connection (or of this front end's part in it).
    public func ended() async -> RemoteEnding {
        await withCheckedContinuation { waiter in
            let done = ending.withLock { $0 }
            if let done { waiter.resume(returning: done); return }
            waiters.withLock { $0.append(waiter) }
            // Closed between the two looks: resolve now.
            if let done = ending.withLock({ $0 }) { resumeWaiters(done) }
        }
    }

    private func finish(_ value: RemoteEnding) {
        let first = ending.withLock { current -> Bool in
            guard current == nil else { return false }
            current = value
            return true
        }
        guard first else { return }
        continuation.finish()
        resumeWaiters(value)
    }

    private func resumeWaiters(_ value: RemoteEnding) {
        for waiter in waiters.withLock({ list -> [CheckedContinuation<RemoteEnding, Never>] in
            defer { list.removeAll() }
            return list
        }) { waiter.resume(returning: value) }
    }

    private func startReading() {
        Thread.detachNewThread { [self] in
            do {
                while let message = try client.next() {
                    if handle(message) { return }
                }
                finish(detaching.load(ordering: .acquiring) ? .detached : .lost("the service closed the connection"))
            } catch {
                finish(detaching.load(ordering: .acquiring) ? .detached : .lost("\(error)"))
            }
        }
    }

    /// True when the connection is over for this front end.
    private func handle(_ message: ServiceMessage) -> Bool {
        switch message {
        case .event(let from, let event) where from == name:
            continuation.yield(event)
        case .prompt(let from, let id, let prompt) where from == name:
            let frontEnd = self.frontEnd
            let client = self.client
            let browserCommand = self.browserCommand
            Task {
                let answer = await Self.answer(prompt, frontEnd: frontEnd, browserCommand: browserCommand)
                try? client.send(.answer(id: id, answer))
            }
        case .store(let from, let id, let request) where from == name:
            let reply = Self.apply(request, to: store)
            try? client.send(.storeReply(id: id, reply))
        case .ended(let from, let outcome, let failed, let exitCode) where from == name:
            finish(.ended(outcome: outcome, failed: failed, exitCode: exitCode))
            client.close()
            return true
        default:
            break
        }
        return false
    }

    static func answer(_ prompt: Prompt, frontEnd: any FrontEnd, browserCommand: String?) async -> PromptAnswer {
        switch prompt {
        case .group(let choice):
            return .group(await frontEnd.chooseGroup(choice))
        case .form(let form):
            return .form(await frontEnd.fillForm(form)?.mapValues { $0.reveal() })
        case .trust(let question):
            return .trust(await frontEnd.decideTrust(question))
        case .identity(let caNames):
            guard let path = await frontEnd.chooseIdentity(caNames: caNames), var file = FileContents.read(path) else {
                return .identity(nil)
            }
            // The key beside a certificate travels in the same PEM (the engine reads "certificate and key together").
            let keyPath = ConnectionEngine.keyFile(beside: path)
            if keyPath != path, let key = FileManager.default.contents(atPath: keyPath) {
                file.bytes.append(contentsOf: Array("\n".utf8))
                file.bytes.append(key)
            }
            return .identity(file)
        case .openBrowser(let url):
            if let opening = await frontEnd.openLoginURL(url) {
                return .openBrowser(opened: opening.browser, problem: opening.problem)
            }
            // As the user, in the user's session: the browser the person would have started.
            do {
                try BrowserLauncher.open(url, command: browserCommand)
                let environment = ProcessInfo.processInfo.environment
                return .openBrowser(opened: browserCommand ?? environment["BROWSER"].flatMap { $0.isEmpty ? nil : $0 } ?? "xdg-open",
                                    problem: nil)
            } catch {
                return .openBrowser(opened: nil, problem: "\(error.summary): open the URL yourself")
            }
        }
    }

    static func apply(_ request: StoreRequest, to store: (any SessionStore)?) -> StoreReply {
        guard let store else { return .failed("this front end has no database") }
        do {
            switch request {
            case .trustedPins(let hostPort): return .pins(try store.trustedPins(hostPort: hostPort))
            case .storeTrust(let pin, let hostPort): try store.storeTrust(pin, hostPort: hostPort)
            case .clearTrustWarning(let hostPort, let pin): try store.clearTrustWarning(hostPort: hostPort, pin: pin)
            case .forgetTrust(let hostPort): try store.forgetTrust(hostPort: hostPort)
            case .profileSHA1(let hostPort): return .sha1(try store.profileSHA1(hostPort: hostPort))
            case let .saveProfile(hostPort, uri, sha1, xml, hosts):
                return .changes(try store.saveProfile(hostPort: hostPort, uri: uri, sha1: sha1, xml: xml, hosts: hosts))
            case let .saveGroups(gateway, offered, chosen): try store.saveGroups(gateway: gateway, offered: offered, chosen: chosen)
            }
            return .done
        } catch {
            return .failed("\(error)")
        }
    }
}
