@testable import Engine
import Foundation
import GatewayProtocol
import Store
import Synchronization

/// A `SessionStore` in memory for engine tests: pins by the key the engine asks with; `failReads` makes every
/// pin read throw, as a damaged database would.
final class MemorySessionStore: SessionStore {
    struct ReadFailure: Error, CustomStringConvertible { var description: String { "database disk image is malformed" } }

    private let state = Mutex<(pins: [String: [StoredPin]], asked: [String])>(([:], []))
    let failReads: Bool

    init(pins: [String: [StoredPin]] = [:], failReads: Bool = false) {
        self.failReads = failReads
        state.withLock { $0.pins = pins }
    }

    /// The keys the engine asked for pins with.
    var askedKeys: [String] { state.withLock { $0.asked } }

    func trustedPins(hostPort: String) throws -> [StoredPin] {
        if failReads { throw ReadFailure() }
        return state.withLock { state in
            state.asked.append(hostPort)
            return state.pins[hostPort] ?? []
        }
    }

    func storeTrust(_ pin: StoredPin, hostPort: String) throws {
        state.withLock { $0.pins[hostPort, default: []].append(pin) }
    }

    func clearTrustWarning(hostPort: String, pin: String) throws {}
    func forgetTrust(hostPort: String) throws { state.withLock { $0.pins[hostPort] = nil } }
    func profileSHA1(hostPort: String) throws -> String? { nil }
    func saveProfile(hostPort: String, uri: String, sha1: String, xml: String,
                     hosts: [ProfileHostEntry]) throws -> ProfileEntryChanges { ProfileEntryChanges() }
    func saveGroups(gateway: String, offered: [FormOption], chosen: FormOption?) throws {}
}
