import Engine
import Foundation
import GatewayProtocol
import Store
import Vault

/// `swiftgate connect`'s hook into the saved passwords (issue 15, item 5): the headless front end wrapped by
/// `SavedPasswordFrontEnd` when a saved password may answer or the person asked to save one, and the save after
/// a successful login. (The service client will take this over.)
enum SavedPasswords {
    /// - Parameters:
    ///   - user: the user name for this connection (`--user`, else the saved gateway's).
    ///   - save: `--save-password`.
    ///   - typed: the password comes from the person (`--passwd-on-stdin`): no saved one answers for it.
    static func wrap(_ inner: any FrontEnd, url: GatewayURL, user: String?, save: Bool, typed: Bool,
                     vault makeVault: () -> any PasswordVault = { SecretServiceVault() }) -> (any FrontEnd, SavedPasswordFrontEnd?) {
        let autofill = !typed && !save && user != nil
        guard save || autofill else { return (inner, nil) }  // no bus call at all
        let vault = makeVault()
        guard vault.isAvailable else {
            if save {
                StandardStreams.err("swiftgate: --save-password: \(VaultError.unavailable(vault.unavailableReason ?? "-")); "
                                    + "going on without saving\n")
            }
            return (inner, nil)
        }
        let front = SavedPasswordFrontEnd(wrapping: inner, vault: vault, gateway: HostPortKey.make(host: url.host, port: url.port),
                                          savedUser: user, autofill: autofill, saveRequested: save,
                                          note: { StandardStreams.err("swiftgate: " + $0 + "\n") })
        return (front, front)
    }

    /// After `engine.authenticate()` returned: the typed password goes to the vault if saving was asked for.
    static func commit(_ front: SavedPasswordFrontEnd?) async {
        guard let front else { return }
        do {
            let outcome = try await front.commit()
            if outcome != .notRequested { StandardStreams.err("swiftgate: \(outcome)\n") }
        } catch {
            StandardStreams.err("swiftgate: the password was not saved: \(error)\n")
        }
    }
}
