/// The aggregate-auth conversation (protocol.md phase 1) as a state machine with no I/O: responses in,
/// `AuthAction`s out. The engine sends the requests and asks the front end; the flow decides.
///
/// Order of events against ocserv (traces/psk-group-select.txt): init POST → form with `group_list` → (a new init
/// with `group-select` when the choice is not the server's default) → username form → password form → success.
public struct AuthFlow: Sendable {
    private enum State: Sendable {
        case idle
        case awaitingInitReply
        case awaitingGroupChoice(AuthForm)
        case awaitingNext(AuthForm)
        case awaitingAnswers(AuthForm)
        case awaitingReply
        case awaitingLegacyPage
        /// `<client-cert-request/>` came; the engine answers with `answerCertificateRequest`.
        case awaitingCertificateDecision
        case done
    }

    public let configuration: AuthConfiguration
    private let builder: AuthRequestBuilder
    private var state = State.idle
    public private(set) var cookies = CookieJar()
    /// The URL of the page being answered (form actions are relative to it).
    public private(set) var currentURL: GatewayURL
    /// The gateway the session lives on: the configured one, or the cluster member a redirect or a form action
    /// on another host moved the login to (openconnect http.c `handle_redirect`). CONNECT goes here.
    public private(set) var gatewayURL: GatewayURL
    public private(set) var legacy = false
    private var chosen: FormOption?
    private var offered: [FormOption] = []
    private var groupSettled = false
    private var reposts = 0
    private var redirects = 0
    private var forms = 0
    private var certificateRequests = 0
    /// The last form that had nothing to answer was posted back once; the same again is the gateway's final word.
    private var blindPosts = 0

    public init(configuration: AuthConfiguration) {
        self.configuration = configuration
        self.builder = AuthRequestBuilder(configuration: configuration)
        self.currentURL = configuration.url
        self.gatewayURL = configuration.url
    }

    /// The first request: `config-auth type="init"`.
    public mutating func start() -> AuthAction {
        state = .awaitingInitReply
        // A group the gateway offered before goes in the first init, so an SSO gateway answers with that group's
        // SAML login rather than the default group's (issue 11). Not a label or an unknown name: ocserv copies
        // the value into its XML unescaped, and answers an unknown one with 401 (lab, AuthenticationLabTests).
        let early = configuration.groupIsKnownValue ? configuration.group : nil
        return .send(builder.initRequest(url: currentURL, groupSelect: early, cookies: cookies))
    }

    /// Handles the gateway's answer to the last `.send`.
    public mutating func receive(_ response: HTTPResponse) throws(AuthFlowError) -> AuthAction {
        cookies.update(from: response.headers)
        let atInit: Bool
        switch state {
        case .awaitingInitReply: atInit = true
        case .awaitingReply, .awaitingLegacyPage: atInit = false
        default: throw .notExpected("a response")
        }

        if response.status == 401 || response.status == 403 {
            state = .done
            throw .refused(Self.refusalText(response))
        }
        if response.isRedirect {
            return try followRedirect(response, atInit: atInit)
        }
        guard response.status == 200 else {
            // A gateway without aggregate-auth v2 answers the XML init with 400/404/405 (protocol.md §1.10).
            if atInit && !legacy { return startLegacy(at: currentURL) }
            state = .done
            throw .unexpectedStatus(response.status, response.reason)
        }

        let document: AuthDocument
        do {
            document = try AuthDocumentParser.parse(response.body)
        } catch {
            if atInit && !legacy, case .markup = error { return startLegacy(at: currentURL) }
            if atInit && !legacy, case .notAuthDocument = error { return startLegacy(at: currentURL) }
            state = .done
            throw .badDocument(error)
        }

        switch document {
        case .success(let success):
            state = .done
            return .authenticated(try result(from: success))
        case .clientCertificateRequest:
            guard atInit, certificateRequests < configuration.maxCertificateRequests else {
                state = .done
                throw .certificateRequestLoop
            }
            certificateRequests += 1
            state = .awaitingCertificateDecision
            return .clientCertificateRequested(attempt: certificateRequests)
        case .form(let form):
            forms += 1
            guard forms <= configuration.maxForms else { state = .done; throw .tooManyForms }
            if form.isLegacy { legacy = true }
            if let action = form.action {
                guard let url = resolve(action) else {
                    state = .done
                    throw .unsupportedRedirect(action)
                }
                move(to: url)
            }
            return try present(form)
        }
    }

    /// The answer to `.clientCertificateRequested`: `presenting` when the engine opened a new connection that
    /// presents a certificate (re-POST `init` there), false to go on without one (`<client-cert-fail/>`).
    public mutating func answerCertificateRequest(presenting: Bool) throws(AuthFlowError) -> AuthAction {
        guard case .awaitingCertificateDecision = state else { throw .notExpected("a certificate decision") }
        state = .awaitingInitReply
        return .send(builder.initRequest(url: currentURL, groupSelect: groupSettled ? nil : chosen?.value,
                                         cookies: cookies, certificateFailed: !presenting))
    }

