/// What `SavedPasswordFrontEnd.commit()` did with the password typed for this connection.
public enum SaveOutcome: Sendable, Equatable, CustomStringConvertible {
    case saved(user: String)
    /// Saving was not asked for.
    case notRequested
    /// No password was typed (the saved one was used, or the login needed none).
    case nothingTyped
    /// The login asked for a password and no user name was known to file it under.
    case noUserName
    /// The same password question came twice in a row with no error (a retry after a refusal, or a second
    /// factor in a field of the same name): which answer was the password cannot be told, so none is saved.
    case ambiguous

    public var description: String {
        switch self {
        case .saved(let user): return "the password of \(user) is saved in the Secret Service"
        case .notRequested: return "saving the password was not asked for"
        case .nothingTyped: return "no password was typed: nothing to save"
        case .noUserName: return "the password was not saved: no user name to file it under (give --user)"
        case .ambiguous:
            return "the password was not saved: the gateway asked the same question twice, so which answer was the "
                + "password is unclear (connect again with --save-password and the password only)"
        }
    }
}
