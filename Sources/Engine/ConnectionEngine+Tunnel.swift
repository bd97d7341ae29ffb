import Foundation
import GatewayProtocol
import SecureChannel

/// How a tunnel session ended.
public struct SessionEnd: Sendable, Equatable {
    public var reason: String
    /// A stop the user asked for (SIGINT/SIGTERM/SIGHUP), not a failure.
    public var clean: Bool
}

/// Phases 4-5 and the life of the tunnel: CONNECT, tun device, vpnc-script, data plane, teardown.
extension ConnectionEngine {
    /// Whether this process may create a tun device, checked before a login is spent on it, without creating one:
    /// a throwaway device cost ~20 ms at close (the kernel waits for an RCU grace period to unregister it).
    public nonisolated static func checkTunnelPrivilege() throws(EngineError) {
        do {
            try TunnelPrivilege.check()
        } catch {
            if case .noPrivilege = error { throw .missingPrivilege(error.description) }
            throw .failed(.cstp, error.description)
        }
    }

    /// A kept-alive connection that failed before CONNECT's reply: the gateway closed it meanwhile (idle timeout),
    /// so a new connection is worth one try. A reply that is only slow is not retried.
    static func worthRetryOnNewConnection(_ error: ExchangeError) -> Bool {
        switch error {
        case .closedBeforeResponse: return true
        case .channel(let failure):
            if case .timedOut = failure { return false }
            return true
        case .http, .cancelled, .loginTimedOut: return false
        }
    }

    /// Asks a running tunnel to stop: `hangup` skips the DISCONNECT, so the cookie stays valid. Returns false
    /// when no tunnel is up yet (the caller may simply exit).
    public func requestStop(hangup: Bool) -> Bool {
        let mode: DataPlane.StopMode = hangup ? .hangup : .disconnect
        pendingStop = mode
        // A prompt open now (a password asked again while reconnecting, a trust question) must not hold the stop.
        openPrompt?.cancel()
        openPrompt = nil
        // A login reply the engine is waiting for (a push approval) stops being waited for.
        cancellation.cancel("stopped by the user while waiting for the gateway")
        if let dataPlane {
            dataPlane.stop(mode)
            return true
        }
        return tunnelActive
    }

    /// SIGUSR2: drop the TLS connection and bring the tunnel back with the same cookie (after a network change).
    public func requestReconnect() {
        dataPlane?.stop(.reconnect)
    }

    /// Brings the tunnel up over TLS and runs it until it ends; the tun and the script's changes are undone
    /// on every path out.
    public func runTunnel(_ session: AuthenticatedSession, settings: TunnelSettings) async throws(EngineError) -> SessionEnd {
        warnIfInsecureCrypto()
        gateway = session.url  // the cluster member the login ended on, if it moved
        networkOverrides = settings.overrides
        do {
            return try await tunnel(session, settings: settings)
        } catch {
            if let phase = phases.current {
                emitPhase(phase, .failed, detail: [("reason", .string(error.summary))])
            }
            emit(.error(code: error.exitCode, message: error.description))
            throw error
        }
    }

    /// One CSTP connection: the TLS channel after CONNECT and what the gateway configured on it.
    struct CSTPLink {
        var client: TLSClient
        var configuration: TunnelConfiguration
        var remainder: [UInt8]
        var dtls: DTLSSetup?
        var cstpMTU: Int
        /// The tun's MTU over the session: the DTLS MTU while DTLS is expected, X-CSTP-MTU once it gives up.
        var mtu: TunnelMTUPolicy
        /// The tun MTU while DTLS is expected (the DTLS MTU), or the CSTP MTU without DTLS.
        var tunMTU: Int { mtu.initial }
        var baseMTU: Int
        /// The first DTLS handshake, under way while the tun and scripts are set up (issue 12, item 4).
        var dtlsAhead: DTLSHandshakeAhead?

        /// This connection will not carry a tunnel: its TLS channel and DTLS attempt are closed.
        func abandon() {
            dtlsAhead?.cancel()
            client.close()
        }
    }