    /// The front end's answer to `.chooseGroup`.
    public mutating func chooseGroup(_ option: FormOption) throws(AuthFlowError) -> AuthAction {
        guard case .awaitingGroupChoice(let form) = state else { throw .notExpected("a group choice") }
        chosen = option
        return try settleGroup(form)
    }

    /// After `.groupSettled`: the form that came with the group list.
    public mutating func next() throws(AuthFlowError) -> AuthAction {
        guard case .awaitingNext(let form) = state else { throw .notExpected("next()") }
        return try ask(form)
    }

    /// The front end's answers to `.fillForm`, by field name.
    public mutating func submit(_ answers: [String: Secret]) throws(AuthFlowError) -> AuthAction {
        guard case .awaitingAnswers(let form) = state else { throw .notExpected("form answers") }
        var pairs: [(name: String, value: String)] = []
        for field in form.fields {
            if field.isGroupList {
                if form.isLegacy, let chosen { pairs.append((field.name, chosen.value)) }
                continue
            }
            let value: String
            if field.kind == .hidden {
                value = field.value
            } else if let answer = answers[field.name] {
                value = answer.reveal()
            } else {
                throw .missingAnswer(field: field.name)
            }
            // Renames and drops of protocol.md §1.6.
            switch field.name {
            case "verify_pin", "verify_password": continue
            case "answer", "whichpin", "new_password": pairs.append(("password", value))
            default: pairs.append((field.name, value))
            }
        }
        state = .awaitingReply
        if form.isLegacy {
            return .send(builder.legacyPost(url: currentURL, answers: pairs, cookies: cookies))
        }
        return .send(builder.replyRequest(form: form, url: currentURL, answers: pairs, groupSelect: chosen?.value,
                                          cookies: cookies))
    }

    // MARK: - Steps

    private mutating func present(_ form: AuthForm) throws(AuthFlowError) -> AuthAction {
        let hasHidden = form.fields.contains { $0.kind == .hidden }
        let nothingToAsk = form.questions.isEmpty && form.authID != "authentication-complete"
        // Nothing left to answer: an error (or a bare message) is the gateway's final word (§1.7, §1.8). An
        // error beside a form holding only `group_list` is how an ASA refuses after HostScan/DAP ("Cisco Secure
        // Desktop not installed", "unauthorized connection mechanism"): resubmitting it only brings it back, so
        // openconnect prints the error and stops (auth.c `handle_auth_form`, issue 10).
        if nothingToAsk && form.error != nil {
            state = .done
            throw .refused(form.error!)
        }
        if nothingToAsk && form.groupList == nil && !hasHidden {
            state = .done
            throw .refused(form.message ?? "the gateway ended the login without a reason")
        }
        if nothingToAsk && groupSettled && !hasHidden {
            // The group list again, with nothing else and no reason, after the group was settled.
            state = .done
            throw .refused(form.message ?? "the gateway asked for the group again without saying why")
        }
        if !groupSettled, let list = form.groupList {
            offered = list.options
            let choice = GroupChoice(label: list.label, options: list.options, defaultOption: list.defaultOption,
                                     message: form.message)
            if chosen == nil {
                if let wanted = configuration.group {
                    guard let match = choice.match(wanted) else {
                        state = .done
                        throw .unknownGroup(wanted, offered: list.options)
                    }
                    chosen = match
                } else {
                    state = .awaitingGroupChoice(form)
                    return .chooseGroup(choice)
                }
            }
            return try settleGroup(form)
        }
        if !groupSettled {
            groupSettled = true
            state = .awaitingNext(form)
            return .groupSettled(offered: offered, chosen: chosen, reposts: reposts)
        }
        return try ask(form)
    }

    /// Re-POSTs `init` with `group-select` while the gateway's default is not the chosen group (§1.5).
    private mutating func settleGroup(_ form: AuthForm) throws(AuthFlowError) -> AuthAction {
        let serverDefault = form.groupList?.defaultOption
        if let chosen, !legacy, serverDefault?.value != chosen.value {
            guard reposts < configuration.maxGroupReposts else {
                state = .done
                throw .groupRepostLoop(chosen.value)
            }
            reposts += 1
            state = .awaitingInitReply
            return .send(builder.initRequest(url: currentURL, groupSelect: chosen.value, cookies: cookies))
        }
        if chosen == nil { chosen = serverDefault }
        groupSettled = true
        state = .awaitingNext(form)
        return .groupSettled(offered: offered, chosen: chosen, reposts: reposts)
    }

