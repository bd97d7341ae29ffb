import GatewayProtocol
import Logging
import SecureChannel

/// Opening TLS to the gateway, deciding trust, and HTTP exchanges over it.
extension ConnectionEngine {
    /// A new TLS session whose certificate is checked and, if invalid, put to the front end. With a client
    /// certificate, the gateway must be trusted before it is presented (issue 13, item 8): a gateway not trusted yet
    /// has its handshake stopped before our certificate goes out, the question is put, and a new handshake presents
    /// it once the answer trusts the gateway. (Verifying inside the handshake, not a first handshake without the
    /// certificate: a gateway that requires one would fail that handshake, and the prompt shows the same report.)
    func openChannel() async throws(EngineError) -> TLSClient {
        let host = options.url.host, port = options.url.port
        var attempts = 0
        while true {
            attempts += 1
            var configuration = options.tls
            configuration.identity = identity
            if identity != nil { configuration.identityTrust = identityTrust() }
            let tls = configuration
            let client: TLSClient
            do {
                if anchors == nil { anchors = try TrustAnchors(configuration: tls) }
                let shared = anchors
                client = try await Blocking.run { () throws(SecureChannelError) -> TLSClient in
                    try TLSClient.connect(host: host, port: port, configuration: tls, anchors: shared)
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

    /// The pins and rule `IdentityTrust` checks during the handshake: the same as `decideTrust` would pass
    /// without asking.
    private func identityTrust() -> IdentityTrust {
        if !options.serverPins.isEmpty { return IdentityTrust(pins: options.serverPins, acceptValid: false) }
        let stored = storedPins("\(options.url.host):\(options.url.port)").map(\.pin)
        return IdentityTrust(pins: stored + acceptedPins.sorted(), acceptValid: stored.isEmpty)
    }

    private func decideTrust(_ report: CertificateReport, close: () -> Void) async throws(EngineError) {
        if !options.serverPins.isEmpty {
            // Explicit pins replace the trust store (openconnect's --servercert implies --no-system-trust).
            guard options.serverPins.contains(where: report.matches(pin:)) else {
                close()
                emit(.certificate(report, trusted: false, decision: "refused"))
                throw .certificateUntrusted(report, why: "it does not match the pin given with --servercert")
            }
            emit(.certificate(report, trusted: report.isValid, decision: "pinned"))
            return
        }
        let hostPort = "\(report.host):\(report.port)"
        let stored = storedPins(hostPort)
        if let match = stored.first(where: { report.matches(pin: $0.pin) }) {
            if report.isValid {
                if match.warning { updateStore { try $0.clearTrustWarning(hostPort: hostPort, pin: match.pin) } }
                emit(.certificate(report, trusted: true, decision: "valid"))
            } else {
                // Accepted before despite its errors: keep saying so until it validates (DESIGN.md §6).
                emit(.certificate(report, trusted: false, decision: "stored-pin"))
            }
            return
        }
        if report.isValid && stored.isEmpty {
            emit(.certificate(report, trusted: true, decision: "valid"))
            return
        }
        if acceptedPins.contains(report.pin) {
            emit(.certificate(report, trusted: report.isValid, decision: "accepted-earlier"))
            return
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
            emit(.certificate(report, trusted: false, decision: "refused"))
            if !stored.isEmpty {
                throw .certificateUntrusted(report, why: "it is not the certificate pinned for \(hostPort) "
                                            + "(pinned: \(stored.map(\.pin).joined(separator: ", ")))")
            }
            throw .certificateUntrusted(report, why: report.reasons.joined(separator: "; "))
        case .once:
            acceptedPins.insert(report.pin)
            emit(.certificate(report, trusted: report.isValid, decision: "once"))
        case .always:
            acceptedPins.insert(report.pin)
            updateStore { try $0.storeTrust(StoredPin(report), hostPort: hostPort) }
            emit(.certificate(report, trusted: report.isValid, decision: "always"))
        }
    }

    private func storedPins(_ hostPort: String) -> [StoredPin] {
        guard let store = options.store else { return [] }
        do {
            return try store.trustedPins(hostPort: hostPort)
        } catch {
            emit(.log("cannot read trusted pins: \(error)"))
            return []
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

    /// One HTTP request and its response on the auth connection. A kept-alive connection the gateway closed
    /// meanwhile is reopened once (with the certificate checked again).
    func exchange(_ request: HTTPRequest) async throws(EngineError) -> HTTPResponse {
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
                let response = try await Blocking.run { () throws(ExchangeError) -> HTTPResponse in
                    try Self.roundTrip(client, request, deadlineSeconds: deadline).response
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

        func engineError(phase: PhaseID) -> EngineError {
            switch self {
            case .channel(let error) where error.isUnreachable: return .unreachable(error.description)
            case .channel(let error): return .protocolError(phase, error.description)
            case .http(let error): return .protocolError(phase, error.description)
            case .closedBeforeResponse: return .protocolError(phase, "the gateway closed the connection without answering")
            }
        }
    }

    /// Sends a request and reads its response; bytes after it (the CSTP stream after CONNECT) come back too.
    static func roundTrip(_ client: TLSClient, _ request: HTTPRequest, deadlineSeconds: Int) throws(ExchangeError)
        -> (response: HTTPResponse, remainder: [UInt8]) {
        var parser = HTTPResponseParser(limits: .standard, requestMethod: request.method)
        var received = 0
        let deadline = ContinuousClock.now + .seconds(deadlineSeconds)
        do {
            try client.write(request.serialized())
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
            if case .closed = error, received == 0 { throw .closedBeforeResponse }
            throw .channel(error)
        } catch let error as HTTPParseError {
            throw .http(error)
        } catch {
            throw .channel(.tls(String(describing: error)))
        }
    }
}
