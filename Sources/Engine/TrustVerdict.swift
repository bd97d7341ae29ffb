/// What the saved pins and this attempt's answers say about a certificate before anyone is asked
/// (`TrustPolicy.verdict`).
enum TrustVerdict: Equatable {
    /// It validates and nothing is pinned for the gateway: the trust store decides.
    case valid
    /// It is a pinned certificate (valid or not).
    case storedPin(StoredPin)
    /// It validates, and every pin saved for the gateway was accepted despite errors: the errors are resolved
    /// (DESIGN.md §1 and §4: the warning lasts until the certificate validates), so those pins go.
    case warningsResolved([StoredPin])
    /// Accepted at a prompt earlier in this attempt.
    case acceptedEarlier
    /// A person must decide; `pinnedBefore` is non-empty when the gateway presents another certificate than the
    /// one pinned.
    case ask(pinnedBefore: [StoredPin])
}