    private func tunnel(_ session: AuthenticatedSession, settings: TunnelSettings) async throws(EngineError) -> SessionEnd {
        try await downloadProfile(session)

        startPhase(.cstp)
        var link = try await openCSTP(session, settings: settings, previousAddresses: [])
        emitPhase(.cstp, .done, detail: [
            ("address", .string(link.configuration.ipv4Address ?? link.configuration.ipv6Address ?? "")),
            ("mtu", .int(link.cstpMTU)), ("base_mtu", .int(link.baseMTU)),
            ("dpd", .int(link.configuration.dpd ?? 0)), ("keepalive", .int(link.configuration.keepalive ?? 0)),
            ("rekey", .string(link.configuration.rekeyMethod.map { "\($0) after \(link.configuration.rekeyTime ?? 0) s" } ?? "none")),
            ("server", .string(link.configuration.serverName ?? "")),
            ("dtls", .string(link.dtls?.modeName ?? "none")),
        ])
        if link.dtls == nil {
            startPhase(.dtls)
            emitPhase(.dtls, .skipped, detail: [("reason", .string(settings.offerDTLS ? "the gateway offers no DTLS" : "--no-dtls"))])
        }

        let script = ScriptRunner(path: settings.script, timeoutSeconds: settings.scriptTimeoutSeconds)
        // The network as it was, for the teardown's own check and for a cleanup after a crash (issue 14, item 5).
        networkBefore = NetworkSnapshot.current()
        do {
            try runScript(script, scriptEnvironment("pre-init", link, device: nil), fatal: false)
        } catch {
            link.abandon()
            throw error
        }
        let tun: TunDevice
        do {
            tun = try TunDevice(name: settings.interface)
            try tun.setMTU(link.tunMTU)
        } catch {
            link.abandon()
            if case .noPrivilege = error { throw .missingPrivilege(error.description) }
            throw .failed(.cstp, error.description)
        }
        do {
            try runScript(script, scriptEnvironment("connect", link, device: tun.name), fatal: true)
        } catch {
            _ = try? runScript(script, scriptEnvironment("disconnect", link, device: tun.name), fatal: false)
            tun.close()
            link.abandon()
            throw error
        }
        // What `swiftgate cleanup` needs if this process dies without its teardown (issue 13, item 13); written
        // before `connected`, so the data plane (and its netlink watch) starts right after that event.
        var stateFile: SessionStateFile?
        if let directory = settings.runtimeDirectory {
            do {
                stateFile = try SessionStateFile.create(directory: directory, record: sessionRecord(link, tun: tun, settings: settings))
            } catch {
                emit(.log("no session file for a cleanup after a crash: \(error.description)"))
            }
        }
        emitTunnel(link, tun: tun)
        emit(.connected(transport: .tls))
        knownTunMTU = link.tunMTU
        tunnelActive = true
        defer { tunnelActive = false }

        var current = session
        var outcome: Result<SessionEnd, EngineError>
        var backoff = OutageBackoff()
        var cameBack = false
        while true {
            let upSince = clock.now
            let end = await runDataPlane(link, tun: tun, settings: settings)
            link.client.close()
            guard end.allowsReconnect, pendingStop == nil else {
                outcome = .success(SessionEnd(reason: end.description, clean: end.isClean))
                break
            }
            // A tunnel that died soon after it came back waits longer each time (issue 13, item 12).
            let uptime = clock.now - upSince
            // (A rekey or a SIGUSR2 is planned, not an outage: no backoff. The first outage of a session is retried
            // at once, as a network change must be; only a tunnel that came back and died again waits.)
            let planned = end == .rekeyDue || end == .reconnectRequested
            let firstDelay = planned || !cameBack ? 0 : backoff.delayBeforeReconnect(uptimeSeconds: Double(uptime.components.seconds))
            do {
                guard let next = try await reconnect(after: end, session: current, previous: link, tun: tun,
                                                     script: script, settings: settings, firstDelay: firstDelay) else {
                    outcome = .success(SessionEnd(reason: "disconnected by the user while reconnecting", clean: true))
                    break
                }
                link = next.link
                current = next.session
                cameBack = true
                stateFile?.write(sessionRecord(link, tun: tun, settings: settings))
            } catch {
                outcome = .failure(error)
                break
            }
        }

        _ = try? runScript(script, scriptEnvironment("disconnect", link, device: tun.name), fatal: false)
        tun.close()
        if await checkTeardown(tun: tun.name) {
            stateFile?.remove()
        }  // else the file stays, unlocked once this process ends, so `swiftgate cleanup` finds what is left
        switch outcome {
        case .success(let end):
            emit(.channel(ChannelInfo(channel: .tls, state: .down, reason: end.reason)))
            emit(.disconnected(reason: end.reason))
            return end
        case .failure(let error):
            emit(.disconnected(reason: error.summary))
            throw error
        }
    }

