import Engine
import Foundation
import GatewayProtocol
import Logging
import Service
import SecureChannel
import Store
import Terminal
import TUI
import Vault

/// The full-screen client: one loop on the main thread reads keys (100 ms at most), drains the mailbox, and
/// redraws when something changed (and once a second for countdowns), so the engine and the data plane never
/// wait for the screen.
final class TUIApp {
    private let store: SwiftgateStore
    private let terminal: CursesTerminal
    private var model: TUIModel
    private let mailbox = UIMailbox()
    /// The connection on screen: run here (root without a service) or in the service.
    private var active: ActiveConnection?
    /// Connections run through the service (issue 15): `q` detaches, a new interface reattaches.
    private let serviceMode: Bool
    /// Names of this user's connections up in the service, for the gateways list.
    private var upInService: Set<String> = []
    /// When the connection attached to at start came up: its replayed `connected` is dated back to it, so the
    /// uptime shown is the connection's, not this interface's.
    private var attachedConnectedAt: Date?
    private var pendingGroup: CheckedContinuation<FormOption?, Never>?
    private var pendingForm: CheckedContinuation<[String: Secret]?, Never>?
    private var pendingTrust: CheckedContinuation<TrustDecision, Never>?
    private var pendingIdentity: CheckedContinuation<String?, Never>?
    private var quitWhenIdle = false
    private let started = Date()
    private let caFile: String?

    private let sso: SSOOptions
    private let passwords = TUISavedPasswords()

    init(store: SwiftgateStore, theme: Theme, caFile: String?, sso: SSOOptions = SSOOptions(), serviceMode: Bool) {
        self.serviceMode = serviceMode
        self.sso = sso
        self.store = store
        self.caFile = caFile
        self.terminal = CursesTerminal(theme: theme)
        self.model = TUIModel(theme: theme)
        model.detachable = serviceMode
        reloadFromStore()
    }

    private var now: Double { Date().timeIntervalSince(started) }

    func run(note: String?) {
        terminal.start()
        defer { terminal.stop() }
        if let note { model.session.note(note, level: .warning, at: now) }
        if serviceMode { attachToRunning() }
        let stopRequested = SignalFlag(signals: [SIGTERM, SIGHUP])
        var dirty = true
        var lastDraw = -1.0
        var lastPoll = 0.0
        while true {
            if let input = terminal.read() {
                dirty = true
                switch input {
                case .resize: break
                case .key(.control("c")):
                    // Raw mode turns Ctrl-C into a key: leave at once, disconnecting cleanly first.
                    act(on: .quit)
                case .key(let key): act(on: model.handle(key, now: now))
                }
            }
            for message in mailbox.drain() {
                dirty = true
                receive(message)
            }
            if stopRequested.isSet && !quitWhenIdle {
                quitWhenIdle = true
                cancelPrompts()  // a dialog open at SIGTERM must not keep the session alive (issue 13, item 13)
                // The terminal went away (SIGHUP) or the interface was told to stop: a connection the service
                // runs stays up for the next interface; one run here is stopped.
                if case .remote(let remote)? = active {
                    remote.detach()
                    active = nil
                } else {
                    active?.stop()
                }
            }
            if quitWhenIdle && active == nil { return }
            let time = now
            if serviceMode && time - lastPoll >= 5 {
                lastPoll = time
                pollService()
            }
            if dirty || time - lastDraw >= 1 {
                let size = terminal.size
                var grid = ScreenGrid(width: size.width, height: size.height)
                model.render(into: &grid, now: time)
                terminal.draw(grid)
                lastDraw = time
                dirty = false
            }
        }
    }

    // MARK: - Outcomes of keys

