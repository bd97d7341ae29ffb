import Foundation
import GatewayProtocol
import SecureChannel

/// Owns one connection's lifecycle: the phases in order, the prompts to its front end, and the events out
/// (DESIGN.md §2). Front ends read `events` and implement `FrontEnd`.
public actor ConnectionEngine {
    public nonisolated let events: AsyncStream<EngineEvent>
    let continuation: AsyncStream<EngineEvent>.Continuation
    let options: ConnectOptions
    let frontEnd: any FrontEnd
    let clock = ContinuousClock()
    var phases = PhaseTimer()
    /// Pins accepted for this attempt ("once" or "always"): later sessions of the same attempt ask no more.
    var acceptedPins: Set<String> = []
    /// A certificate of this attempt was accepted "once": nothing the gateway says is saved (profile entries,
    /// group aliases, default group), or a gateway trusted for a moment could plant them (issue 13, item 1).
    var acceptedOnce = false
    /// The authentication connection (HTTP keep-alive across the auth steps).
    var channel: TLSClient?
    var channelUses = 0
    var lastReport: CertificateReport?
    /// The trust store, loaded once per attempt and shared by its TLS connections.
    var anchors: TrustAnchors?
    /// The client identity, loaded (and its passphrase asked) once per attempt.
    var identity: ClientIdentity?
    /// This login's STRAP keys (issue 11): the external-browser SSO token is encrypted to them, and CONNECT
    /// proves it comes from the same client. Nil when OpenSSL could not make them (then no external mode).
    var strapKeys: STRAPKeys?
    /// The running data plane, while a tunnel is up.
    var dataPlane: DataPlane?
    /// A stop asked for before the data plane started (or between two of them).
    var pendingStop: DataPlane.StopMode?
    /// A tun device exists: a stop must go through the teardown, not exit the process.
    var tunnelActive = false
    /// The tun's MTU as the last data plane left it.
    var knownTunMTU: Int?
    /// The group to log in to again after a refused cookie: the one chosen the first time.
    var preferredGroup: String?
    /// The `--allow-insecure-crypto` warning went out for this attempt.
    var warnedInsecureCrypto = false
    /// The question open at the front end, if any: a stop answers it with "no" (issue 13, item 13).
    var openPrompt: PromptCancel?
    /// Where TLS connections go: the configured gateway, or the cluster member the login moved to.
    var gateway: GatewayURL
    /// The gateway's address, resolved once and held for the session (issue 14, item 2): the download, CONNECT and
    /// every reconnect go there, so a reconnect under a full tunnel whose DNS died with it still finds the gateway.
    var heldAddress: HeldAddress?
    /// `X-CSTP-DynDNS: true` from the last CONNECT: reconnects resolve the name again (openconnect ssl.c).
    var gatewayDynDNS = false
    /// The namespace's routes and resolv.conf before the vpnc-script's `connect` (issue 14, item 5).
    var networkBefore: NetworkSnapshot?
    /// The user's overrides for this session's tunnel (TunnelSettings.overrides).
    var networkOverrides = NetworkOverrides()
    /// A stop asked for while the engine waits on the gateway outside the data plane.
    nonisolated let cancellation = CancellationFlag()

    public init(options: ConnectOptions, frontEnd: any FrontEnd) {
        self.options = options
        self.frontEnd = frontEnd
        self.gateway = options.url
        (events, continuation) = AsyncStream.makeStream(of: EngineEvent.self, bufferingPolicy: .unbounded)
    }

    /// Ends the event stream; call once the front end needs no more events.
    public func finish() {
        channel?.close()
        channel = nil
        continuation.finish()
    }

    // MARK: - Phases 1-3

    /// TLS, group selection and user authentication: the `webvpn` cookie, or a typed error.
    public func authenticate() async throws(EngineError) -> AuthenticatedSession {
        // The STRAP keys are made beside the TLS handshake; the thread ends before this call does.
        let strapAhead = strapKeys == nil ? STRAPKeysAhead() : nil
        defer { strapAhead?.join() }
        do {
            return try await runAuthentication(strapAhead: strapAhead)
        } catch {
            if let phase = phases.current {
                emitPhase(phase, .failed, detail: [("reason", .string(error.summary))])
            }
            emit(.error(code: error.exitCode, message: error.description))
            channel?.close()
            channel = nil
            throw error
        }
    }

    private func runAuthentication(strapAhead: STRAPKeysAhead?) async throws(EngineError) -> AuthenticatedSession {
        warnIfInsecureCrypto()
        startPhase(.tls)
        try await loadIdentity()
        var client = try await openChannel()
        if identity == nil, !client.requestedCANames.isEmpty,
           let path = try await ask({ [frontEnd, names = client.requestedCANames] in await frontEnd.chooseIdentity(caNames: names) }) ?? nil {
            // Chosen at the prompt: a new TLS session that presents it.
            try await loadIdentity(certificate: path, key: Self.keyFile(beside: path))
            client.close()
            channel = nil
            client = try await openChannel()
        }
        var tlsDetail: [(String, EventValue)] = [
            ("protocol", .string(client.protocolVersion)), ("cipher", .string(client.cipher)),
            ("address", .string(client.remoteAddress)), ("port", .int(client.port)),
        ]
        if !client.requestedCANames.isEmpty {
            tlsDetail.append(("client_ca_names", .list(client.requestedCANames.map(EventValue.string))))
        }
        if let identity {
            tlsDetail.append(("client_certificate", .string(identity.subject)))
            if !identity.chainSubjects.isEmpty {
                tlsDetail.append(("client_chain", .list(identity.chainSubjects.map(EventValue.string))))
            }
        }
        emitPhase(.tls, .done, detail: tlsDetail)

        gateway = options.url
        var configuration = AuthConfiguration(url: options.url, userAgent: options.userAgent,
                                              identity: options.reportedIdentity,
                                              group: preferredGroup ?? options.group)
        configuration.groupIsKnownValue = preferredGroup != nil || options.groupIsSavedValue
        if strapKeys == nil { strapKeys = strapAhead?.take() ?? (try? STRAPKeys()) }
        if let strapKeys {
            // Advertise only what works: external-browser SSO needs the keys (openconnect auth.c).
            configuration.authMethods = ["single-sign-on-v2", "single-sign-on-external-browser"]
            configuration.strapPublicKey = strapKeys.publicKeyHeader
            configuration.strapDHPublicKey = strapKeys.dhPublicKeyHeader
        }
        var flow = AuthFlow(configuration: configuration)
        var certificateRetried = false
        var ssoRounds = 0
        startPhase(.groupSelect)
        var steps: [EventValue] = []
        var lastQuestions: [String] = []
        var action = flow.start()
        while true {
            switch action {
            case .send(let request):
                try await follow(flow.currentURL)
                // A login reply may be held for a push approval; the init and the group re-POSTs may not.
                let patient = request.method == "POST" && phases.current == .userAuth
                let response = try await exchange(request, firstByteTimeout: patient ? options.authTimeoutSeconds : nil)
                action = try step { () throws(AuthFlowError) in try flow.receive(response) }
            case .clientCertificateRequested(let attempt):
                // openconnect auth.c `cstp_obtain_cookie`: with a certificate, retry once on a fresh connection
                // (some ASAs forget the TLS-level request on the first); without one, or if it was already
                // presented, re-POST init with <client-cert-fail/>.
                var presenting = false
                if identity == nil, !certificateRetried,
                   let path = try await ask({ [frontEnd, names = channel?.requestedCANames ?? []] in
                       await frontEnd.chooseIdentity(caNames: names) }) ?? nil {
                    try await loadIdentity(certificate: path, key: Self.keyFile(beside: path))
                }
                if identity != nil && !certificateRetried {
                    certificateRetried = true
                    presenting = true
                    channel?.close()
                    channel = nil
                }
                emit(.log(presenting
                    ? "the gateway asks for a client certificate (request \(attempt)): presenting \(identity?.subject ?? "it") on a new connection"
                    : "the gateway asks for a client certificate (request \(attempt)): "
                        + (identity == nil ? "none is configured (--certificate), going on without one"
                                           : "it was already presented, going on without one")))
                action = try step { () throws(AuthFlowError) in try flow.answerCertificateRequest(presenting: presenting) }
            case .chooseGroup(let choice):
                guard let option = try await ask({ [frontEnd] in await frontEnd.chooseGroup(choice) }) ?? nil else {
                    throw .cancelled("no group chosen")
                }
                action = try step { () throws(AuthFlowError) in try flow.chooseGroup(option) }
            case .groupSettled(let offered, let chosen, let reposts):
                var detail: [(String, EventValue)] = [
                    ("offered", .list(offered.map { .object([("value", .string($0.value)), ("label", .string($0.label))]) })),
                    ("reposts", .int(reposts)),
                ]
                if let chosen {
                    detail.append(("chosen", .object([("value", .string(chosen.value)), ("label", .string(chosen.label))])))
                }
                if flow.legacy { detail.append(("flow", "legacy")) }
                emitPhase(.groupSelect, offered.isEmpty ? .skipped : .done, detail: detail)
                startPhase(.userAuth)
                action = try step { () throws(AuthFlowError) in try flow.next() }
            case .fillForm(let form):
                steps.append(Self.describe(form))
                // ocserv answers a wrong password with the same form again, "Login failed." in its message
                // (protocol.md §1.7): with no further answer, that message is the refusal.
                let repeated = lastQuestions == form.questions.map(\.name)
                lastQuestions = form.questions.map(\.name)
                var ssoAnswer: [String: Secret] = [:]
                var rest = form
                if let sso = form.sso, let field = form.ssoField {
                    // The SSO form again after a token went back: the gateway did not take it.
                    if ssoRounds > 0, let error = form.error { throw .authenticationRefused(error) }
                    ssoRounds += 1
                    guard ssoRounds <= 2 else {
                        throw .authenticationRefused("the gateway asked for single sign-on again after accepting none")
                    }
                    ssoAnswer[field.name] = try await singleSignOn(sso)
                    rest.fields.removeAll { $0.kind == .sso }
                    if rest.questions.isEmpty {
                        action = try step { () throws(AuthFlowError) in try flow.submit(ssoAnswer) }
                        continue
                    }
                }
                let remaining = rest
                guard let typed = try await ask({ [frontEnd] in await frontEnd.fillForm(remaining) }) ?? nil else {
                    if let error = form.error { throw .authenticationRefused(error) }
                    if repeated, let message = form.message { throw .authenticationRefused(message) }
                    let labels = form.questions.map(\.label).joined(separator: ", ")
                    throw .failed(.userAuth, "the gateway asks for \(labels) and no answer was available "
                                  + "(headless: give --user and --passwd-on-stdin, one line per further field)")
                }
                let answers = typed.merging(ssoAnswer) { typed, _ in typed }
                action = try step { () throws(AuthFlowError) in try flow.submit(answers) }
            case .authenticated(let result):
                let report = lastReport!
                if let claimed = result.serverCertHash, !claimed.isEmpty,
                   claimed.lowercased() != report.sha1.lowercased() {
                    // A warning, not a refusal: the real ASA format of server-cert-hash is unconfirmed and
                    // openconnect ignores it (protocol.md §1.9, §6.5); the certificate was already judged.
                    let shown = String(claimed.unicodeScalars.filter { $0.properties.isASCIIHexDigit }.prefix(128))
                    emit(.warning("the gateway's server-cert-hash is not the certificate this connection saw "
                                  + "(a TLS-inspecting proxy, or a gateway behind a load balancer with another certificate)",
                                  detail: [("claimed", .string(shown)), ("seen", .string(report.sha1))]))
                }
                var detail: [(String, EventValue)] = [("steps", .list(steps))]
                if let banner = result.banner { detail.append(("banner", .string(banner))) }
                if !result.profiles.isEmpty {
                    detail.append(("profiles", .list(result.profiles.map { .string($0.uri) })))
                }
                if !result.corePackages.isEmpty {
                    detail.append(("core_packages", .list(result.corePackages.map { .string($0.uri) })))
                }
                emitPhase(.userAuth, .done, detail: detail)
                if let chosen = result.group { preferredGroup = chosen.value }
                if let gateway = options.gatewayName, !result.groupsOffered.isEmpty, !acceptedOnce {
                    updateStore { try $0.saveGroups(gateway: gateway, offered: result.groupsOffered, chosen: result.group) }
                }
                let address = channel?.remoteAddress ?? client.remoteAddress
                // A connection the gateway keeps alive carries the profile download and CONNECT too (openconnect's
                // openconnect_open_https reuses an open https_ssl): one TCP+TLS handshake fewer. One to another
                // gateway than the login's end is of no use.
                if !flow.gatewayURL.sameGateway(as: gateway) {
                    channel?.close()
                    channel = nil
                }
                if !flow.gatewayURL.sameGateway(as: options.url) {
                    emit(.log("the login moved from \(options.url.hostHeader) to \(flow.gatewayURL.hostHeader) "
                              + "(a cluster member); the tunnel goes there"))
                }
                return AuthenticatedSession(url: flow.gatewayURL, result: result, certificate: report,
                                            remoteAddress: address)
            }
        }
    }

    /// Weakened TLS is never silent: one warning per attempt, before the first connection.
    func warnIfInsecureCrypto() {
        guard options.tls.allowInsecureCrypto, !warnedInsecureCrypto else { return }
        warnedInsecureCrypto = true
        emit(.warning(TLSConfiguration.insecureCryptoWarning, detail: []))
    }

    /// Where the key of a chosen certificate file is: in the file itself, or beside it.
    public nonisolated static func keyFile(beside path: String) -> String {
        if let text = try? String(contentsOfFile: path, encoding: .utf8), text.contains("PRIVATE KEY") { return path }
        let base = path.hasSuffix(".pem") ? String(path.dropLast(4)) : path
        for candidate in [base + ".key", base + "-key.pem"] where FileManager.default.isReadableFile(atPath: candidate) {
            return candidate
        }
        return path
    }

    /// Loads `--certificate`/`--key` (or a file chosen at the prompt): PEM (leaf, intermediates, key) or PKCS#12.
    /// A passphrase comes from `--key-password`, or is asked of the front end like a form answer.
    private func loadIdentity(certificate chosen: String? = nil, key chosenKey: String? = nil) async throws(EngineError) {
        guard identity == nil, let certificate = chosen ?? options.clientCertificate else { return }
        let pkcs12 = ClientIdentity.isPKCS12(path: certificate)
        let keyPath = pkcs12 ? certificate : chosenKey ?? options.clientKey ?? Self.keyFile(beside: certificate)
        var passphrase = options.clientKeyPassword
        let locked = pkcs12 ? ClientIdentity.pkcs12NeedsPassword(path: certificate) : ClientIdentity.isKeyEncrypted(path: keyPath)
        if passphrase == nil, locked {
            let name = keyPath.split(separator: "/").last.map(String.init) ?? keyPath
            let message = pkcs12 ? "The certificate file \(name) is protected by a password."
                : "The private key \(name) is encrypted."
            let form = AuthForm(authID: "key-passphrase", message: message,
                                fields: [FormField(kind: .password, name: "passphrase", label: "Passphrase for \(name):")])
            guard let answer = (try await ask({ [frontEnd] in await frontEnd.fillForm(form) }) ?? nil)?["passphrase"] else {
                throw .usage("\(keyPath) is protected by a password and none was given (--key-password, or answer the prompt)")
            }
            passphrase = answer
        }
        do {
            if pkcs12 {
                identity = try ClientIdentity(pkcs12Path: certificate, password: passphrase)
            } else {
                identity = try ClientIdentity(certificatePath: certificate, keyPath: keyPath, passphrase: passphrase)
            }
        } catch {
            throw .usage(error.description)
        }
    }

    /// Runs one step of the flow, mapping its errors to the engine's.
    private func step(_ body: () throws(AuthFlowError) -> AuthAction) throws(EngineError) -> AuthAction {
        do {
            return try body()
        } catch {
            throw Self.map(error, phase: phases.current ?? .userAuth)
        }
    }

    static func map(_ error: AuthFlowError, phase: PhaseID) -> EngineError {
        switch error {
        case .refused(let message): return .authenticationRefused(message)
        case .unknownGroup: return .usage(error.description)
        case .missingAnswer: return .failed(phase, error.description)
        case .badDocument, .badResponse, .unexpectedStatus, .unsupportedRedirect, .tooManyRedirects, .tooManyForms,
             .noCookie, .groupRepostLoop, .notExpected, .certificateRequestLoop:
            return .protocolError(phase, error.description)
        }
    }

    /// A form step for the phase details: what was asked, never what was answered.
    static func describe(_ form: AuthForm) -> EventValue {
        var entry: [(String, EventValue)] = [("id", .string(form.authID))]
        if let message = form.message { entry.append(("message", .string(message))) }
        if let error = form.error { entry.append(("error", .string(error))) }
        entry.append(("fields", .list(form.questions.map {
            .object([("name", .string($0.name)), ("kind", .string($0.kind.rawValue)), ("label", .string($0.label))])
        })))
        return .object(entry)
    }

    /// Puts a question to the front end; a stop asked for meanwhile ends the attempt (`cancelled`), without
    /// waiting for the answer.
    func ask<Answer: Sendable>(_ question: @escaping @Sendable () async -> Answer) async throws(EngineError) -> Answer? {
        if pendingStop != nil { throw .cancelled("stopped while waiting for an answer") }
        let prompt = OpenPrompt<Answer>()
        openPrompt = PromptCancel(cancel: { prompt.resolve(nil) })
        let answer = await prompt.ask(question)
        openPrompt = nil
        if pendingStop != nil { throw .cancelled("stopped while waiting for an answer") }
        return answer
    }

    // MARK: - Events

    func startPhase(_ phase: PhaseID) {
        phases.start(phase, now: clock.now)
        emit(.phase(phase, .started, milliseconds: nil, detail: []))
    }

    func emitPhase(_ phase: PhaseID, _ state: PhaseState, detail: [(String, EventValue)]) {
        let ms = state == .started ? nil : phases.end(phase, now: clock.now)
        emit(.phase(phase, state, milliseconds: ms, detail: detail))
    }

    func emit(_ event: EngineEvent) {
        continuation.yield(event)
    }
}
