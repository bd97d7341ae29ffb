/// What Swiftgate trusts for a gateway's certificate.
public enum TrustState: String, Sendable, Equatable {
    /// No pin: the certificate must validate against the system's CAs.
    case none
    /// A pin the user accepted for a certificate that validated, or one added by hand.
    case pinned
    /// A pin accepted despite validation errors: every connection warns until the certificate validates.
    case pinnedWithWarning

    /// Glyph, word and role for lists and details.
    public func span(_ box: BoxStyle) -> Span {
        switch self {
        case .none: Status.skipped.span("CA", box)
        case .pinned: Status.ok.span("pinned", box)
        case .pinnedWithWarning: Status.warning.span("pinned", box)
        }
    }

    public var explanation: String {
        switch self {
        case .none: "no pin: the certificate must validate against the system CAs"
        case .pinned: "pinned"
        case .pinnedWithWarning: "pinned despite certificate errors: every connection warns"
        }
    }
}