    private func act(on outcome: TUIOutcome) {
        switch outcome {
        case .none: break
        case .connect(let name): connect(name)
        case .add: model.present(.form(FormDialog(Self.gatewayForm(nil), gateway: nil)))
        case .edit(let name):
            if let gateway = try? store.gateway(named: name) { model.present(.form(FormDialog(Self.gatewayForm(gateway), gateway: name))) }
        case .delete(let name):
            _ = try? store.removeGateway(named: name)
            reloadFromStore()
        case .cleanup:
            // Only sessions whose file nobody holds: a running tunnel (this one too) is never touched.
            let runtime = RuntimeDirectory.resolve()
            let stale = SessionState.stale(in: runtime)
            if stale.isEmpty { model.session.note("nothing to clean up: no session ended without its teardown") }
            for session in stale {
                model.session.note("cleaning up the \(SessionState.describe(session))")
                for line in SessionState.clean(session, directory: runtime) {
                    model.session.note(line, level: line.hasPrefix("still left") ? .warning : .info)
                }
            }
        case .forgetPassword(let name): model.session.note(passwords.forget(name, in: store), at: now)
        case .disconnect:
            active?.stop()
        case .reconnect:
            active?.reconnect()
        case .quit:
            quitWhenIdle = true
            cancelPrompts()
            active?.stop()
        case .detach:
            // q through the service: the connection stays up; a new interface reattaches to it.
            quitWhenIdle = true
            cancelPrompts()
            if case .remote(let remote)? = active { remote.detach() } else { active?.stop() }
            if case .remote? = active { active = nil }
        case .groupChosen(let option):
            pendingGroup?.resume(returning: option)
            pendingGroup = nil
        case .formAnswered(let answers):
            if let form = pendingForm {
                form.resume(returning: answers)
                pendingForm = nil
            } else if let answers {
                saveGateway(answers)
            }
        case .trustDecided(let decision):
            pendingTrust?.resume(returning: decision)
            pendingTrust = nil
        case .identityChosen(let path):
            pendingIdentity?.resume(returning: path)
            pendingIdentity = nil
            if let path, let name = model.session.gateway, var gateway = try? store.gateway(named: name) {
                // Saved with the gateway: the next connection presents it without asking.
                gateway.certificatePath = path
                gateway.keyPath = ConnectionEngine.keyFile(beside: path)
                _ = try? store.saveGateway(gateway)
            }
        }
    }

    /// Answers every open engine question with "no", so an attempt waiting on one ends instead of hanging.
    private func cancelPrompts() {
        pendingGroup?.resume(returning: nil)
        pendingForm?.resume(returning: nil)
        pendingTrust?.resume(returning: .cancel)
        pendingIdentity?.resume(returning: nil)
        pendingIdentity = nil
        pendingGroup = nil
        pendingForm = nil
        pendingTrust = nil
        model.dismissDialog()
    }

    private func receive(_ message: UIMessage) {
        switch message {
        case .event(let event):
            model.apply(event, at: now)
            if case .connected = event, let since = attachedConnectedAt {
                model.session.connectedAt = now - Date().timeIntervalSince(since)
                attachedConnectedAt = nil
            }
        case .group(let choice, let answer):
            pendingGroup = answer
            model.present(.group(GroupPicker(choice)))
        case .form(let form, let answer):
            pendingForm = answer
            var dialog = FormDialog(form, gateway: model.session.gateway)
            dialog.saveRequestKey = passwords.saveRequestKey(for: form)
            model.present(.form(dialog))
        case .trust(let question, let answer):
            pendingTrust = answer
            model.present(.certificate(CertificatePrompt(question, openedAt: now)))
        case .identity(let caNames, let files, let answer):
            pendingIdentity = answer
            model.present(.identity(IdentityPicker(files: files, caNames: caNames)))
        case .upInService(let names, let ended):
            HistoryRepair.finish(ended, in: store)
            if names != upInService || !ended.isEmpty {
                upInService = names
                reloadFromStore()
            }
        case .finished(let outcome, let failed, let connection):
            // A connection left on screen behind a newer one ends quietly: only the one shown is cleared.
            if connection == nil || connection == active?.id {
                model.session.note(outcome, level: failed ? .error : .info, at: now)
                active = nil
            }
            reloadFromStore()
        }
    }

