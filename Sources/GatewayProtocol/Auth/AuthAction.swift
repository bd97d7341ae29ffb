/// What the authentication flow asks its driver (the engine) to do next.
public enum AuthAction: Sendable, Equatable {
    /// Send this request on the gateway connection and hand the response to `AuthFlow.receive`.
    case send(HTTPRequest)
    /// Ask the front end which group to use, then call `AuthFlow.chooseGroup`.
    case chooseGroup(GroupChoice)
    /// The group is settled (phase `group-select` is done); call `AuthFlow.next()`.
    case groupSettled(offered: [FormOption], chosen: FormOption?, reposts: Int)
    /// Ask the front end to fill these fields, then call `AuthFlow.submit`.
    case fillForm(AuthForm)
    /// The gateway sent `<client-cert-request/>` (the `attempt`th time): open a new connection presenting a
    /// certificate if one is configured or chosen, then call `AuthFlow.answerCertificateRequest`.
    case clientCertificateRequested(attempt: Int)
    /// Done: the session cookie and what came with it.
    case authenticated(AuthResult)
}
