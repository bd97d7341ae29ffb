import Engine
import Foundation
import GatewayProtocol
import Synchronization

/// One VPN connection the service runs for a user: its engine, the front ends attached to it, the questions
/// waiting for them, and what a newly attached front end is shown. Front ends come and go; the connection
/// stays until its tunnel ends or someone disconnects it.
final class ServiceConnection: Sendable {
    let name: String
    let gatewayKey: String
    let owner: UInt32
    let request: ConnectRequest
    let filesDirectory: String?
    /// How long a question waits when no front end is attached.
    let promptWaitSeconds: Double
    private let ids: IDSource

    private struct State {
        var clients: [Int: ClientLink] = [:]
        var history = EventHistory()
        var prompts: [Int: PendingPrompt] = [:]
        var stores: [Int: StoreWait] = [:]
        var status: ConnectionStatus
        var engine: ConnectionEngine?
        var ended = false
    }

    private let state: Mutex<State>

    init(name: String, gatewayKey: String, owner: UInt32, request: ConnectRequest, filesDirectory: String?,
         promptWaitSeconds: Double, ids: IDSource) {
        self.name = name
        self.gatewayKey = gatewayKey
        self.owner = owner
        self.request = request
        self.filesDirectory = filesDirectory
        self.promptWaitSeconds = promptWaitSeconds
        self.ids = ids
        var status = ConnectionStatus(name: name, url: request.url, ownerUID: owner, state: .connecting, startedAt: Date())
        status.historyID = request.historyID
        state = Mutex(State(status: status))
    }

    func setEngine(_ engine: ConnectionEngine) { state.withLock { $0.engine = engine } }
    var engine: ConnectionEngine? { state.withLock { $0.engine } }

    var status: ConnectionStatus {
        state.withLock { state in
            var status = state.status
            status.attached = state.clients.count
            status.waitingFor = state.prompts.values.first.map { Self.describe($0.prompt) }
            return status
        }
    }

    // MARK: - Front ends

    /// Attaches a front end: it gets the connection's story so far, then every question still open.
    func attach(_ client: ClientLink) {
        let (replay, prompts, status) = state.withLock { state -> ([EngineEvent], [(Int, Prompt)], ConnectionStatus) in
            state.clients[client.id] = client
            var status = state.status
            status.attached = state.clients.count
            return (state.history.replay, state.prompts.map { ($0.key, $0.value.prompt) }.sorted { $0.0 < $1.0 }, status)
        }
        client.send(.attached(name: name, status: status))
        for event in replay { client.send(.event(name: name, event)) }
        for (id, prompt) in prompts { client.send(.prompt(name: name, id: id, prompt)) }
    }

    func detach(_ clientID: Int) {
        let orphaned = state.withLock { state -> [Int] in
            state.clients[clientID] = nil
            return state.clients.isEmpty ? Array(state.prompts.keys) : []
        }
        for id in orphaned { startNoFrontEndTimer(id) }
    }

    func isAttached(_ clientID: Int) -> Bool { state.withLock { $0.clients[clientID] != nil } }

    private func broadcast(_ message: ServiceMessage) {
        for client in state.withLock({ Array($0.clients.values) }) { client.send(message) }
    }

    // MARK: - Events

    func record(_ event: EngineEvent) {
        state.withLock { state in
            state.history.record(event)
            Self.update(&state.status, with: event)
        }
        broadcast(.event(name: name, event))
    }

    static func update(_ status: inout ConnectionStatus, with event: EngineEvent) {
        switch event {
        case .phase(let phase, let phaseState, _, _):
            status.phase = phase
            if phaseState == .started && status.state == .connected && phase == .cstp { status.state = .reconnecting }
        case .tunnel(let info):
            status.tunnel = info
        case .channel(let info):
            status.channels.removeAll { $0.channel == info.channel }
            status.channels.append(info)
            if info.channel == .dtls && info.state == .up { status.transport = .dtls }
            if info.channel == .tls && info.state == .reconnecting { status.state = .reconnecting }
        case .connected(let transport):
            status.transport = transport
            status.state = .connected
            if status.connectedAt == nil { status.connectedAt = Date() }
        case .reconnected:
            status.state = .connected
        case .stats(let stats):
            // Per channel; the totals are what the status shows.
            status.perChannel[stats.channel] = stats
            status.bytesIn = status.perChannel.values.reduce(0) { $0 + $1.bytesIn }
            status.bytesOut = status.perChannel.values.reduce(0) { $0 + $1.bytesOut }
            status.packetsIn = status.perChannel.values.reduce(0) { $0 + $1.packetsIn }
            status.packetsOut = status.perChannel.values.reduce(0) { $0 + $1.packetsOut }
        case .disconnected:
            status.state = .disconnecting
        default:
            break
        }
    }