    // MARK: - Connecting

    private func connect(_ name: String) {
        if case .remote(let remote)? = active {
            // Through the service the one on screen stays up; this interface follows the new one.
            remote.detach()
            active = nil
        }
        guard active == nil else {
            model.session.note("already connected: disconnect first (d)", level: .warning, at: now)
            return
        }
        // The same reading as `connect TARGET`: an address is that address, never a saved name (issue 13, item 1).
        let resolved: TargetResolver.Resolved
        do { resolved = try TargetResolver.resolve(name, in: store) } catch {
            model.session.note("\(error)", level: .error, at: now)
            return
        }
        let url = resolved.url
        let gateway = resolved.gateway ?? Gateway(name: TargetResolver.name(for: url), url: url.description)
        if !serviceMode {
            do {
                try ConnectionEngine.checkTunnelPrivilege()
            } catch {
                model.session.note(error.description, level: .error, at: now)
                return
            }
        }
        var options = ConnectOptions(url: url, group: gateway.defaultGroup, tls: TLSConfiguration(caFile: caFile))
        options.gatewayName = resolved.gateway?.name
        options.groupIsSavedValue = gateway.defaultGroup != nil
        sso.apply(to: &options)
        options.clientCertificate = gateway.certificatePath
        options.clientKey = gateway.keyPath
        if let identity = try? ReportedIdentityOptions.identity(version: gateway.versionString, os: gateway.reportedOS,
                                                                hostname: gateway.localHostname,
                                                                systemHostname: ConnectOptions.systemHostname()) {
            options.reportedIdentity = identity
        }
        options.store = SQLiteSessionStore(store: store)
        options.authTimeoutSeconds = AuthTimeout.resolve(flag: nil, store: store, gateway: gateway.name)
        let logFile = LogFileHandler.open(directory: StorePaths.resolve().stateDirectory)
        options.logger = Logger(label: "swiftgate") { _ in LogFileHandler(file: logFile, mirrorToStandardError: false, logLevel: .info) }
        let (frontEnd, savedPasswords) = passwords.frontEnd(wrapping: TUIFrontEnd(mailbox: mailbox, username: gateway.username),
                                                            url: url, user: gateway.username, mailbox: mailbox)
        var settings = TunnelSettings(dtlsMode: gateway.dtlsMode.flatMap(DTLSModePreference.init(rawValue:)) ?? .auto,
                                      runtimeDirectory: RuntimeDirectory.resolve())
        settings.overrides = gateway.networkOverrides
        let history = HistoryWriter(store: store, gateway: resolved.gateway?.name, url: url.description)
        if serviceMode {
            let remote: RemoteConnection
            do {
                var request = try ConnectRequest.make(name: gateway.name, options: options, settings: settings)
                request.historyID = history.id
                let client = try ServiceClient.open(program: "swiftgate tui")
                remote = try RemoteConnection.start(request, client: client, frontEnd: frontEnd,
                                                    store: SQLiteSessionStore(store: store), browserCommand: sso.externalBrowser)
            } catch {
                model.session.note("\(error)", level: .error, at: now)
                history.finish(outcome: "failed (exit 1): \(error)", summary: SessionSummary())
                return
            }
            model.begin(gateway: gateway.name, url: gateway.url, at: now)
            follow(remote, history: history, logger: options.logger, savedPasswords: savedPasswords)
            return
        }
        let engine = ConnectionEngine(options: options, frontEnd: frontEnd)
        active = .local(engine)
        model.begin(gateway: gateway.name, url: gateway.url, at: now)
        let mailbox = self.mailbox
        let logger = options.logger
        Task {
            var summary = SessionSummary()
            let forward = Task {
                for await event in engine.events {
                    mailbox.post(.event(event))
                    logger.info("\(EventFormatter(style: .text).format(event))")
                    summary.observe(event)
                }
                return summary
            }
            let outcome: String
            let failed: Bool
            do {
                let session = try await engine.authenticate()
                await TUISavedPasswords.commit(savedPasswords, mailbox: mailbox)
                let end = try await engine.runTunnel(session, settings: settings)
                outcome = end.clean ? "disconnected: \(end.reason)" : "ended: \(end.reason)"
                failed = !end.clean
            } catch let error as EngineError {
                outcome = "failed (exit \(error.exitCode)): \(error.summary)"
                failed = true
            } catch {
                outcome = "failed: \(error)"
                failed = true
            }
            await engine.finish()
            history.finish(outcome: outcome, summary: await forward.value)
            mailbox.post(.finished(outcome: outcome, failed: failed, connection: nil))
        }
    }

