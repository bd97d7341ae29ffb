import GatewayProtocol

/// Why a connection attempt ended, with the exit code of DESIGN.md §3 and words a person can act on.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    case usage(String)
    case authenticationRefused(String)
    case certificateUntrusted(CertificateReport, why: String)
    case unreachable(String)
    case protocolError(PhaseID, String)
    case missingPrivilege(String)
    case cancelled(String)
    case failed(PhaseID?, String)

    public var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case .authenticationRefused: return 3
        case .certificateUntrusted: return 4
        case .unreachable: return 5
        case .protocolError: return 6
        case .missingPrivilege: return 7
        case .cancelled, .failed: return 1
        }
    }

    /// One line, for a phase's failure detail; `description` has everything.
    public var summary: String {
        String(description.split(separator: "\n", maxSplits: 1).first ?? "")
    }

    public var description: String {
        switch self {
        case .usage(let text): return text
        case .authenticationRefused(let text): return "authentication refused: \(text)"
        case .certificateUntrusted(let report, let why):
            var lines = ["certificate of \(report.host):\(report.port) not trusted: \(why)"]
            if !report.reasons.isEmpty { lines.append("reasons: \(report.reasons.joined(separator: "; "))") }
            lines.append("subject: \(report.subject)")
            lines.append("issuer: \(report.issuer)")
            lines.append("pin: \(report.pin)")
            lines.append("to trust it, check the pin with the gateway's administrator, then add --servercert \(report.pin)")
            return lines.joined(separator: "\n")
        case .unreachable(let text): return "gateway unreachable: \(text)"
        case .protocolError(let phase, let text): return "protocol error in phase \(phase.rawValue): \(text)"
        case .missingPrivilege(let text): return text
        case .cancelled(let text): return "cancelled: \(text)"
        case .failed(let phase, let text): return phase.map { "\($0.rawValue) failed: \(text)" } ?? text
        }
    }
}
