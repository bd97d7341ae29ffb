import GatewayProtocol

/// What the front end is asked about a certificate: the report, and, when the gateway was pinned before with
/// another certificate, the old pins to show side by side (DESIGN.md §6: never silently accepted).
public struct TrustQuestion: Sendable, Equatable, Codable {
    public var report: CertificateReport
    public var pinnedBefore: [StoredPin]

    public init(report: CertificateReport, pinnedBefore: [StoredPin] = []) {
        self.report = report
        self.pinnedBefore = pinnedBefore
    }

    /// The gateway presents a certificate other than the one pinned for it.
    public var isMismatch: Bool { !pinnedBefore.isEmpty }
}