    /// Shows a connection the service runs: its events into the model, its end (or this interface letting go)
    /// as a note. `history` is the record this interface started, if it started the connection.
    private func follow(_ remote: RemoteConnection, history: HistoryWriter?, logger: Logger,
                        savedPasswords: SavedPasswordFrontEnd? = nil) {
        active = .remote(remote)
        upInService.insert(remote.name)
        reloadFromStore()
        let mailbox = self.mailbox
        let id = remote.name
        Task {
            var summary = SessionSummary()
            for await event in remote.events {
                mailbox.post(.event(event))
                if case .phase(.userAuth, .done, _, _) = event { await TUISavedPasswords.commit(savedPasswords, mailbox: mailbox) }
                logger.info("\(EventFormatter(style: .text).format(event))")
                summary.observe(event)
            }
            switch await remote.ended() {
            case let .ended(outcome, failed, _):
                history?.finish(outcome: outcome, summary: summary)
                mailbox.post(.finished(outcome: outcome, failed: failed, connection: id))
            case .detached:
                history?.finish(outcome: HistoryRepair.detachedPrefix + ": still up in the service", summary: summary)
                mailbox.post(.finished(outcome: "\(id) stays up in the service", failed: false, connection: id))
            case .lost(let why):
                history?.finish(outcome: "failed (exit 1): \(why)", summary: summary)
                mailbox.post(.finished(outcome: why, failed: true, connection: id))
            }
        }
    }

    /// Which connections are up in the service, off the interface's thread; the answer comes by the mailbox.
    private func pollService() {
        let mailbox = self.mailbox
        Task.detached {
            guard let client = try? ServiceClient.open(program: "swiftgate tui") else { return }
            defer { client.close() }
            if let (up, ended) = try? client.statusAndEnded() {
                mailbox.post(.upInService(Set(up.map(\.name)), ended: ended))
            }
        }
    }

    /// At start, through the service: this user's connections that are up; the interface attaches to the
    /// newest and shows its phases, channels, counters and log from the start.
    private func attachToRunning() {
        let list: [Service.ConnectionStatus]
        do {
            let client = try ServiceClient.open(program: "swiftgate tui")
            defer { client.close() }
            let answer = try client.statusAndEnded()
            list = answer.up
            HistoryRepair.finish(answer.ended, in: store)
        } catch {
            model.session.note("\(error)", level: .error, at: now)
            return
        }
        upInService = Set(list.map(\.name))
        reloadFromStore()
        guard let newest = list.filter({ $0.state != .ended }).max(by: { $0.startedAt < $1.startedAt }) else { return }
        let saved = try? store.gateway(named: newest.name)
        do {
            let client = try ServiceClient.open(program: "swiftgate tui")
            // A relogin of the attached connection may be answered from the keyring too.
            let inner = TUIFrontEnd(mailbox: mailbox, username: saved?.username)
            let (frontEnd, savedPasswords) = (try? GatewayURL(parsing: newest.url)).map {
                passwords.frontEnd(wrapping: inner, url: $0, user: saved?.username, mailbox: mailbox)
            } ?? (inner, nil)
            let remote = try RemoteConnection.attach(newest.name, client: client, frontEnd: frontEnd,
                                                     store: SQLiteSessionStore(store: store), browserCommand: sso.externalBrowser)
            model.begin(gateway: newest.name, url: newest.url, at: now)
            attachedConnectedAt = newest.connectedAt
            model.session.note("attached to \(newest.name), up in the service" + (list.count > 1 ? " (\(list.count) connections up: 'swiftgate status')" : ""), at: now)
            let logFile = LogFileHandler.open(directory: StorePaths.resolve().stateDirectory)
            follow(remote, history: nil, logger: Logger(label: "swiftgate") { _ in
                LogFileHandler(file: logFile, mirrorToStandardError: false, logLevel: .info)
            }, savedPasswords: savedPasswords)
        } catch {
            model.session.note("\(error)", level: .error, at: now)
        }
    }