    func end(outcome: String, failed: Bool, exitCode: Int32) {
        let (prompts, stores) = state.withLock { state -> ([PendingPrompt], [StoreWait]) in
            state.ended = true
            state.status.state = .ended
            state.status.outcome = outcome
            state.status.endedAt = Date()
            defer { state.prompts.removeAll(); state.stores.removeAll() }
            return (Array(state.prompts.values), Array(state.stores.values))
        }
        for prompt in prompts { prompt.continuation.resume(returning: nil) }
        for store in stores { store.resolve(.failed("the connection ended")) }
        broadcast(.ended(name: name, outcome: outcome, failed: failed, exitCode: exitCode))
        state.withLock { $0.clients.removeAll() }
        if let filesDirectory { try? FileManager.default.removeItem(atPath: filesDirectory) }
    }

    // MARK: - Questions

    /// Puts a question to the attached front ends; the first answer wins. With none attached, it waits
    /// `promptWaitSeconds` for one to attach, then gives up and says why.
    func ask(_ prompt: Prompt) async -> PromptAnswer? {
        await withCheckedContinuation { (continuation: CheckedContinuation<PromptAnswer?, Never>) in
            let id = ids.next()
            let (clients, ended) = state.withLock { state -> ([ClientLink], Bool) in
                if state.ended { return ([], true) }
                state.prompts[id] = PendingPrompt(prompt: prompt, continuation: continuation)
                return (Array(state.clients.values), false)
            }
            if ended { continuation.resume(returning: nil); return }
            for client in clients { client.send(.prompt(name: name, id: id, prompt)) }
            if clients.isEmpty { startNoFrontEndTimer(id) }
        }
    }

    /// An answer from a front end of this connection; false if the question is not open (answered already).
    @discardableResult
    func answer(_ id: Int, _ answer: PromptAnswer, from clientID: Int) -> Bool {
        let pending = state.withLock { state -> PendingPrompt? in
            guard state.clients[clientID] != nil else { return nil }
            return state.prompts.removeValue(forKey: id)
        }
        guard let pending else { return false }
        pending.continuation.resume(returning: answer)
        broadcast(.promptClosed(id: id))
        return true
    }

    func hasPrompt(_ id: Int) -> Bool { state.withLock { $0.prompts[id] != nil } }

    private func startNoFrontEndTimer(_ id: Int) {
        let seconds = promptWaitSeconds
        Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            self?.giveUpIfUnattended(id)
        }
    }

    private func giveUpIfUnattended(_ id: Int) {
        let pending = state.withLock { state -> PendingPrompt? in
            guard state.clients.isEmpty else { return nil }
            return state.prompts.removeValue(forKey: id)
        }
        guard let pending else { return }
        record(.warning("no front end attached to answer \(Self.describe(pending.prompt)) within \(Int(promptWaitSeconds)) s: "
                        + "attach one with 'swiftgate attach \(name)' (or the interface) next time",
                        detail: [("question", .string(Self.describe(pending.prompt)))]))
        pending.continuation.resume(returning: nil)
    }

    static func describe(_ prompt: Prompt) -> String {
        switch prompt {
        case .group: return "the group choice"
        case .form(let form): return form.sso != nil ? "the single sign-on" : "the login form"
        case .trust: return "the certificate question"
        case .identity: return "the client certificate choice"
        case .openBrowser: return "the browser login"
        }
    }

    // MARK: - The user's database

    /// A store call answered by an attached front end of the owner (the user's own database); nil when none is
    /// attached or it does not answer in time.
    func store(_ request: StoreRequest, timeoutSeconds: Double = 10) -> StoreReply? {
        let id = ids.next()
        let wait = StoreWait()
        let client = state.withLock { state -> ClientLink? in
            guard let client = state.clients.values.filter({ $0.peer.uid == owner }).min(by: { $0.id < $1.id }) else { return nil }
            state.stores[id] = wait
            return client
        }
        guard let client else { return nil }
        client.send(.store(name: name, id: id, request))
        let reply = wait.wait(seconds: timeoutSeconds)
        state.withLock { _ = $0.stores.removeValue(forKey: id) }
        return reply
    }

    @discardableResult
    func storeReply(_ id: Int, _ reply: StoreReply) -> Bool {
        guard let wait = state.withLock({ $0.stores[id] }) else { return false }
        wait.resolve(reply)
        return true
    }
}

/// Ids for questions and store calls, unique across the service, so an answer finds its connection.
final class IDSource: Sendable {
    private let value = Atomic(0)
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}
