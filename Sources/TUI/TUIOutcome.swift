import Engine
import GatewayProtocol

/// What the executable must do after a key: act on a gateway, answer the engine's pending prompt, or quit.
/// Deletions, disconnects and quitting a live connection arrive here only once confirmed.
public enum TUIOutcome: Sendable, Equatable {
    case none
    case connect(gateway: String)
    case add
    case edit(gateway: String)
    case delete(gateway: String)
    case disconnect
    case reconnect
    case quit
    /// Quit, leaving the connection up in the service (issue 15): a later interface reattaches.
    case detach
    /// Run `swiftgate cleanup`'s work; the app notes what it did.
    case cleanup
    /// Remove the gateway's saved password from the Secret Service.
    case forgetPassword(gateway: String)
    /// The answer to `chooseGroup`: nil when the user cancelled.
    case groupChosen(FormOption?)
    /// The answer to `fillForm`: nil when the user cancelled.
    case formAnswered([String: Secret]?)
    /// The answer to `decideTrust`.
    case trustDecided(TrustDecision)
    /// The identity file chosen, nil to go on without one.
    case identityChosen(String?)
}
