import GatewayProtocol
import Logging
import SecureChannel
import Store

/// Opening TLS to the gateway, deciding trust, and HTTP exchanges over it.
extension ConnectionEngine {
    /// A new TLS session whose certificate is checked and, if invalid, put to the front end. With a client
    /// certificate, the gateway must be trusted before it is presented (issue 13, item 8): a gateway not trusted yet
    /// has its handshake stopped before our certificate goes out, the question is put, and a new handshake presents
    /// it once the answer trusts the gateway. (Verifying inside the handshake, not a first handshake without the
    /// certificate: a gateway that requires one would fail that handshake, and the prompt shows the same report.)
    func openChannel() async throws(EngineError) -> TLSClient {
        let host = gateway.host, port = gateway.port
        var attempts = 0
        while true {
            attempts += 1
            var configuration = options.tls
            configuration.identity = identity
            if identity != nil { configuration.identityTrust = identityTrust(host: host, port: port) }
            let tls = configuration
            let client: TLSClient
            do {
                if anchors == nil { anchors = try TrustAnchors(configuration: tls) }
                let shared = anchors
                // The held address, unless the gateway said DynDNS: then the name is resolved again, and the held
                // address is the fallback when that fails (openconnect ssl.c:connect_https_socket).
                let held = heldAddress?.address(host: host, port: port)
                let dynDNS = gatewayDynDNS
                // The session's first connection may already be open (TCPPreconnect): the gateway named on the
                // command line, no address held yet.
                let preconnect = held == nil ? options.preconnect : nil
                client = try await Blocking.run { () throws(SecureChannelError) -> TLSClient in
                    if let early = preconnect?.take(host: host, port: port) {
                        return try TLSClient.connect(host: host, port: port, configuration: tls, anchors: shared,
                                                     connected: try early.get())
                    }
                    if let held, dynDNS {
                        do throws(SecureChannelError) {
                            return try TLSClient.connect(host: host, port: port, configuration: tls, anchors: shared)
                        } catch {
                            guard case .resolve = error else { throw error }
                            return try TLSClient.connect(host: host, port: port, configuration: tls, anchors: shared, address: held)
                        }
                    }
                    return try TLSClient.connect(host: host, port: port, configuration: tls, anchors: shared, address: held)
                }
                if held == nil || gatewayDynDNS {
                    heldAddress = HeldAddress(host: host, port: port, address: client.remoteAddress)
                }
            } catch {
                switch error {
                case .trustAnchors: throw .usage(error.description)
                case .identityWithheld(let report) where attempts == 1:
                    // Decided now, without a connection; trusted, it joins the pins and the next handshake passes.
                    try await decideTrust(report, close: {})
                    lastReport = report
                    continue
                case _ where error.isUnreachable: throw .unreachable(error.description)
                default: throw .protocolError(.tls, error.description)
                }
            }
            if attempts == 1 || !acceptedPins.contains(client.report.pin) {
                try await decideTrust(client.report, close: { client.close() })
            }
            channel = client
            channelUses = 0
            lastReport = client.report
            return client
        }
    }

    /// What `IdentityTrust` checks during the handshake: what `decideTrust` would pass without asking
    /// (`TrustPolicy`), from the pins known now; a pin store that cannot be read trusts nothing.
    private func identityTrust(host: String, port: Int) -> IdentityTrust {
        if !options.serverPins.isEmpty { return IdentityTrust(pins: options.serverPins, acceptValid: false) }
        guard let stored = try? options.store?.trustedPins(hostPort: HostPortKey.make(host: host, port: port)) ?? [] else {
            return IdentityTrust { _ in false }
        }
        let accepted = acceptedPins
        return IdentityTrust { report in
            if case .ask = TrustPolicy.verdict(report: report, stored: stored, acceptedPins: accepted) { return false }
            return true
        }
    }

