import GatewayProtocol
import Store

/// What the engine keeps between connections (DESIGN.md §4): trusted pins, the gateway's profile, the groups
/// it offered. The executable adapts the SQLite store to it; tests use an in-memory one. Never passwords or
/// cookies.
public protocol SessionStore: Sendable {
    func trustedPins(hostPort: String) throws -> [StoredPin]
    func storeTrust(_ pin: StoredPin, hostPort: String) throws
    func clearTrustWarning(hostPort: String, pin: String) throws
    /// Forgets every pin of host:port: its certificate now validates, so the pins accepted despite errors are
    /// no longer needed (issue 13, item 15).
    func forgetTrust(hostPort: String) throws
    /// Profiles are kept per gateway host:port, whichever saved entry fetched them (issue 13, item 16).
    func profileSHA1(hostPort: String) throws -> String?
    /// Saves the profile and its server list (entries from `hostPort`'s profile); says what that changed.
    func saveProfile(hostPort: String, uri: String, sha1: String, xml: String,
                     hosts: [ProfileHostEntry]) throws -> ProfileEntryChanges
    func saveGroups(gateway: String, offered: [FormOption], chosen: FormOption?) throws
}

/// A pin accepted for a host:port, and what was wrong with the certificate when it was.
public struct StoredPin: Sendable, Equatable, Codable {
    public var pin: String
    public var subject: String
    public var issuer: String
    public var notAfter: String
    public var reasons: [String]
    /// Accepted despite validation errors: every connection warns until the certificate validates.
    public var warning: Bool

    public init(pin: String, subject: String, issuer: String, notAfter: String, reasons: [String], warning: Bool) {
        self.pin = pin
        self.subject = subject
        self.issuer = issuer
        self.notAfter = notAfter
        self.reasons = reasons
        self.warning = warning
    }

    public init(_ report: CertificateReport) {
        self.init(pin: report.pin, subject: report.subject, issuer: report.issuer, notAfter: report.notAfter,
                  reasons: report.reasons, warning: !report.isValid)
    }
}