    private mutating func ask(_ received: AuthForm) throws(AuthFlowError) -> AuthAction {
        let form = Self.applyGroupPolicy(received, group: chosen)
        state = .awaitingAnswers(form)
        if form.questions.isEmpty {
            // Only hidden fields (or OpenConnect's "authentication-complete"): post it back as it is, once; the
            // same form again means the gateway will not move on.
            blindPosts += 1
            guard blindPosts <= 2 else { state = .done; throw .tooManyForms }
            return try submit([:])
        }
        return .fillForm(form)
    }

    /// What the chosen group's option says about the form (openconnect library.c `process_auth_form`): with
    /// `noaaa` no text or password is asked; fields marked `second-auth` are asked only for a group with
    /// `second-auth`; a prefilled `secondary_username` that is not editable is sent as it is. A field that is
    /// not asked is still posted (with its preset value, or empty), as openconnect does.
    static func applyGroupPolicy(_ form: AuthForm, group: FormOption?) -> AuthForm {
        guard let group, form.groupList != nil || group.noAAA || group.secondAuth || group.secondaryUsername != nil
        else { return form }
        var form = form
        form.fields = form.fields.map { field in
            guard field.kind == .text || field.kind == .password else { return field }
            var field = field
            if group.noAAA || (field.secondAuth && !group.secondAuth) {
                field.kind = .hidden
            } else if field.name == "secondary_username" && field.secondAuth {
                if let preset = group.secondaryUsername { field.value = preset }
                if !group.secondaryUsernameEditable { field.kind = .hidden }
            }
            return field
        }
        return form
    }

    private mutating func startLegacy(at url: GatewayURL) -> AuthAction {
        legacy = true
        state = .awaitingLegacyPage
        return .send(builder.get(url: url, cookies: cookies, aggregate: false))
    }

    private mutating func followRedirect(_ response: HTTPResponse, atInit: Bool) throws(AuthFlowError) -> AuthAction {
        redirects += 1
        guard redirects <= configuration.maxRedirects else { state = .done; throw .tooManyRedirects }
        guard let location = response.headers["Location"], let target = resolve(location) else {
            state = .done
            throw .unsupportedRedirect(response.headers["Location"] ?? "(no Location header)")
        }
        let otherHost = !target.sameGateway(as: currentURL)
        move(to: target)
        if atInit && !legacy && otherHost {
            // A cluster director sending the client to a member: log in there from the start (openconnect
            // auth.c `cstp_obtain_cookie` follows a new-host redirect and re-POSTs init).
            state = .awaitingInitReply
            return .send(builder.initRequest(url: target, groupSelect: groupSettled ? nil : chosen?.value,
                                             cookies: cookies))
        }
        if atInit && !legacy {
            // An XML POST answered by a same-host redirect: the gateway does not speak aggregate-auth (§1.10).
            return startLegacy(at: target)
        }
        state = legacy ? .awaitingLegacyPage : .awaitingReply
        return .send(builder.get(url: target, cookies: cookies, aggregate: !legacy))
    }

    /// Moves the login to `url`; on another host or port the cookie jar starts empty, so no cookie of one
    /// gateway reaches another, and the session now lives there (openconnect http.c `handle_redirect`).
    private mutating func move(to url: GatewayURL) {
        if !url.sameGateway(as: currentURL) {
            cookies = CookieJar()
            gatewayURL = url
        }
        currentURL = url
    }

    /// A form action or Location: a path on this gateway, or an https URL of any gateway; nil for anything else
    /// (http:// would send the credentials in clear).
    private func resolve(_ reference: String) -> GatewayURL? {
        if reference.hasPrefix("/") { return currentURL.with(path: reference) }
        if reference.lowercased().hasPrefix("https://") {
            return try? GatewayURL(parsing: reference)
        }
        if reference.contains("://") || reference.hasPrefix("//") { return nil }
        // Relative to the current directory.
        let path = currentURL.path
        let directory = path[path.startIndex...path.lastIndex(of: "/")!]
        return currentURL.with(path: directory + reference)
    }

    private func result(from success: AuthSuccess) throws(AuthFlowError) -> AuthResult {
        guard let cookie = cookies["webvpn"] ?? success.sessionToken, !cookie.isEmpty else { throw .noCookie }
        return AuthResult(cookie: cookie, sessionID: success.sessionID, serverCertHash: success.serverCertHash,
                          banner: success.banner, message: success.message, profiles: success.profiles,
                          corePackages: success.corePackages, groupsOffered: offered, group: chosen,
                          usedLegacyFlow: legacy)
    }

    /// The gateway's own words for a 401/403: its reason phrase, or an error element in the body.
    static func refusalText(_ response: HTTPResponse) -> String {
        if case .form(let form)? = try? AuthDocumentParser.parse(response.body), let error = form.error ?? form.message {
            return error
        }
        let reason = response.reason.trimmingSpaces
        return reason.isEmpty ? "HTTP \(response.status)" : "HTTP \(response.status) \(reason)"
    }
}