    /// TLS, CONNECT with the cookie, and the gateway's configuration (phase 5).
    private func openCSTP(_ session: AuthenticatedSession, settings: TunnelSettings,
                          previousAddresses: [String]) async throws(EngineError) -> CSTPLink {
        // The login's connection when the gateway kept it alive (openconnect cstp.c: CONNECT goes on the open
        // https_ssl, and an error reading its reply retries once on a new connection).
        let kept = channel
        let client: TLSClient
        if let kept { client = kept } else { client = try await openChannel() }
        channel = nil  // this connection becomes the CSTP channel, not the auth connection
        let mtus = ConnectRequestBuilder.mtus(pathMTU: client.pathMTU, serverIsIPv6: client.isIPv6)
        let masterSecret = settings.offerDTLS ? SecureRandom.bytes(48) : nil
        let builder = ConnectRequestBuilder(
            url: session.url, userAgent: options.userAgent, hostname: options.reportedIdentity.hostname, baseMTU: mtus.base,
            mtu: mtus.mtu, ipv6: settings.ipv6, dtlsMasterSecret: masterSecret, dtlsMode: settings.dtlsMode,
            previousAddresses: previousAddresses)
        var request = builder.request(cookie: session.result.cookie)
        if let strapKeys {
            // STRAP (openconnect cstp.c): the key that logged in signs this TLS channel and a fresh key, which
            // the next CONNECT will sign with; a gateway that checks it knows the tunnel is the login's client.
            do {
                let verify = try strapKeys.verifyHeader(for: client, rekey: true)
                request.headers.add("X-AnyConnect-STRAP-Verify", verify)
                request.headers.add("X-AnyConnect-STRAP-Pubkey", strapKeys.publicKeyHeader)
            } catch {
                emit(.log("no STRAP proof on CONNECT: \(error)"))
            }
        }
        Self.logRequest(request, to: options.logger)
        let exchange: (response: HTTPResponse, remainder: [UInt8])
        let deadline = options.tls.responseDeadlineSeconds
        let connect = request
        do {
            exchange = try await Blocking.run { () throws(ExchangeError) -> (response: HTTPResponse, remainder: [UInt8]) in
                try Self.roundTrip(client, connect, deadlineSeconds: deadline)
            }
        } catch {
            client.close()
            guard kept != nil, Self.worthRetryOnNewConnection(error) else { throw error.engineError(phase: .cstp) }
            emit(.log("the gateway closed the login's connection before CONNECT; opening a new one"))
            return try await openCSTP(session, settings: settings, previousAddresses: previousAddresses)
        }
        let response = exchange.response
        Self.logResponse(response, to: options.logger)
        guard response.status == 200 else {
            client.close()
            switch response.status {
            case 401:
                let words = GatewayText.printable(String((response.headers["X-Reason"] ?? response.reason).prefix(200)))
                throw .authenticationRefused("cookie rejected: the gateway no longer accepts this session "
                                             + "(HTTP 401 \(words)); log in again")
            case 503:
                let reason = GatewayText.printable(String((response.headers["X-Reason"] ?? response.reason).prefix(200)))
                throw .protocolError(.cstp, "the gateway refused the tunnel: \(reason)")
            default:
                throw .protocolError(.cstp, "unexpected reply to CONNECT: HTTP \(response.status) \(response.reason)")
            }
        }
        let configuration: TunnelConfiguration
        do {
            configuration = try TunnelConfiguration(headers: response.headers)
        } catch {
            client.close()
            throw .protocolError(.cstp, error.description)
        }
        // A skipped value is something the user should see (issue 10, item 12), not only the log.
        for warning in configuration.warnings { emit(.warning("CONNECT reply: " + warning, detail: [])) }
        gatewayDynDNS = configuration.dynDNS
        if configuration.ipv6BypassesFullTunnel {
            // A full IPv4 tunnel does not touch the host's IPv6 routes: IPv6 traffic leaves outside (issue 14).
            emit(.warning("the gateway tunnels all IPv4 but gave no IPv6 address"
                          + (settings.ipv6 ? "" : " (--disable-ipv6)") + ": IPv6 traffic bypasses the VPN",
                          detail: []))
        }
        // The tun starts with the DTLS MTU while DTLS is expected (DESIGN.md §1, phase 5; TunnelMTUPolicy); data
        // over TLS uses the gateway's X-CSTP-MTU.
        let cstpMTU = configuration.mtu ?? mtus.mtu
        let baseMTU = configuration.baseMTU ?? mtus.base
        let linkMTU = baseMTU - (client.isIPv6 ? 40 : 20) - 8
        let dtls = settings.offerDTLS ? dtlsSetup(configuration, client: client, masterSecret: masterSecret, linkMTU: linkMTU, offered: settings.dtlsMode) : nil
        // X-DTLS-MTU (or X-CSTP-MTU without it), raised to X-CSTP-MTU if that is larger, as openconnect's cstp.c.
        let mtu = TunnelMTUPolicy(cstpMTU: cstpMTU, dtlsOffered: dtls != nil, xDTLSMTU: configuration.dtls.mtu)
        // The handshake needs nothing the tun or the scripts set up: it starts now (issue 12, item 4).
        return CSTPLink(client: client, configuration: configuration, remainder: exchange.remainder, dtls: dtls,
                        cstpMTU: cstpMTU, mtu: mtu, baseMTU: baseMTU, dtlsAhead: dtls.map { DTLSHandshakeAhead(dialer: $0) })
    }

