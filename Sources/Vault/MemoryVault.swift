import GatewayProtocol
import Synchronization

/// A vault in memory, for tests (and wherever saving should last only as long as the process).
public final class MemoryVault: PasswordVault {
    private let items = Mutex<[Key: Secret]>([:])
    private let failure = Mutex<VaultError?>(nil)
    public let isAvailable: Bool

    private struct Key: Hashable { var gateway: String, user: String }

    public init(available: Bool = true) { isAvailable = available }

    public var unavailableReason: String? { isAvailable ? nil : "memory vault switched off" }

    /// Every later call throws this (nil: work again), to test how callers report a failing vault.
    public func fail(with error: VaultError?) { failure.withLock { $0 = error } }

    public var count: Int { items.withLock { $0.count } }

    public func password(gateway: String, user: String) throws(VaultError) -> Secret? {
        try check()
        return items.withLock { $0[Key(gateway: gateway, user: user)] }
    }

    public func save(_ password: Secret, gateway: String, user: String) throws(VaultError) {
        try check()
        items.withLock { $0[Key(gateway: gateway, user: user)] = password }
    }

    @discardableResult
    public func forget(gateway: String) throws(VaultError) -> Bool {
        try check()
        return items.withLock { items in
            let before = items.count
            items = items.filter { $0.key.gateway != gateway }
            return items.count != before
        }
    }

    private func check() throws(VaultError) {
        if let error = failure.withLock({ $0 }) { throw error }
        guard isAvailable else { throw .unavailable("memory vault switched off") }
    }
}
