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
    /// Whether this process may create a tun device, checked before a login is spent on it.
    public nonisolated static func checkTunnelPrivilege() throws(EngineError) {
        do {
            let probe = try TunDevice(name: nil)
            probe.close()
        } catch {
            if case .noPrivilege = error { throw .missingPrivilege(error.description) }
            throw .failed(.cstp, error.description)
        }
    }

    /// Asks a running tunnel to stop: `hangup` skips the DISCONNECT, so the cookie stays valid. Returns false
    /// when no tunnel is up yet (the caller may simply exit).
    public func requestStop(hangup: Bool) -> Bool {
        let mode: DataPlane.StopMode = hangup ? .hangup : .disconnect
        if let dataPlane {
            dataPlane.stop(mode)
            return true
        }
        pendingStop = mode
        return false
    }

    /// Brings the tunnel up over TLS and runs it until it ends; the tun and the script's changes are undone
    /// on every path out.
    public func runTunnel(_ session: AuthenticatedSession, settings: TunnelSettings) async throws(EngineError) -> SessionEnd {
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

    private func tunnel(_ session: AuthenticatedSession, settings: TunnelSettings) async throws(EngineError) -> SessionEnd {
        try await downloadProfile(session)

        startPhase(.cstp)
        let client = try await openChannel()
        channel = nil  // this connection becomes the CSTP channel, not the auth connection
        let mtus = ConnectRequestBuilder.mtus(pathMTU: client.pathMTU, serverIsIPv6: client.isIPv6)
        let masterSecret = settings.offerDTLS ? SecureRandom.bytes(48) : nil
        let builder = ConnectRequestBuilder(
            url: session.url, userAgent: options.userAgent, hostname: Self.localHostname(), baseMTU: mtus.base,
            mtu: mtus.mtu, dtlsMasterSecret: masterSecret, dtlsMode: settings.dtlsMode)
        let request = builder.request(cookie: session.result.cookie)
        let exchange: (response: HTTPResponse, remainder: [UInt8])
        do {
            exchange = try await Blocking.run { () throws(ExchangeError) -> (response: HTTPResponse, remainder: [UInt8]) in
                try Self.roundTrip(client, request)
            }
        } catch {
            client.close()
            throw error.engineError(phase: .cstp)
        }
        let response = exchange.response
        guard response.status == 200 else {
            client.close()
            switch response.status {
            case 401:
                throw .authenticationRefused("cookie rejected: the gateway no longer accepts this session "
                                             + "(HTTP 401 \(response.reason)); log in again")
            case 503:
                let reason = response.headers["X-Reason"] ?? response.reason
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
        // The tun starts with the DTLS MTU while DTLS is expected (DESIGN.md §1, phase 5): X-DTLS-MTU, or the
        // worst case of protocol.md §3.3; data over TLS uses the gateway's X-CSTP-MTU.
        let cstpMTU = configuration.mtu ?? mtus.mtu
        let ipOverhead = client.isIPv6 ? 40 : 20
        let linkMTU = (configuration.baseMTU ?? mtus.base) - ipOverhead - 8
        let dtls = settings.offerDTLS ? dtlsSetup(configuration, client: client, masterSecret: masterSecret, linkMTU: linkMTU) : nil
        let mtu = dtls == nil ? cstpMTU : min(cstpMTU, configuration.dtls.mtu ?? linkMTU - 82)
        emitPhase(.cstp, .done, detail: [
            ("address", .string(configuration.ipv4Address ?? configuration.ipv6Address ?? "")),
            ("mtu", .int(cstpMTU)), ("base_mtu", .int(configuration.baseMTU ?? mtus.base)),
            ("dpd", .int(configuration.dpd ?? 0)), ("keepalive", .int(configuration.keepalive ?? 0)),
            ("server", .string(configuration.serverName ?? "")),
            ("dtls", .string(dtls?.modeName ?? "none")),
        ])
        if dtls == nil {
            startPhase(.dtls)
            emitPhase(.dtls, .skipped, detail: [("reason", .string(settings.offerDTLS ? "the gateway offers no DTLS" : "--no-dtls"))])
        }

        let script = ScriptRunner(path: settings.script)
        func environment(_ reason: String, _ device: String?) -> [String: String] {
            ScriptEnvironment(reason: reason, configuration: configuration, tunDevice: device,
                              gatewayAddress: client.remoteAddress, pid: getpid(), mtu: mtu).variables
        }
        try runScript(script, environment("pre-init", nil), fatal: false)

        let tun: TunDevice
        do {
            tun = try TunDevice(name: settings.interface)
            try tun.setMTU(mtu)
        } catch {
            client.close()
            if case .noPrivilege = error { throw .missingPrivilege(error.description) }
            throw .failed(.cstp, error.description)
        }
        do {
            try runScript(script, environment("connect", tun.name), fatal: true)
        } catch {
            _ = try? runScript(script, environment("disconnect", tun.name), fatal: false)
            tun.close()
            client.close()
            throw error
        }

        emit(.tunnel(TunnelInfo(
            interface: tun.name, address: configuration.ipv4Address, netmask: configuration.ipv4Netmask,
            ipv6Address: configuration.ipv6Address, mtu: mtu, routes: configuration.splitInclude.map(\.description),
            excludedRoutes: configuration.splitExclude.map(\.description), dns: configuration.dns,
            domain: configuration.defaultDomain, banner: configuration.banner)))
        emit(.channel(ChannelInfo(channel: .tls, state: .up, protocolVersion: client.protocolVersion, cipher: client.cipher)))
        emit(.connected(transport: .tls))

        let events = continuation
        let reporter = DTLSPhaseReporter(emit: { events.yield($0) })
        let plane = DataPlane(
            tls: client, tun: tun, initialBytes: exchange.remainder, dpd: configuration.dpd,
            keepalive: configuration.keepalive, statsInterval: settings.statsIntervalSeconds,
            dtls: dtls, cstpMTU: cstpMTU, tunMTU: mtu,
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

        _ = try? runScript(script, environment("disconnect", tun.name), fatal: false)
        tun.close()
        client.close()
        emit(.channel(ChannelInfo(channel: .tls, state: .down, reason: end.description)))
        emit(.disconnected(reason: end.description))
        return SessionEnd(reason: end.description, clean: end.isClean)
    }

    /// The DTLS mode the gateway chose, with its keys; nil (and a log line) when there is none or it is unusable.
    private func dtlsSetup(_ configuration: TunnelConfiguration, client: TLSClient, masterSecret: [UInt8]?,
                           linkMTU: Int) -> DTLSSetup? {
        let plan: DTLSPlan?
        do {
            plan = try DTLSPlan.from(configuration.dtls)
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

    private static func localHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