    private func runDataPlane(_ link: CSTPLink, tun: TunDevice, settings: TunnelSettings) async -> DataPlane.EndReason {
        let events = continuation
        let ahead = link.dtlsAhead?.handOver()
        let reporter = DTLSPhaseReporter(firstAttemptStarted: ahead?.started, emit: { events.yield($0) })
        let configuration = link.configuration
        // `ssl` rekeys are done as a new tunnel, as openconnect's OpenSSL build does (protocol.md §5.2).
        // `X-CSTP-Rekey-Time: 0` is no rekey and a tiny one is raised to a floor (issue 13, item 12).
        let rekey = configuration.rekeyInterval.map(Double.init)
        let plane = DataPlane(
            tls: link.client, tun: tun, initialBytes: link.remainder, dpd: configuration.dpd,
            keepalive: configuration.keepalive, statsInterval: settings.statsIntervalSeconds,
            dtls: link.dtls, handshakeAhead: ahead, mtu: link.mtu, tunMTU: knownTunMTU ?? link.tunMTU, rekeyAfter: rekey,
            onStats: { tls, dtls in
                events.yield(.stats(TrafficStats(channel: .tls, bytesIn: tls.bytesIn, bytesOut: tls.bytesOut,
                                                 packetsIn: tls.packetsIn, packetsOut: tls.packetsOut)))
                if let dtls {
                    events.yield(.stats(TrafficStats(channel: .dtls, bytesIn: dtls.bytesIn, bytesOut: dtls.bytesOut,
                                                     packetsIn: dtls.packetsIn, packetsOut: dtls.packetsOut)))
                }
            },
            onChannel: { reporter.channelChanged($0) },
            onReconfigured: { events.yield(.reconfigured(mtu: $0, reason: $1)) },
            onLog: { events.yield(.log($0)) })
        dataPlane = plane
        if let pendingStop { plane.stop(pendingStop) }
        let end = await plane.run()
        dataPlane = nil
        knownTunMTU = plane.currentTunMTU
        return end
    }

