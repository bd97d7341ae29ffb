import Engine
import Foundation
import GatewayProtocol
import Store
import TUI
import Vault

/// The interface's side of saved passwords (issue 15, item 5): the login dialog's "save" toggle where a Secret
/// Service runs, the front end that answers from it, and forgetting from the gateways screen. Used only from the
/// interface loop's thread; the Secret Service is probed once, when first needed.
final class TUISavedPasswords {
    private lazy var vault: any PasswordVault = SecretServiceVault()

    /// The answer key the login dialog's toggle adds; nil where saving is not offered (no Secret Service, a form
    /// with no password, the engine's own passphrase and token forms).
    func saveRequestKey(for form: AuthForm) -> String? {
        guard form.authID != "gateway", !["key-passphrase", "sso-token"].contains(form.authID),
              form.questions.contains(where: { $0.kind == .password }), vault.isAvailable else { return nil }
        return SavedPasswordFrontEnd.saveRequestField
    }

    /// The interface's front end, wrapped when a Secret Service runs; its notes go to the log pane.
    func frontEnd(wrapping inner: TUIFrontEnd, url: GatewayURL, user: String?,
                  mailbox: UIMailbox) -> (any FrontEnd, SavedPasswordFrontEnd?) {
        guard vault.isAvailable else { return (inner, nil) }
        let front = SavedPasswordFrontEnd(wrapping: inner, vault: vault, gateway: HostPortKey.make(host: url.host, port: url.port),
                                          savedUser: user, note: { mailbox.post(.event(.log($0))) })
        return (front, front)
    }

    /// After a login went through: the typed password is saved if the toggle was on.
    static func commit(_ front: SavedPasswordFrontEnd?, mailbox: UIMailbox) async {
        guard let front else { return }
        do {
            let outcome = try await front.commit()
            if outcome != .notRequested { mailbox.post(.event(.log("\(outcome)"))) }
        } catch {
            mailbox.post(.event(.log("the password was not saved: \(error)")))
        }
    }

    /// `P` on the gateways screen: what happened, in words.
    func forget(_ name: String, in store: SwiftgateStore) -> String {
        guard let resolved = try? TargetResolver.resolve(name, in: store) else { return "no gateway \(name)" }
        guard vault.isAvailable else { return "\(VaultError.unavailable(vault.unavailableReason ?? "-"))" }
        let key = HostPortKey.make(host: resolved.url.host, port: resolved.url.port)
        do {
            return try vault.forget(gateway: key) ? "forgot the saved password of \(name)" : "no saved password for \(name)"
        } catch {
            return "\(error)"
        }
    }
}
