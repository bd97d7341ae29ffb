import Engine
import GatewayProtocol
import Store
import Synchronization

/// The engine's store in the service: the owner's front end answers from the user's own database. Answers are
/// kept, so a reconnect while no front end is attached still knows the pins the login was checked with; a write
/// with no front end attached is lost (and logged by the engine as a store failure).
final class RemoteSessionStore: SessionStore {
    private let connection: ServiceConnection
    private let pins = Mutex<[String: [StoredPin]]>([:])

    init(connection: ServiceConnection) {
        self.connection = connection
    }

    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    private func call(_ request: StoreRequest) throws -> StoreReply {
        guard let reply = connection.store(request) else {
            throw Unavailable(description: "no front end of the connection's owner is attached to reach the user's database")
        }
        if case .failed(let text) = reply { throw Unavailable(description: text) }
        return reply
    }

    func trustedPins(hostPort: String) throws -> [StoredPin] {
        do {
            guard case .pins(let list) = try call(.trustedPins(hostPort: hostPort)) else { return [] }
            pins.withLock { $0[hostPort] = list }
            return list
        } catch {
            if let known = pins.withLock({ $0[hostPort] }) { return known }
            throw error
        }
    }

    func storeTrust(_ pin: StoredPin, hostPort: String) throws {
        pins.withLock { $0[hostPort, default: []].append(pin) }
        _ = try call(.storeTrust(pin, hostPort: hostPort))
    }

    func clearTrustWarning(hostPort: String, pin: String) throws {
        _ = try call(.clearTrustWarning(hostPort: hostPort, pin: pin))
    }

    func forgetTrust(hostPort: String) throws {
        pins.withLock { $0[hostPort] = nil }
        _ = try call(.forgetTrust(hostPort: hostPort))
    }

    func profileSHA1(hostPort: String) throws -> String? {
        guard case .sha1(let value) = try call(.profileSHA1(hostPort: hostPort)) else { return nil }
        return value
    }

    func saveProfile(hostPort: String, uri: String, sha1: String, xml: String,
                     hosts: [ProfileHostEntry]) throws -> ProfileEntryChanges {
        guard case .changes(let changes) = try call(.saveProfile(hostPort: hostPort, uri: uri, sha1: sha1, xml: xml,
                                                                 hosts: hosts)) else { return ProfileEntryChanges() }
        return changes
    }

    func saveGroups(gateway: String, offered: [FormOption], chosen: FormOption?) throws {
        _ = try call(.saveGroups(gateway: gateway, offered: offered, chosen: chosen))
    }
}
