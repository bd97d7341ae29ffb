import Foundation
import GatewayProtocol
import SecureChannel

/// Single sign-on (issue 11): the form's `sso` field is answered by a browser login — the system browser with
/// the token returned encrypted to this login's STRAP key (ASA 9.17+ external mode), a Chromium driven over
/// DevTools (embedded mode), or, where no browser can be shown, a token the person pastes.
extension ConnectionEngine {
    func singleSignOn(_ sso: SSOLogin) async throws(EngineError) -> Secret {
        let environment = ProcessInfo.processInfo.environment
        let overSSH = ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"].contains { !(environment[$0] ?? "").isEmpty }
        if sso.externalBrowser, let keys = strapKeys {
            return try await externalLogin(sso, keys: keys, overSSH: overSSH, environment: environment)
        }
        var why: String
        if sso.externalBrowser {
            why = "the gateway wants the external-browser mode, and this login has no STRAP key"
        } else if !options.embeddedBrowserAllowed {
            why = "the Swiftgate service does not run a browser for a user (embedded mode needs the client run as root)"
        } else if let browser = EmbeddedBrowserLogin.findBrowser(options.ssoBrowser) {
            if options.ssoHeadless || EmbeddedBrowserLogin.canShowWindow(environment: environment) {
                return try await embeddedLogin(sso, browser: browser)
            }
            why = "no window can be shown here (no DISPLAY or WAYLAND_DISPLAY) for the browser login"
        } else {
            why = "no browser to drive was found (install chromium, or name one with --sso-browser)"
        }
        return try await pastedToken(sso, why: why, overSSH: overSSH)
    }

    private func progress(_ state: SSOProgress.State, _ mode: SSOProgress.Mode, _ sso: SSOLogin, browser: String? = nil,
                          overSSH: Bool = false, message: String? = nil, port: Int? = nil) -> EngineEvent {
        .sso(SSOProgress(state: state, mode: mode, loginURL: sso.loginURL, timeoutSeconds: options.authTimeoutSeconds,
                         browser: browser, overSSH: overSSH, message: message, callbackPort: port))
    }

    private func externalLogin(_ sso: SSOLogin, keys: STRAPKeys, overSSH: Bool,
                               environment: [String: String]) async throws(EngineError) -> Secret {
        let listener = try SSOCallbackListener(port: options.ssoCallbackPort)
        defer { listener.close() }
        // The system browser, unless nothing here can show one: a text browser that xdg-open might pick would
        // take over the terminal.
        var browser: String?
        var message: String?
        let graphical = EmbeddedBrowserLogin.canShowWindow(environment: environment)
        let loginURL = sso.loginURL
        if let opening = try await ask({ [frontEnd] in await frontEnd.openLoginURL(loginURL) }) ?? nil {
            browser = opening.browser
            message = opening.problem
        } else if options.externalBrowser != nil || !(environment["BROWSER"] ?? "").isEmpty || graphical {
            do {
                try BrowserLauncher.open(sso.loginURL, command: options.externalBrowser)
                browser = options.externalBrowser ?? environment["BROWSER"].flatMap { $0.isEmpty ? nil : $0 } ?? "xdg-open"
            } catch {
                message = "\(error.summary): open the URL yourself"
            }
        } else {
            message = "no browser can be started here (no graphical session): open the URL on another device"
        }
        emit(progress(.started, .external, sso, browser: browser, overSSH: overSSH, message: message,
                      port: options.ssoCallbackPort))
        let cancellation = self.cancellation
        let timeout = options.authTimeoutSeconds
        let text: String
        do {
            text = try await Blocking.run { () throws(EngineError) -> String in
                try listener.waitForBlob(timeoutSeconds: timeout, cancelled: { cancellation.cancelled != nil })
            }
        } catch {
            emit(progress(.failed, .external, sso, message: error.summary))
            if let why = cancellation.cancelled { throw .cancelled(why) }
            throw error
        }
        do {
            let token = try keys.decryptToken(try SSOCallbackBlob.parse(text))
            emit(progress(.done, .external, sso))
            return token
        } catch {
            let reason = "the browser brought back a token this login cannot read (\(error))"
            emit(progress(.failed, .external, sso, message: reason))
            throw .protocolError(.userAuth, reason)
        }
    }

    private func embeddedLogin(_ sso: SSOLogin, browser: String) async throws(EngineError) -> Secret {
        // A fresh profile per run is made (and removed) inside this directory by EmbeddedBrowserLogin.
        let keys = acceptedPins.union(lastReport.map { [$0.pin] } ?? [])
            .map { $0.hasPrefix("pin-sha256:") ? String($0.dropFirst("pin-sha256:".count)) : $0 }
        let login = EmbeddedBrowserLogin(browserPath: browser, headless: options.ssoHeadless,
                                         userDataDirectory: NSTemporaryDirectory(), trustedKeyHashes: keys.sorted())
        emit(progress(.started, .embedded, sso, browser: browser))
        let cancellation = self.cancellation
        let timeout = options.authTimeoutSeconds
        let outcome: EmbeddedBrowserOutcome
        do {
            outcome = try await Blocking.run { () throws(EmbeddedBrowserError) -> EmbeddedBrowserOutcome in
                try login.run(loginURL: sso.loginURL, finalURL: sso.finalURL, tokenCookie: sso.tokenCookieName,
                              errorCookie: sso.errorCookieName, timeoutSeconds: timeout,
                              cancelled: { cancellation.cancelled != nil })
            }
        } catch {
            emit(progress(.failed, .embedded, sso, browser: browser, message: "\(error)"))
            if let why = cancellation.cancelled { throw .cancelled(why) }
            throw .failed(.userAuth, "single sign-on in \(browser): \(error)")
        }
        switch outcome {
        case .token(let token):
            emit(progress(.done, .embedded, sso, browser: browser))
            return token
        case .gatewayError(let text):
            emit(progress(.failed, .embedded, sso, browser: browser, message: text))
            throw .authenticationRefused(text)
        }
    }

    /// No browser here: the URL (and its QR code) on screen, the token pasted by the person.
    private func pastedToken(_ sso: SSOLogin, why: String, overSSH: Bool) async throws(EngineError) -> Secret {
        emit(progress(.started, .pasted, sso, overSSH: overSSH, message: why))
        let form = AuthForm(authID: "sso-token", message: "Single sign-on: \(why). Open \(sso.loginURL), log in, "
                            + "and paste the value of the \(sso.tokenCookieName) cookie the gateway sets.",
                            fields: [FormField(kind: .password, name: "sso-token", label: "\(sso.tokenCookieName):")])
        guard let token = (try await ask({ [frontEnd] in await frontEnd.fillForm(form) }) ?? nil)?["sso-token"],
              !token.reveal().isEmpty else {
            emit(progress(.failed, .pasted, sso, message: "no token given"))
            throw .cancelled("no single sign-on token was given (\(why))")
        }
        emit(progress(.done, .pasted, sso))
        return token
    }
}
