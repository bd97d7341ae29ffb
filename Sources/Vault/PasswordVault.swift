import GatewayProtocol

/// Where saved login passwords live (issue 15, item 5): the user's Secret Service, or memory in tests. Never the
/// database. Keys are a gateway's `host:port` (HostPortKey) and a user name.
///
/// Calls may block on the session bus (bounded by the vault's own timeout): from async code, run them off the
/// cooperative pool (`VaultCall.run`).
public protocol PasswordVault: Sendable {
    /// Whether saving is possible here at all; where it is not, the option is not offered.
    var isAvailable: Bool { get }
    /// Why not, in words for the person (nil when available).
    var unavailableReason: String? { get }
    func password(gateway: String, user: String) throws(VaultError) -> Secret?
    func save(_ password: Secret, gateway: String, user: String) throws(VaultError)
    /// Removes the gateway's saved passwords, for every user; true when there was one.
    @discardableResult
    func forget(gateway: String) throws(VaultError) -> Bool
}