    /// Brings a lost tunnel back with the same cookie (protocol.md §5.3): the script with `attempt-reconnect`,
    /// CONNECT with the old address, backoff within the reconnect timeout; a refused cookie leads to a fresh
    /// login. Returns nil when the user stopped while waiting.
    private func reconnect(after end: DataPlane.EndReason, session: AuthenticatedSession, previous: CSTPLink,
                           tun: TunDevice, script: ScriptRunner, settings: TunnelSettings,
                           firstDelay: Int = 0) async throws(EngineError) -> (link: CSTPLink, session: AuthenticatedSession)? {
        let started = clock.now
        var schedule = ReconnectSchedule(timeoutSeconds: settings.reconnectTimeoutSeconds)
        var current = session
        var attempt = 0
        let oldAddresses = [previous.configuration.ipv4Address, previous.configuration.ipv6Address.map {
            String($0.split(separator: "/").first ?? "")
        }].compactMap { $0 }
        if firstDelay > 0 {
            emit(.channel(ChannelInfo(channel: .tls, state: .reconnecting, attempt: 0, nextInSeconds: firstDelay,
                                      reason: end.description + " (the tunnel had just come back: backing off)")))
            if await waitUnlessStopped(seconds: firstDelay) { return nil }
        }
        while true {
            attempt += 1
            emit(.channel(ChannelInfo(channel: .tls, state: .reconnecting, attempt: attempt, reason: end.description)))
            _ = try? runScript(script, scriptEnvironment("attempt-reconnect", previous, device: tun.name), fatal: false)
            let lastError: EngineError
            do throws(EngineError) {
                let link = try await openCSTP(current, settings: settings, previousAddresses: oldAddresses)
                var changed: [String] = []
                do {
                    if link.configuration.ipv4Address != previous.configuration.ipv4Address
                        || link.configuration.ipv4Netmask != previous.configuration.ipv4Netmask {
                        // openconnect gives up here; Swiftgate reconfigures the tun it keeps (issue: reconnect).
                        changed.append("address \(previous.configuration.ipv4Address ?? "-") → \(link.configuration.ipv4Address ?? "-")")
                        _ = try? runScript(script, scriptEnvironment("disconnect", previous, device: tun.name), fatal: false)
                        try? tun.setMTU(link.tunMTU)
                        knownTunMTU = link.tunMTU
                        try runScript(script, scriptEnvironment("connect", link, device: tun.name), fatal: true)
                        emitTunnel(link, tun: tun)
                    } else {
                        if link.cstpMTU != previous.cstpMTU {
                            changed.append("mtu \(previous.cstpMTU) → \(link.cstpMTU)")
                            try? tun.setMTU(link.tunMTU)
                            knownTunMTU = link.tunMTU
                        }
                        _ = try? runScript(script, scriptEnvironment("reconnect", link, device: tun.name), fatal: false)
                    }
                } catch {
                    // A refused connect script: this connection carries no tunnel.
                    link.abandon()
                    throw error
                }
                emit(.channel(ChannelInfo(channel: .tls, state: .up, protocolVersion: link.client.protocolVersion,
                                          cipher: link.client.cipher)))
                emit(.reconnected(after: end.description, changed: changed))
                return (link, current)
            } catch {
                if case .authenticationRefused(let words) = error {
                    // The cookie is dead (ocserv restarted, session expired): log in again with the saved user and
                    // group; the front end is asked for the password. Once: a cookie refused right after a fresh
                    // login ends the session (exit 3) with the gateway's words instead of prompting forever.
                    guard schedule.mayLogInAfterRefusedCookie() else {
                        throw .authenticationRefused("the gateway refused the session cookie again right after a fresh "
                                                     + "login: \(words)")
                    }
                    emit(.log("the gateway refused the session cookie; logging in again"))
                    do {
                        current = try await relogin(current)
                        continue
                    } catch {
                        throw error
                    }
                }
                lastError = error
            }
            let elapsed = (clock.now - started).components.seconds
            guard let delay = schedule.nextDelay(elapsedSeconds: Double(elapsed)) else {
                throw .unreachable("could not bring the tunnel back within \(settings.reconnectTimeoutSeconds) s: \(lastError.summary)")
            }
            emit(.channel(ChannelInfo(channel: .tls, state: .reconnecting, attempt: attempt, nextInSeconds: delay,
                                      reason: lastError.summary)))
            if await waitUnlessStopped(seconds: delay) { return nil }
        }
    }

    /// A fresh login after the cookie was refused; headless without a password to give, exit 3 says why.
    private func relogin(_ session: AuthenticatedSession) async throws(EngineError) -> AuthenticatedSession {
        do {
            return try await authenticate()
        } catch {
            if case .failed(.userAuth?, _) = error {
                throw .authenticationRefused("the gateway no longer accepts the session cookie and no password is "
                                             + "available for a fresh login (headless: give one more line on stdin)")
            }
            throw error
        }
    }

