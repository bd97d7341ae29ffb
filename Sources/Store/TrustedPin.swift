import Foundation
internal import GRDB

/// A certificate the user accepted for one `host:port`, identified by its pin (pin-sha256 of the SPKI), with what
/// was wrong with it at the time, so the decision can be shown and re-examined later (DESIGN.md §6).
public struct TrustedPin: Sendable, Hashable {
    /// `host:port`, as the engine forms it for the gateway's URL.
    public var hostPort: String
    /// `pin-sha256:` followed by base64.
    public var pin: String
    /// Nil when the pin was added by hand (`swiftgate trust add`) without a certificate to describe.
    public var subject: String?
    public var issuer: String?
    public var notAfter: String?
    /// The validation errors present when the certificate was accepted; empty for a certificate that validated.
    public var reasons: [String]
    public var acceptedAt: Date
    /// Accepted despite errors: keep warning on every connection until the certificate validates.
    public var warning: Bool

    public init(hostPort: String, pin: String, subject: String? = nil, issuer: String? = nil, notAfter: String? = nil,
                reasons: [String] = [], acceptedAt: Date, warning: Bool) {
        self.hostPort = hostPort
        self.pin = pin
        self.subject = subject
        self.issuer = issuer
        self.notAfter = notAfter
        self.reasons = reasons
        self.acceptedAt = acceptedAt
        self.warning = warning
    }

    /// Whether `pin` has the shape Swiftgate prints: the prefix, then the base64 of 32 bytes.
    static func isWellFormed(_ pin: String) -> Bool {
        let prefix = "pin-sha256:"
        guard pin.hasPrefix(prefix), let digest = Data(base64Encoded: String(pin.dropFirst(prefix.count))) else {
            return false
        }
        return digest.count == 32
    }

    init(row: Row) throws {
        let reasonsJSON: String = row["reasons"]
        let reasons: [String]
        do {
            reasons = try JSONDecoder().decode([String].self, from: Data(reasonsJSON.utf8))
        } catch {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "trust.reasons is not a JSON list of text")
        }
        self.init(hostPort: row["hostPort"], pin: row["pin"], subject: row["subject"], issuer: row["issuer"],
                  notAfter: row["notAfter"], reasons: reasons, acceptedAt: (row["acceptedAt"] as StoredDate).date,
                  warning: row["warning"])
    }

    /// JSON text for the reasons column.
    static func json(_ reasons: [String]) -> String {
        (try? JSONEncoder().encode(reasons)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}
