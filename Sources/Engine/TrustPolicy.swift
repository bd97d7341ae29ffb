import GatewayProtocol

/// The trust decision in pure code (DESIGN.md §6), so each rule has a unit test: a pinned certificate is
/// accepted, a valid one with nothing pinned is accepted, a pinned gateway that presents another certificate
/// is never silently accepted, unless its pins only ever stood in for a certificate that did not validate and
/// the new one does (issue 13, item 15).
enum TrustPolicy {
    static func verdict(report: CertificateReport, stored: [StoredPin], acceptedPins: Set<String>) -> TrustVerdict {
        if let match = stored.first(where: { report.matches(pin: $0.pin) }) { return .storedPin(match) }
        if report.isValid && stored.isEmpty { return .valid }
        // A pin accepted for a certificate that validated (at a "changed" prompt) is a deliberate restriction; a
        // pin accepted despite errors (or added by hand, which warns) stands in for validation.
        if report.isValid && stored.allSatisfy({ $0.warning || !$0.reasons.isEmpty }) { return .warningsResolved(stored) }
        if acceptedPins.contains(report.pin) { return .acceptedEarlier }
        return .ask(pinnedBefore: stored)
    }
}