    private func decideTrust(_ report: CertificateReport, close: () -> Void) async throws(EngineError) {
        if !options.serverPins.isEmpty {
            // Explicit pins replace the trust store (openconnect's --servercert implies --no-system-trust).
            guard options.serverPins.contains(where: report.matches(pin:)) else {
                close()
                emit(.certificate(report, trusted: false, decision: .refused))
                throw .certificateUntrusted(report, why: "it does not match the pin given with --servercert")
            }
            emit(.certificate(report, trusted: report.isValid, decision: .pinned))
            return
        }
        // One spelling per gateway (issue 13, item 10): `VPN.example.com.` shares the pins of `vpn.example.com`.
        let hostPort = HostPortKey.make(host: report.host, port: report.port)
        let stored: [StoredPin]
        do {
            stored = try options.store?.trustedPins(hostPort: hostPort) ?? []
        } catch {
            // Fail closed: without the pins, a valid certificate could pass where a pin should refuse it.
            close()
            emit(.certificate(report, trusted: false, decision: .refused))
            throw .certificateUntrusted(report, why: "the pins saved for \(hostPort) cannot be read (\(error)); "
                                        + "refusing rather than deciding without them. Fix or move the database "
                                        + "(swiftgate trust list), or connect with --servercert")
        }
        switch TrustPolicy.verdict(report: report, stored: stored, acceptedPins: acceptedPins) {
        case .storedPin(let match):
            if report.isValid {
                if match.warning { updateStore { try $0.clearTrustWarning(hostPort: hostPort, pin: match.pin) } }
                emit(.certificate(report, trusted: true, decision: .valid))
            } else {
                // Accepted before despite its errors: keep saying so until it validates (DESIGN.md §6).
                emit(.certificate(report, trusted: false, decision: .storedPin))
            }
            return
        case .valid:
            emit(.certificate(report, trusted: true, decision: .valid))
            return
        case .warningsResolved(let old):
            updateStore { try $0.forgetTrust(hostPort: hostPort) }
            emit(.certificate(report, trusted: true, decision: .warningCleared))
            emit(.log("the certificate of \(hostPort) validates now: the \(old.count) pin(s) accepted despite errors "
                      + "are forgotten and it no longer warns (was: \(old.map(\.pin).joined(separator: ", ")))"))
            return
        case .acceptedEarlier:
            emit(.certificate(report, trusted: report.isValid, decision: .acceptedEarlier))
            return
        case .ask:
            break
        }
        let question = TrustQuestion(report: report, pinnedBefore: stored)
        let decision: TrustDecision
        do {
            decision = try await ask({ [frontEnd] in await frontEnd.decideTrust(question) }) ?? .cancel
        } catch {
            close()
            throw error
        }
        switch decision {
        case .cancel:
            close()
            emit(.certificate(report, trusted: false, decision: .refused))
            if !stored.isEmpty {
                throw .certificateUntrusted(report, why: "it is not the certificate pinned for \(hostPort) "
                                            + "(pinned: \(stored.map(\.pin).joined(separator: ", ")))")
            }
            throw .certificateUntrusted(report, why: report.reasons.joined(separator: "; "))
        case .once:
            acceptedPins.insert(report.pin)
            // A gateway trusted only for now may not leave anything behind (issue 13, item 1).
            acceptedOnce = true
            emit(.certificate(report, trusted: report.isValid, decision: .once))
        case .always:
            acceptedPins.insert(report.pin)
            updateStore { try $0.storeTrust(StoredPin(report), hostPort: hostPort) }
            emit(.certificate(report, trusted: report.isValid, decision: .always))
        }
    }

    /// A store write that must not end the connection: a failure is reported, not thrown.
    func updateStore(_ body: (any SessionStore) throws -> Void) {
        guard let store = options.store else { return }
        do {
            try body(store)
        } catch {
            emit(.log("could not save to the store: \(error)"))
        }
    }

    /// Points the auth connection at `url`'s gateway: a redirect or form action to another host (a cluster
    /// member) means a new TLS session there, with its own trust decision (openconnect http.c `handle_redirect`).
    func follow(_ url: GatewayURL) async throws(EngineError) {
        guard !url.sameGateway(as: gateway) else { return }
        emit(.log("the gateway sent the login to \(url.hostHeader)"))
        channel?.close()
        channel = nil
        gateway = url
    }

