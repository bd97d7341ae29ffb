import GatewayProtocol

/// Events cross the service's socket to the front ends attached to a connection (issue 15): `type` names the
/// case, the other keys its values.
extension EngineEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case type, phase, state, milliseconds, detail, report, trusted, decision, info, transport, stats, mtu, reason
        case after, changed, message, elapsed, timeout, sso, code
    }

    enum Kind: String, Codable {
        case phase, certificate, tunnel, channel, connected, stats, reconfigured, disconnected, reconnected, log
        case warning, waiting, sso, error
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func detail() throws -> [(String, EventValue)] {
            guard case .object(let pairs) = try c.decode(EventValue.self, forKey: .detail) else {
                throw DecodingError.dataCorruptedError(forKey: .detail, in: c, debugDescription: "detail is not an object")
            }
            return pairs
        }
        switch try c.decode(Kind.self, forKey: .type) {
        case .phase:
            self = .phase(try c.decode(PhaseID.self, forKey: .phase), try c.decode(PhaseState.self, forKey: .state),
                          milliseconds: try c.decodeIfPresent(Int.self, forKey: .milliseconds), detail: try detail())
        case .certificate:
            self = .certificate(try c.decode(CertificateReport.self, forKey: .report), trusted: try c.decode(Bool.self, forKey: .trusted),
                                decision: try c.decode(CertificateDecision.self, forKey: .decision))
        case .tunnel: self = .tunnel(try c.decode(TunnelInfo.self, forKey: .info))
        case .channel: self = .channel(try c.decode(ChannelInfo.self, forKey: .info))
        case .connected: self = .connected(transport: try c.decode(ChannelInfo.Kind.self, forKey: .transport))
        case .stats: self = .stats(try c.decode(TrafficStats.self, forKey: .stats))
        case .reconfigured:
            self = .reconfigured(mtu: try c.decode(Int.self, forKey: .mtu), reason: try c.decode(String.self, forKey: .reason))
        case .disconnected: self = .disconnected(reason: try c.decode(String.self, forKey: .reason))
        case .reconnected:
            self = .reconnected(after: try c.decode(String.self, forKey: .after), changed: try c.decode([String].self, forKey: .changed))
        case .log: self = .log(try c.decode(String.self, forKey: .message))
        case .warning: self = .warning(try c.decode(String.self, forKey: .message), detail: try detail())
        case .waiting:
            self = .waiting(try c.decode(PhaseID.self, forKey: .phase), elapsed: try c.decode(Int.self, forKey: .elapsed),
                            timeout: try c.decode(Int.self, forKey: .timeout))
        case .sso: self = .sso(try c.decode(SSOProgress.self, forKey: .sso))
        case .error: self = .error(code: try c.decode(Int32.self, forKey: .code), message: try c.decode(String.self, forKey: .message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .phase(phase, state, milliseconds, detail):
            try c.encode(Kind.phase, forKey: .type)
            try c.encode(phase, forKey: .phase)
            try c.encode(state, forKey: .state)
            try c.encodeIfPresent(milliseconds, forKey: .milliseconds)
            try c.encode(EventValue.object(detail), forKey: .detail)
        case let .certificate(report, trusted, decision):
            try c.encode(Kind.certificate, forKey: .type)
            try c.encode(report, forKey: .report)
            try c.encode(trusted, forKey: .trusted)
            try c.encode(decision, forKey: .decision)
        case .tunnel(let info):
            try c.encode(Kind.tunnel, forKey: .type)
            try c.encode(info, forKey: .info)
        case .channel(let info):
            try c.encode(Kind.channel, forKey: .type)
            try c.encode(info, forKey: .info)
        case .connected(let transport):
            try c.encode(Kind.connected, forKey: .type)
            try c.encode(transport, forKey: .transport)
        case .stats(let stats):
            try c.encode(Kind.stats, forKey: .type)
            try c.encode(stats, forKey: .stats)
        case let .reconfigured(mtu, reason):
            try c.encode(Kind.reconfigured, forKey: .type)
            try c.encode(mtu, forKey: .mtu)
            try c.encode(reason, forKey: .reason)
        case .disconnected(let reason):
            try c.encode(Kind.disconnected, forKey: .type)
            try c.encode(reason, forKey: .reason)
        case let .reconnected(after, changed):
            try c.encode(Kind.reconnected, forKey: .type)
            try c.encode(after, forKey: .after)
            try c.encode(changed, forKey: .changed)
        case .log(let message):
            try c.encode(Kind.log, forKey: .type)
            try c.encode(message, forKey: .message)
        case let .warning(message, detail):
            try c.encode(Kind.warning, forKey: .type)
            try c.encode(message, forKey: .message)
            try c.encode(EventValue.object(detail), forKey: .detail)
        case let .waiting(phase, elapsed, timeout):
            try c.encode(Kind.waiting, forKey: .type)
            try c.encode(phase, forKey: .phase)
            try c.encode(elapsed, forKey: .elapsed)
            try c.encode(timeout, forKey: .timeout)
        case .sso(let progress):
            try c.encode(Kind.sso, forKey: .type)
            try c.encode(progress, forKey: .sso)
        case let .error(code, message):
            try c.encode(Kind.error, forKey: .type)
            try c.encode(code, forKey: .code)
            try c.encode(message, forKey: .message)
        }
    }
}
