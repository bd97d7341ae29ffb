import ArgumentParser
import Engine
import Foundation
import GatewayProtocol
import Logging
import SecureChannel
import Service
import Store

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect to a gateway without the full-screen interface.",
        discussion: "TARGET is https://host[:port][/group-path]."
    )

    @Argument(help: "The gateway: https://host[:port][/group-path].")
    var target: String

    @Option(help: "Group to select: an option's value or its label.")
    var group: String?

    @Option(help: "User name for the login form.")
    var user: String?

    @Flag(name: .customLong("passwd-on-stdin"), help: "Read the password, then answers to later form fields, from stdin (one per line).")
    var passwordOnStdin = false

    @Flag(name: .customLong("save-password"),
          help: "Save the password typed for this login in the Secret Service once the login succeeds (later connects use it).")
    var savePassword = false

    @Option(help: "Extra trust anchors (PEM file).")
    var cafile: String?

    @Option(name: .customLong("servercert"), help: ArgumentHelp(
        "Accept only the certificate with this pin; repeatable.",
        discussion: "pin-sha256:BASE64, sha256:HEX or sha1:HEX of its public key, or the SHA-1 of the certificate "
            + "in hex (as openconnect takes them; hex in any case, colons between pairs allowed). Always the whole value."))
    var serverCerts: [String] = []

    @Flag(name: .customLong("allow-insecure-crypto"),
          help: "For old headends only: allow TLS 1.0/1.1, 3DES, SHA-1 signatures and legacy renegotiation (warned).")
    var allowInsecureCrypto = false

    @Option(help: ArgumentHelp("Client certificate, sent when the gateway asks for one: PEM or PKCS#12 (.p12/.pfx).",
                               discussion: "A PEM file may hold the intermediates after the certificate (and the key); "
                                   + "they are sent as the chain."))
    var certificate: String?

    @Option(help: "Private key of --certificate (PEM); an encrypted key's passphrase is read like a form answer.")
    var key: String?

    @Option(name: .customLong("key-password"),
            help: "Passphrase of the key or of the PKCS#12 file (visible to other local users in ps: prefer the prompt).")
    var keyPassword: String?

    @Flag(name: .customLong("cookie-on-stdin"), help: "Skip the login: read a webvpn cookie (from --authenticate) from stdin.")
    var cookieOnStdin = false

    @Flag(help: "Stop after authentication and print COOKIE=, HOST=, CONNECT_URL= and FINGERPRINT= (shell-quoted).")
    var authenticate = false

    @Option(help: "Event stream on stdout: json or text.")
    var events: EventsMode?

    @Flag(name: .customLong("non-interactive"), help: "Never prompt: fail instead.")
    var nonInteractive = false

    @Flag(help: "Through the service: return once the tunnel carries data, leaving it up (swiftgate status / disconnect).")
    var detach = false

    @Flag(name: .customLong("no-service"), help: "Run the connection in this process (needs root), not in the service.")
    var noService = false

    @Flag(name: .customLong("no-dtls"), help: "Do not offer DTLS: all data over TLS.")
    var noDTLS = false

    @Flag(name: .customLong("disable-ipv6"), help: "Do not ask the gateway for IPv6 inside the tunnel (as openconnect).")
    var disableIPv6 = false

    @Option(name: .customLong("dtls-mode"), help: "DTLS modes to offer: auto, psk, legacy or dtls12.")
    var dtlsMode: DTLSModePreference = .auto

    @Option(name: .customLong("reconnect-timeout"), help: "Seconds to keep trying to bring a lost tunnel back.")
    var reconnectTimeout: Int = 300

    @Option(help: "vpnc-script that configures addresses, routes and DNS.")
    var script: String = "/usr/share/vpnc-scripts/vpnc-script"

    @Option(help: "Name of the tun device (default: the kernel's choice).")
    var interface: String?

    @Option(name: .customLong("script-timeout"), help: "Seconds one run of the vpnc-script may take before it is killed.")
    var scriptTimeout: Double = 30

    @Flag(name: .shortAndLong, help: "Debug logging on stderr too (the log file is under XDG_STATE_HOME/swiftgate).")
    var verbose = false

    @Option(name: .customLong("auth-timeout"),
            help: "Seconds a login step may wait for the gateway (a push approval); default: the profile's AuthenticationTimeout, else 300.")
    var authTimeout: Int?

    @Option(help: "User-Agent (the default contains \"AnyConnect\", which newer Cisco gateways require).")
    var useragent: String = AuthConfiguration.defaultUserAgent

    @OptionGroup var reported: ReportedIdentityOptions

    @OptionGroup var store: StoreOptions

    @OptionGroup var sso: SSOOptions

    /// Before anything is touched (the store, the network): a pin that is not a whole pin is a usage error.
    func validate() throws {
        for pin in serverCerts {
            do { _ = try ServerPin(parsing: pin) } catch {
                throw ValidationError("--servercert \(pin.prefix(80)): \(error)")
            }
        }
        if savePassword && cookieOnStdin {
            throw ValidationError("--save-password: with --cookie-on-stdin there is no login, so no password to save")
        }
        if let authTimeout, !(1...3600).contains(authTimeout) {
            throw ValidationError("--auth-timeout takes 1 to 3600 seconds")
        }
    }

    func run() async throws {
        // Through the service unless only the login is wanted, or root asked to run it here (issue 15).
        var service: ServiceClient?
        if !authenticate && !noService {
            do { service = try ServiceAccess.forConnecting(program: "swiftgate connect") } catch {
                FileManager.default.standardError("swiftgate: \(error)\n")
                throw ExitCode(1)
            }
        }
        if detach && service == nil {
            throw ValidationError("--detach needs the service (swiftgate service); without it the tunnel ends with this process")
        }
        if !authenticate && service == nil {
            // First, before a login is spent: can this process create the tun device? (exit 7 if not)
            do {
                try ConnectionEngine.checkTunnelPrivilege()
            } catch {
                FileManager.default.standardError("swiftgate: " + error.description + "\n")
                throw ExitCode(error.exitCode)
            }
            if !FileManager.default.isExecutableFile(atPath: script) {
                throw ValidationError("--script \(script): not an executable file (install Debian's vpnc-scripts, or name one)")
            }
        }
        let database = try store.open()
        defer { database.checkpoint() }
        // One tunnel session per database and per tun name (issue 13, item 13); the locks go with the process.
        var locks: [SessionLock] = []
        let runtime = RuntimeDirectory.resolve()
        if !authenticate && service == nil {
            do {
                locks = try SessionLocks.take(database: database.path, interface: interface, runtime: runtime)
            } catch {
                FileManager.default.standardError("swiftgate: " + error.description + "\n")
                throw ExitCode(error.exitCode)
            }
            SessionLocks.warnAboutStaleSessions(runtime: runtime)
        }
        defer { withExtendedLifetime(locks) {} }
        let target = try resolveTarget(database)
        let url = target.url
        let caFile = cafile
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("--cafile \(caFile): no readable file there")
        }
        // The gateway's TCP connection opens now, while the options, the log and the trust anchors are made
        // (issue 12, item 4). Not earlier, beside the store: in the lab the gateway's per-connection work then ran
        // on the same two cores as our start-up and cost more than it hid (docs/PERFORMANCE.md).
        let preconnect = service == nil ? TCPPreconnect.start(host: url.host, port: url.port,
                                                              timeoutSeconds: TLSConfiguration().connectTimeoutSeconds) : nil
        var tls = TLSConfiguration(caFile: caFile)
        tls.allowInsecureCrypto = allowInsecureCrypto
        var options = ConnectOptions(url: url, group: group ?? target.gateway?.defaultGroup, userAgent: useragent,
                                     tls: tls, serverPins: serverCerts)
        options.groupIsSavedValue = group == nil && target.gateway?.defaultGroup != nil
        options.clientCertificate = certificate ?? target.gateway?.certificatePath
        options.clientKey = key ?? target.gateway?.keyPath
        options.clientKeyPassword = keyPassword.map(Secret.init)
        // Flags for this connection only; `swiftgate gateways add NAME URL --os …` saves them with the gateway.
        options.reportedIdentity = try reported.identity(saved: target.gateway, systemHostname: ConnectOptions.systemHostname())
        options.gatewayName = target.name
        options.store = SQLiteSessionStore(store: database)
        options.preconnect = preconnect
        sso.apply(to: &options)
        options.authTimeoutSeconds = AuthTimeout.resolve(flag: authTimeout, store: database, gateway: target.name)
        let logFile = LogFileHandler.open(directory: StorePaths.resolve().stateDirectory)
        let level: Logger.Level = verbose ? .debug : .info
        options.logger = Logger(label: "swiftgate") { _ in
            LogFileHandler(file: logFile, mirrorToStandardError: verbose, logLevel: level)
        }
        options.logger.info("connect \(url) (gateway \(target.name ?? "-"))")
        let headless = HeadlessFrontEnd(username: user ?? target.gateway?.username, passwordOnStdin: passwordOnStdin,
                                        nonInteractive: nonInteractive)
        // A saved password answers the login, or the typed one is saved after it (issue 15, item 5).
        let (frontEnd, savedPasswords) = cookieOnStdin ? (headless, nil)
            : SavedPasswords.wrap(headless, url: url, user: user ?? target.gateway?.username, save: savePassword,
                                  typed: passwordOnStdin)
        if let service {
            var settings = tunnelSettings(runtime: runtime)
            if let saved = target.gateway { settings.overrides = saved.networkOverrides }
            var cookie: String?
            if cookieOnStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationError("--cookie-on-stdin: no cookie on stdin")
                }
                cookie = line
            }
            let request: ConnectRequest
            do {
                request = try ConnectRequest.make(name: target.name ?? url.host, options: options, settings: settings,
                                                  cookie: cookie, verbose: verbose)
            } catch {
                throw ValidationError("\(error)")
            }
            let code = await ServiceConnect(client: service, request: request, frontEnd: frontEnd, savedPasswords: savedPasswords,
                                            database: database,
                                            gatewayName: target.name, url: url, events: events, logger: options.logger,
                                            detach: detach, browserCommand: sso.externalBrowser).run()
            if code != 0 { throw ExitCode(code) }
            remember(gateway: target.name, in: database)  // the user name too, for a saved password next time
            return
        }
        let engine = ConnectionEngine(options: options, frontEnd: frontEnd)
        let sink = EventSink(mode: events, logger: options.logger)
        let printer = Task { await sink.drain(engine.events) }
        let signals = SignalHandling(engine: engine)
        defer { signals.cancel() }
        let history = HistoryWriter(store: database, gateway: target.name, url: url.description)

        func finish(_ outcome: String) async -> SessionSummary {
            await engine.finish()
            let summary = await printer.value
            history.finish(outcome: outcome, summary: summary)
            return summary
        }
        func fail(_ error: EngineError) async -> ExitCode {
            _ = await finish("failed (exit \(error.exitCode)): \(error.summary)")
            FileManager.default.standardError("swiftgate: " + error.description + "\n")
            return ExitCode(error.exitCode)
        }

        let session: AuthenticatedSession
        do {
            if cookieOnStdin {
                guard let cookie = readLine(strippingNewline: true), !cookie.isEmpty else {
                    throw EngineError.usage("--cookie-on-stdin: no cookie on stdin")
                }
                session = AuthenticatedSession(url: url, result: AuthResult(cookie: Secret(cookie)), certificate: nil,
                                               remoteAddress: url.host)
            } else {
                session = try await engine.authenticate()
                await SavedPasswords.commit(savedPasswords)
            }
        } catch let error as EngineError {
            throw await fail(error)
        }
        remember(gateway: target.name, in: database)
        guard authenticate else {
            let end: SessionEnd
            do {
                var settings = tunnelSettings(runtime: runtime)
                if let saved = target.gateway { settings.overrides = saved.networkOverrides }
                end = try await engine.runTunnel(session, settings: settings)
            } catch {
                throw await fail(error)
            }
            _ = await finish(end.clean ? "disconnected: \(end.reason)" : "ended: \(end.reason)")
            if !end.clean {
                FileManager.default.standardError("swiftgate: " + end.reason + "\n")
                throw ExitCode(1)
            }
            return
        }
        _ = await finish("authenticated")
        let lines = [
            "COOKIE=" + ShellQuote.quote(session.result.cookie.reveal()),
            "HOST=" + ShellQuote.quote(session.remoteAddress),
            "CONNECT_URL=" + ShellQuote.quote(session.url.description),
            "FINGERPRINT=" + ShellQuote.quote(session.certificate?.pin ?? ""),
        ]
        StandardStreams.out(lines.joined(separator: "\n") + "\n")
    }

    private func tunnelSettings(runtime: String) -> TunnelSettings {
        var settings = TunnelSettings(
            script: script, interface: interface, offerDTLS: !noDTLS, dtlsMode: dtlsMode,
            reconnectTimeoutSeconds: reconnectTimeout, scriptTimeoutSeconds: scriptTimeout, runtimeDirectory: runtime)
        settings.ipv6 = !disableIPv6
        return settings
    }

    /// What this connection was told is remembered for the next (never the password).
    private func remember(gateway name: String?, in database: SwiftgateStore) {
        guard let name, var saved = try? database.gateway(named: name) else { return }
        var changed = false
        if let username = user, saved.username == nil { saved.username = username; changed = true }
        if let certificate, saved.certificatePath != certificate {
            saved.certificatePath = certificate
            saved.keyPath = key
            changed = true
        }
        if changed { _ = try? database.saveGateway(saved) }
    }

    /// TARGET is an address, or a saved gateway's name (`TargetResolver`). An address not saved yet is saved
    /// under itself, so its group aliases have a home (as Cisco's client remembers the hosts typed into it);
    /// never over a name already taken.
    private func resolveTarget(_ database: SwiftgateStore) throws -> (url: GatewayURL, name: String?, gateway: Gateway?) {
        let resolved: TargetResolver.Resolved
        do { resolved = try TargetResolver.resolve(target, in: database) } catch let error as TargetResolver.Failure {
            throw ValidationError(error.description)
        }
        if let saved = resolved.gateway { return (resolved.url, saved.name, saved) }
        let name = TargetResolver.name(for: resolved.url)
        guard try database.gateway(named: name) == nil else { return (resolved.url, nil, nil) }
        let gateway = try database.saveGateway(Gateway(name: name, url: resolved.url.description, source: .manual))
        return (resolved.url, gateway.name, gateway)
    }
}

extension EventsMode: ExpressibleByArgument {}
extension DTLSModePreference: ExpressibleByArgument {}