    /// One HTTP request and its response on the auth connection. A kept-alive connection the gateway closed
    /// meanwhile is reopened once (with the certificate checked again). With `firstByteTimeout` the gateway may
    /// take that long to start its answer (a push approval), with `waiting` events meanwhile and a stop request
    /// ending the wait.
    func exchange(_ request: HTTPRequest, firstByteTimeout: Int? = nil) async throws(EngineError) -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let client: TLSClient
            if let open = channel { client = open } else { client = try await openChannel() }
            let reused = channelUses > 0
            channelUses += 1
            Self.logRequest(request, to: options.logger)
            do {
                let deadline = options.tls.responseDeadlineSeconds
                let continuation = self.continuation
                let phase = phases.current ?? .userAuth
                let patience = firstByteTimeout.map { timeout in
                    Patience(timeoutSeconds: timeout, ioTimeoutSeconds: options.tls.ioTimeoutSeconds,
                             cancellation: cancellation) { elapsed in
                        continuation.yield(.waiting(phase, elapsed: elapsed, timeout: timeout))
                    }
                }
                let response = try await Blocking.run { () throws(ExchangeError) -> HTTPResponse in
                    try Self.roundTrip(client, request, deadlineSeconds: deadline, patience: patience).response
                }
                Self.logResponse(response, to: options.logger)
                if response.closesConnection {
                    client.close()
                    channel = nil
                }
                return response
            } catch {
                client.close()
                channel = nil
                if case .closedBeforeResponse = error, reused, attempt == 1 { continue }
                if case .cancelled(let why) = error { throw .cancelled(why) }
                throw error.engineError(phase: phases.current ?? .userAuth)
            }
        }
    }

    /// Request line and headers through `HeaderRedaction` (cookies, the DTLS master secret, the post-auth XML and
    /// every header not known to be harmless never show their values); bodies are never logged (credentials).
    static func logRequest(_ request: HTTPRequest, to logger: Logger) {
        guard logger.logLevel <= .debug else { return }
        logger.debug("→ \(request.method) \(HeaderRedaction.path(request.path)) [\(HeaderRedaction.describe(request.headers.fields))] body \(request.body.count) bytes (not logged)")
    }

    static func logResponse(_ response: HTTPResponse, to logger: Logger) {
        guard logger.logLevel <= .debug else { return }
        logger.debug("← \(response.status) \(GatewayText.printable(response.reason)) [\(HeaderRedaction.describe(response.headers.fields))] body \(response.body.count) bytes (not logged)")
    }

    enum ExchangeError: Error {
        case channel(SecureChannelError)
        case http(HTTPParseError)
        case closedBeforeResponse
        case cancelled(String)
        /// The gateway held a login reply longer than the auth timeout: reachable, but no answer.
        case loginTimedOut(Int)

        func engineError(phase: PhaseID) -> EngineError {
            switch self {
            case .channel(let error) where error.isUnreachable: return .unreachable(error.description)
            case .channel(let error): return .protocolError(phase, error.description)
            case .http(let error): return .protocolError(phase, error.description)
            case .closedBeforeResponse: return .protocolError(phase, "the gateway closed the connection without answering")
            case .cancelled(let why): return .cancelled(why)
            case .loginTimedOut(let seconds):
                return .failed(phase, "the gateway did not answer the login within \(seconds) s (was a push approval "
                               + "or a one-time code expected? --auth-timeout gives it longer)")
            }
        }
    }

    /// Sends a request and reads its response; bytes after it (the CSTP stream after CONNECT) come back too.
    static func roundTrip(_ client: TLSClient, _ request: HTTPRequest, deadlineSeconds: Int,
                          patience: Patience? = nil) throws(ExchangeError) -> (response: HTTPResponse, remainder: [UInt8]) {
        var parser = HTTPResponseParser(limits: .standard, requestMethod: request.method)
        var received = 0
        let start = ContinuousClock.now
        var deadline = start + .seconds(deadlineSeconds)
        do {
            try client.write(request.serialized())
            if let patience {
                // Short reads until the first byte, so a stop request is seen within a second.
                try waitForFirstByte(client, patience: patience, since: start)
                deadline = ContinuousClock.now + .seconds(deadlineSeconds)
            }
            while true {
                let bytes = try client.read()
                if bytes.isEmpty {
                    if received == 0 { throw ExchangeError.closedBeforeResponse }
                    return (try parser.finish(), [])
                }
                received += bytes.count
                if let response = try parser.feed(bytes) { return (response, parser.remainder) }
                if ContinuousClock.now > deadline {
                    throw ExchangeError.channel(.timedOut("waiting for a complete reply: the gateway sent \(received) bytes "
                                                          + "in \(deadlineSeconds) s and no end"))
                }
            }
        } catch let error as ExchangeError {
            throw error
        } catch let error as SecureChannelError {
            if case .timedOut = error, received == 0, let patience { throw .loginTimedOut(patience.timeoutSeconds) }
            if case .closed = error, received == 0 { throw .closedBeforeResponse }
            throw .channel(error)
        } catch let error as HTTPParseError {
            throw .http(error)
        } catch {
            throw .channel(.tls(String(describing: error)))
        }
    }
}

/// How long a held login reply may take, and how the wait is reported and cancelled.
struct Patience: Sendable {
    let timeoutSeconds: Int
    let ioTimeoutSeconds: Int
    let cancellation: CancellationFlag
    let onWait: @Sendable (Int) -> Void
}

extension ConnectionEngine {
    /// Polls the connection for the reply's first byte in one-second reads, reporting the wait after 2 s and
    /// then every 5 s, until `patience.timeoutSeconds`; the byte itself stays in OpenSSL's buffer for the reader.
    static func waitForFirstByte(_ client: TLSClient, patience: Patience, since start: ContinuousClock.Instant)
        throws(ExchangeError) {
        TCPConnector.setTimeouts(client.descriptor, seconds: 1)
        defer { TCPConnector.setTimeouts(client.descriptor, seconds: patience.ioTimeoutSeconds) }
        var reported = 0
        while true {
            if let why = patience.cancellation.cancelled { throw .cancelled(why) }
            let elapsed = Int((ContinuousClock.now - start).components.seconds)
            if elapsed >= patience.timeoutSeconds { throw .loginTimedOut(patience.timeoutSeconds) }
            if elapsed >= 2 && (reported == 0 || elapsed - reported >= 5) {
                reported = elapsed
                patience.onWait(elapsed)
            }
            do {
                if try client.waitReadable() { return }
            } catch {
                if case .closed = error { throw .closedBeforeResponse }
                throw .channel(error)
            }
        }
    }
}
