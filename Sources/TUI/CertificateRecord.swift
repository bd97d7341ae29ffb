import Engine
import GatewayProtocol

/// The certificate the gateway presented, whether it was trusted and on what grounds (`valid`, `pinned`,
/// `once`, `always`, `refused`…), as the engine's `certificate` event says.
public struct CertificateRecord: Sendable, Equatable {
    public var report: CertificateReport
    public var trusted: Bool
    public var decision: CertificateDecision

    public init(report: CertificateReport, trusted: Bool, decision: CertificateDecision) {
        self.report = report
        self.trusted = trusted
        self.decision = decision
    }
}
