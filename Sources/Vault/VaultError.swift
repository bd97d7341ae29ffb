/// A saved-password operation that did not work, saying what to do. Never holds a password.
public enum VaultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No Secret Service to talk to (the reason says which part is missing).
    case unavailable(String)
    /// The Secret Service answered with an error (its own words, cleaned of control characters).
    case failed(operation: String, message: String)
    /// The Secret Service did not answer in time (a locked keyring waiting for a prompt nobody sees, a stuck bus).
    case timedOut(operation: String, seconds: Int)

    public var description: String {
        switch self {
        case .unavailable(let reason):
            return "no Secret Service: \(reason); passwords cannot be saved here (log in to a desktop session with "
                + "GNOME Keyring or KeePassXC's Secret Service running, or type the password each time)"
        case .failed(let operation, let message):
            return "the Secret Service could not \(operation): \(message) (is the keyring unlocked? try "
                + "`secret-tool search --all gateway HOST:PORT`, or unlock it in the desktop's password manager)"
        case .timedOut(let operation, let seconds):
            return "the Secret Service did not \(operation) within \(seconds) s (a locked keyring waiting for an "
                + "unlock prompt? unlock it in the desktop's password manager and try again)"
        }
    }
}