    // MARK: - Gateways

    private static func gatewayForm(_ gateway: Gateway?) -> AuthForm {
        AuthForm(authID: "gateway", title: gateway == nil ? "Add a gateway" : "Edit \(gateway!.name)",
                 message: "A name to pick it by, and its address: https://host[:port][/group]. Version, OS and host "
                    + "name are what the gateway is told (blank: \(ReportedIdentity.defaultVersion), linux-64, this "
                    + "system's; OS one of \(ReportedOS.allCases.map(\.rawValue).joined(separator: ", "))).",
                 fields: [
                    FormField(kind: .text, name: "name", label: "Name:", value: gateway?.name ?? ""),
                    FormField(kind: .text, name: "url", label: "URL:", value: gateway?.url ?? "https://"),
                    FormField(kind: .text, name: "group", label: "Group:", value: gateway?.defaultGroup ?? ""),
                    FormField(kind: .text, name: "user", label: "User:", value: gateway?.username ?? ""),
                    // What the gateway is told (ASA DAP rules match on it); blank keeps the default.
                    FormField(kind: .text, name: "version", label: "Version:", value: gateway?.versionString ?? ""),
                    FormField(kind: .text, name: "os", label: "OS:", value: gateway?.reportedOS ?? ""),
                    FormField(kind: .text, name: "hostname", label: "Host name:", value: gateway?.localHostname ?? ""),
                    // The user's split tunnel and DNS (issue 14, item 4), comma-separated; blank: as pushed.
                    FormField(kind: .text, name: "include", label: "Routes in:",
                              value: gateway?.includeRoutes.joined(separator: ", ") ?? ""),
                    FormField(kind: .text, name: "exclude", label: "Routes out:",
                              value: gateway?.excludeRoutes.joined(separator: ", ") ?? ""),
                    FormField(kind: .text, name: "dnsDomains", label: "VPN DNS for:",
                              value: gateway?.vpnDNSDomains.joined(separator: ", ") ?? ""),
                 ])
    }

