/// What a key on a screen asks the application to do; `TUIModel` turns some into confirmations first.
public enum ScreenOutcome: Sendable, Equatable {
    /// Handled inside the screen (or ignored): just redraw.
    case none
    case connect(String)
    case add
    case edit(String)
    case delete(String)
    case disconnect
    /// Give up the attempt now, without asking (Esc while the gateway holds the login).
    case cancelAttempt
    case reconnect
    case show(ScreenID)
    /// Leave the help screen (back to where it was opened from).
    case back
    case quit
    /// Disconnect, then quit (asks first while a connection is up).
    case quitAndDisconnect
    /// Undo what a session that died without its teardown left (issue 14, item 5).
    case cleanup
    /// Remove the gateway's saved password from the Secret Service (issue 15, item 5).
    case forgetPassword(String)
}