    /// Sleeps, waking early when a stop was asked for; true when it was.
    private func waitUnlessStopped(seconds: Int) async -> Bool {
        let deadline = clock.now + .seconds(seconds)
        while clock.now < deadline {
            if pendingStop != nil { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return pendingStop != nil
    }

    private func emitTunnel(_ link: CSTPLink, tun: TunDevice) {
        let configuration = link.configuration
        emit(.tunnel(TunnelInfo(
            interface: tun.name, address: configuration.ipv4Address, netmask: configuration.ipv4Netmask,
            ipv6Address: configuration.ipv6Address, mtu: link.tunMTU, routes: configuration.splitInclude.map(\.description),
            excludedRoutes: configuration.splitExclude.map(\.description), dns: configuration.dns,
            domain: configuration.defaultDomain, banner: configuration.banner,
            userIncluded: networkOverrides.include, userExcluded: networkOverrides.exclude,
            userDNSDomains: networkOverrides.dnsDomains,
            dpd: configuration.dpd.flatMap { $0 > 0 ? $0 : nil }, keepalive: configuration.keepalive.flatMap { $0 > 0 ? $0 : nil },
            cstpMTU: link.cstpMTU, dtlsMode: link.dtls?.modeName)))
        emit(.channel(ChannelInfo(channel: .tls, state: .up, protocolVersion: link.client.protocolVersion,
                                  cipher: link.client.cipher)))
    }

    private func sessionRecord(_ link: CSTPLink, tun: TunDevice, settings: TunnelSettings) -> SessionRecord {
        SessionRecord(pid: getpid(), interface: tun.name, script: settings.script,
                      scriptTimeoutSeconds: settings.scriptTimeoutSeconds,
                      environment: scriptEnvironment("disconnect", link, device: tun.name), started: Date(),
                      before: networkBefore)
    }

    /// After the teardown: are the routes, DNS and tun the tunnel set up gone (issue 14, item 5)? Says "network
    /// restored", or exactly what is left and how to remove it. The kernel unregisters a closed tun a moment later,
    /// so its absence is waited for briefly. True when nothing is left.
    private func checkTeardown(tun: String) async -> Bool {
        guard let before = networkBefore else { return true }
        let deadline = clock.now + .seconds(2)
        while FileManager.default.fileExists(atPath: "/sys/class/net/\(tun)"), clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let left = NetworkSnapshot.leftovers(before: before, after: .current(), tun: tun,
                                             tunPresent: FileManager.default.fileExists(atPath: "/sys/class/net/\(tun)"))
        if left.isEmpty {
            emit(.log("network restored: routes, DNS and \(tun) are as before the tunnel"))
            return true
        }
        emit(.warning("after the teardown, still left: " + left.joined(separator: ", ")
                      + "; `swiftgate cleanup` (or C on the gateways screen) removes it", detail: [
            ("left", .list(left.map(EventValue.string))),
        ]))
        return false
    }

    private func scriptEnvironment(_ reason: String, _ link: CSTPLink, device: String?) -> [String: String] {
        ScriptEnvironment(reason: reason, configuration: networkOverrides.applied(to: link.configuration), tunDevice: device,
                          gatewayAddress: link.client.remoteAddress, pid: getpid(), mtu: link.tunMTU).variables
    }

    /// The DTLS mode the gateway chose, with its keys; nil (and a log line) when there is none or it is unusable.
    private func dtlsSetup(_ configuration: TunnelConfiguration, client: TLSClient, masterSecret: [UInt8]?,
                           linkMTU: Int, offered: DTLSModePreference) -> DTLSSetup? {
        let plan: DTLSPlan?
        do {
            plan = try DTLSPlan.from(configuration.dtls, offered: offered)
        } catch {
            emit(.log(error.description))
            return nil
        }
        guard let plan, let port = configuration.dtls.port else { return nil }
        let mode: DTLSClient.Mode
        switch plan {
        case .psk(let appID):
            // The PSK is keying material exported from this CSTP TLS session (protocol.md §4.3).
            guard let key = try? client.exportKeyingMaterial(label: "EXPORTER-openconnect-psk", length: 32) else {
                emit(.log("cannot derive the DTLS PSK from the TLS session; DTLS is off"))
                return nil
            }
            mode = .psk(appID: appID, key: key)
        case .resume(let dtls12, let cipher, let sessionID):
            guard let masterSecret else { return nil }
            mode = .resume(dtls12: dtls12, cipher: cipher, sessionID: sessionID, masterSecret: masterSecret)
        }
        return DTLSSetup(mode: mode, modeName: plan.name, address: client.remoteAddress, port: port, linkMTU: linkMTU,
                         dpd: configuration.dtls.dpd ?? configuration.dpd,
                         keepalive: configuration.dtls.keepalive ?? configuration.keepalive)
    }

    private func runScript(_ script: ScriptRunner, _ variables: [String: String], fatal: Bool) throws(EngineError) {
        let reason = variables["reason"] ?? "?"
        let outcome = try script.run(variables)
        guard outcome.exitCode == 0 else {
            let output = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
            let message = "the script \(script.path) failed for '\(reason)' (exit \(outcome.exitCode))"
                + (output.isEmpty ? "" : ":\n\(output)")
            if fatal { throw .failed(.cstp, message) }
            emit(.log(message))
            return
        }
    }
}
