/// A gateway reply during authentication, parsed.
public enum AuthDocument: Sendable, Equatable {
    case form(AuthForm)
    case success(AuthSuccess)
}
