import Foundation
import GatewayProtocol
import Store

/// The engine's `SessionStore` on the SQLite store: pins and profiles per host:port, the profile's server list
/// as gateways with source = profile (checked, and never over another origin's or the user's), and the groups
/// the gateway offered.
public struct SQLiteSessionStore: SessionStore {
    public let store: SwiftgateStore

    public init(store: SwiftgateStore) { self.store = store }

    public func trustedPins(hostPort: String) throws -> [StoredPin] {
        try store.trustedPins(for: hostPort).map {
            StoredPin(pin: $0.pin, subject: $0.subject ?? "", issuer: $0.issuer ?? "", notAfter: $0.notAfter ?? "",
                      reasons: $0.reasons, warning: $0.warning)
        }
    }

    public func storeTrust(_ pin: StoredPin, hostPort: String) throws {
        try store.addTrustedPin(TrustedPin(hostPort: hostPort, pin: pin.pin, subject: pin.subject, issuer: pin.issuer,
                                           notAfter: pin.notAfter, reasons: pin.reasons, acceptedAt: Date(),
                                           warning: pin.warning))
    }

    public func clearTrustWarning(hostPort: String, pin: String) throws {
        try store.clearWarning(hostPort: hostPort, pin: pin)
    }

    public func forgetTrust(hostPort: String) throws {
        try store.removeTrust(for: hostPort)
    }

    public func profileSHA1(hostPort: String) throws -> String? {
        try store.profile(forHostPort: hostPort)?.sha1
    }

    public func saveProfile(hostPort: String, uri: String, sha1: String, xml: String,
                            hosts: [ProfileHostEntry]) throws -> ProfileEntryChanges {
        try store.saveProfile(StoredProfile(hostPort: hostPort, uri: uri, sha1: sha1, xml: xml, fetchedAt: Date()))
        return try Self.importHosts(hosts, origin: hostPort, into: store)
    }

    public func saveGroups(gateway: String, offered: [FormOption], chosen: FormOption?) throws {
        let now = Date()
        let defaultValue = offered.first(where: \.selected)?.value ?? offered.first?.value
        try store.replaceGroupAliases(offered.map {
            GroupAlias(value: $0.value, label: $0.label, isDefault: $0.value == defaultValue, seenAt: now)
        }, forGateway: gateway)
        if let chosen { try store.setDefaultGroup(chosen.value, forGateway: gateway) }
    }

    /// Profile entries become gateways (source = profile) once checked (`ProfileHostEntry.problem`); `origin` is the
    /// host:port of the gateway that served the profile, nil for a file the user imports.
    @discardableResult
    public static func importHosts(_ hosts: [ProfileHostEntry], origin: String?,
                                   into store: SwiftgateStore) throws -> ProfileEntryChanges {
        var refused: [ProfileEntryRefusal] = []
        var valid: [Gateway] = []
        for host in hosts {
            if let problem = host.problem {
                refused.append(ProfileEntryRefusal(name: Self.printable(host.name), reason: problem))
            } else {
                valid.append(Gateway(name: host.name, url: host.url, source: .profile, profileOrigin: origin))
            }
        }
        var changes = try store.saveProfileEntries(valid, origin: origin)
        changes.refused = refused + changes.refused
        return changes
    }

    /// A refused name as it may be shown: unprintable characters as `?`, at most 64 characters.
    static func printable(_ name: String) -> String {
        let scalars = name.unicodeScalars.prefix(64).map { scalar -> Character in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: "?"
            default: Character(scalar)
            }
        }
        return String(scalars) + (name.unicodeScalars.count > 64 ? "…" : "")
    }
}