    private func saveGateway(_ answers: [String: Secret]) {
        let name = answers["name"]?.reveal().trimmingCharacters(in: .whitespaces) ?? ""
        guard !name.isEmpty, let url = try? GatewayURL(parsing: answers["url"]?.reveal() ?? "") else {
            model.session.note("not saved: a gateway needs a name and an https:// URL", level: .error, at: now)
            return
        }
        if let problem = TargetResolver.nameProblem(name, url: url) {
            model.session.note("not saved: \(problem)", level: .error, at: now)
            return
        }
        let group = answers["group"]?.reveal().trimmingCharacters(in: .whitespaces)
        let user = answers["user"]?.reveal().trimmingCharacters(in: .whitespaces)
        func given(_ key: String) -> String? {
            let text = answers[key]?.reveal().trimmingCharacters(in: .whitespaces) ?? ""
            return text.isEmpty ? nil : text
        }
        let identity: ReportedIdentity
        do {
            identity = try ReportedIdentityOptions.identity(version: given("version"), os: given("os"),
                                                            hostname: given("hostname"), systemHostname: nil)
        } catch {
            model.session.note("not saved: \(error)", level: .error, at: now)
            return
        }
        func list(_ key: String) -> [String] {
            (answers[key]?.reveal() ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        let include = list("include"), exclude = list("exclude"), dnsDomains = list("dnsDomains")
        if let problem = (include + exclude).lazy.compactMap(NetworkOverrides.routeProblem).first
            ?? dnsDomains.lazy.compactMap(NetworkOverrides.domainProblem).first {
            model.session.note("not saved: \(problem)", level: .error, at: now)
            return
        }
        var gateway = (try? store.gateway(named: name)) ?? Gateway(name: name, url: url.description)
        gateway.includeRoutes = include
        gateway.excludeRoutes = exclude
        gateway.vpnDNSDomains = dnsDomains
        gateway.url = url.description
        // Edited by the user: theirs now, so no profile replaces it.
        gateway.source = .manual
        gateway.profileOrigin = nil
        gateway.defaultGroup = group?.isEmpty == false ? group : nil
        gateway.username = user?.isEmpty == false ? user : nil
        gateway.versionString = given("version").map { _ in identity.version }
        gateway.reportedOS = given("os").map { _ in identity.os.rawValue }
        gateway.localHostname = given("hostname").map { _ in identity.hostname }
        _ = try? store.saveGateway(gateway)
        reloadFromStore()
    }

    private func reloadFromStore() {
        let gateways = (try? store.gateways()) ?? []
        let history = (try? store.history(limit: 200)) ?? []
        model.gateways.update(gateways.map { gateway in
            let url = try? GatewayURL(parsing: gateway.url)
            let pins = url.flatMap { try? store.trustedPins(for: HostPortKey.make(host: $0.host, port: $0.port)) } ?? []
            let last = history.first { $0.gatewayName == gateway.name }
            var summary = GatewaySummary(
                name: gateway.name, url: gateway.url, host: url?.host ?? gateway.url,
                lastResult: last.map { record in
                    LastResult(record.outcome.hasPrefix("disconnected") || record.outcome == "authenticated" ? .succeeded
                               : record.outcome.hasPrefix("failed") ? .failed : .cancelled,
                               record.outcome, when: record.startedAt.formatted(date: .abbreviated, time: .shortened))
                },
                trust: pins.isEmpty ? .none : pins.contains(where: \.warning) ? .pinnedWithWarning : .pinned,
                aliases: ((try? store.groupAliases(forGateway: gateway.name)) ?? []).map {
                    GatewayAlias(value: $0.value, label: $0.label, isDefault: $0.isDefault)
                },
                defaultGroup: gateway.defaultGroup, pins: pins.map(\.pin), profileOrigin: gateway.profileOrigin,
                source: gateway.source.rawValue)
            summary.isUp = upInService.contains(gateway.name)
            return summary
        })
        model.history.entries = history.map { record in
            HistoryEntry(gateway: record.gatewayName ?? record.url, started: record.startedAt,
                         duration: record.endedAt.map { $0.timeIntervalSince(record.startedAt) }, outcome: record.outcome,
                         succeeded: !record.outcome.hasPrefix("failed"), transport: record.transport?.rawValue,
                         bytesIn: record.bytesIn, bytesOut: record.bytesOut)
        }
    }
}

/// Set when one of the signals arrives (the loop polls it; nothing else runs in the handler).
final class SignalFlag {
    private final class Box: Sendable {
        let value = Mutex(false)
    }

    private let box = Box()
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        var sources: [any DispatchSourceSignal] = []
        let box = self.box
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { box.value.withLock { $0 = true } }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    var isSet: Bool { box.value.withLock { $0 } }
}

import Synchronization

/// The connection on screen: its engine here, or its handle in the service.
enum ActiveConnection {
    case local(ConnectionEngine)
    case remote(RemoteConnection)

    var id: String? {
        if case .remote(let remote) = self { return remote.name }
        return nil
    }

    func stop() {
        switch self {
        case .local(let engine): Task { _ = await engine.requestStop(hangup: false) }
        case .remote(let remote): remote.disconnect()
        }
    }

    func reconnect() {
        switch self {
        case .local(let engine): Task { await engine.requestReconnect() }
        case .remote(let remote): remote.reconnect()
        }
    }
}
