import Foundation
import GatewayProtocol
import Store

/// The engine's `SessionStore` on the SQLite store: pins per host:port, the gateway's profile (its server list
/// becomes gateways with source = profile), and the groups the gateway offered.
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

    public func profileSHA1(gateway: String) throws -> String? {
        try store.profile(forGateway: gateway)?.sha1
    }

    public func saveProfile(gateway: String, uri: String, sha1: String, xml: String, hosts: [ProfileHostEntry]) throws {
        try store.saveProfile(StoredProfile(gatewayName: gateway, uri: uri, sha1: sha1, xml: xml, fetchedAt: Date()))
        try Self.importHosts(hosts, origin: gateway, into: store)
    }

    public func saveGroups(gateway: String, offered: [FormOption], chosen: FormOption?) throws {
        let now = Date()
        let defaultValue = offered.first(where: \.selected)?.value ?? offered.first?.value
        try store.replaceGroupAliases(offered.map {
            GroupAlias(value: $0.value, label: $0.label, isDefault: $0.value == defaultValue, seenAt: now)
        }, forGateway: gateway)
        if let chosen { try store.setDefaultGroup(chosen.value, forGateway: gateway) }
    }

    /// Profile entries become gateways (source = profile); a gateway the user saved by hand is never replaced.
    @discardableResult
    public static func importHosts(_ hosts: [ProfileHostEntry], origin: String?, into store: SwiftgateStore) throws -> [String] {
        var imported: [String] = []
        for host in hosts {
            if let existing = try store.gateway(named: host.name), existing.source == .manual { continue }
            try store.saveGateway(Gateway(name: host.name, url: host.url, defaultGroup: nil, username: nil,
                                          source: .profile, profileOrigin: origin))
            imported.append(host.name)
        }
        return imported
    }
}
