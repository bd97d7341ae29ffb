import Foundation

/// Reads aggregate-auth replies (`config-auth`) and legacy forms (a root `auth`) into `AuthDocument`s,
/// following protocol.md §1.4-1.10.
public enum AuthDocumentParser {
    public static func parse(_ body: [UInt8]) throws(AuthDocumentError) -> AuthDocument {
        let root: MarkupElement
        do {
            root = try MarkupParser.parse(body)
        } catch {
            throw .markup(error)
        }
        switch root.name {
        case "config-auth":
            return try parseAggregate(root, raw: body)
        case "auth":
            // Legacy shape (§1.10): no config-auth wrapper, explicit method and action.
            if root.attributes["id"] == "success" {
                return .success(AuthSuccess(title: text(root, "title"), message: message(root.child("message")),
                                            banner: text(root, "banner")))
            }
            var form = try parseForm(auth: root, opaque: nil)
            form.isLegacy = true
            return .form(form)
        default:
            throw .notAuthDocument(root: root.name)
        }
    }

    private static func parseAggregate(_ root: MarkupElement, raw: [UInt8]) throws(AuthDocumentError) -> AuthDocument {
        let auth = root.child("auth")
        let token = root.child("session-token").map(\.trimmedText).flatMap { $0.isEmpty ? nil : $0 }
        if root.child("client-cert-request") != nil && auth == nil && token == nil {
            // An ASA whose group wants a certificate, or that forgot the TLS-level request (openconnect auth.c
            // `parse_xml_response`, `cstp_obtain_cookie`).
            return .clientCertificateRequest
        }
        // Success is `auth id="success"` or a session token; `type="complete"` alone is not: an ASA sends
        // `type="complete"` with nothing but an `<error>` when it refuses (issue 10; openconnect auth.c
        // `handle_auth_form` treats only id "success" as logged in).
        if auth?.attributes["id"] == "success" || token != nil {
            let config = root.child("config")
            return .success(AuthSuccess(
                sessionToken: token.map { Secret($0) },
                sessionID: root.child("session-id")?.trimmedText,
                serverCertHash: config?.descendant("server-cert-hash")?.trimmedText
                    ?? root.descendant("server-cert-hash")?.trimmedText,
                title: auth.flatMap { text($0, "title") },
                message: message(auth?.child("message")),
                banner: auth.flatMap { text($0, "banner") },
                profiles: manifest(root.descendant("vpn-profile-manifest")),
                corePackages: manifest(root.descendant("vpn-core-manifest"))
            ))
        }
        guard let auth else {
            // A config-auth with no auth element: a top-level error, or nothing usable.
            let error = message(root.child("error"))
            return .form(AuthForm(authID: "error", error: error ?? "the gateway sent a reply with no form"))
        }
        var form = try parseForm(auth: auth, opaque: rawOpaque(raw))
        if form.error == nil, let error = message(root.child("error")) { form.error = error }
        return .form(form)
    }

    private static func parseForm(auth: MarkupElement, opaque: String?) throws(AuthDocumentError) -> AuthForm {
        var form = AuthForm(authID: auth.attributes["id"] ?? "main")
        form.title = text(auth, "title")
        form.message = message(auth.child("message"))
        form.error = message(auth.child("error"))
        form.banner = text(auth, "banner")
        form.opaque = opaque
        form.sso = ssoLogin(auth)
        guard let formElement = auth.child("form") else { return form }
        let method = (formElement.attributes["method"] ?? "post").uppercased()
        guard method == "POST" else { throw .unsupportedMethod(method) }
        form.method = method
        if let action = formElement.attributes["action"] {
            guard !action.trimmingCharacters(in: .whitespaces).isEmpty else { throw .emptyAction }
            form.action = action
        }
        for element in formElement.children {
            if let field = field(element) { form.fields.append(field) }
        }
        return form
    }

    private static func field(_ element: MarkupElement) -> FormField? {
        guard let name = element.attributes["name"], !name.isEmpty else { return nil }
        let label = element.attributes["label"] ?? "\(name):"
        let secondAuth = element.attributes["second-auth"] == "1"
        switch element.name {
        case "input":
            let kind: FormField.Kind
            switch (element.attributes["type"] ?? "text").lowercased() {
            case "text": kind = .text
            case "password": kind = .password
            case "hidden": kind = .hidden
            case "sso": kind = .sso
            default: return nil  // submit, reset and anything unknown carry no answer
            }
            return FormField(kind: kind, name: name, label: label, value: element.attributes["value"] ?? "",
                             secondAuth: secondAuth)
        case "select":
            let options = element.children("option").map { option in
                let label = option.trimmedText
                return FormOption(value: option.attributes["value"] ?? label, label: label,
                                  selected: option.attributes["selected"].map { $0 == "true" || $0 == "selected" } ?? false,
                                  secondAuth: option.attributes["second-auth"] == "1",
                                  secondaryUsername: option.attributes["secondary_username"],
                                  secondaryUsernameEditable: option.attributes["secondary_username_editable"] == "true",
                                  noAAA: option.attributes["noaaa"] == "1")
            }
            return FormField(kind: .select, name: name, label: label, options: options, secondAuth: secondAuth)
        default:
            return nil
        }
    }

    /// The `sso-v2-*` elements of an `auth` (openconnect auth.c `parse_auth_node`); nil unless both URLs are
    /// usable (https, printable, bounded).
    private static func ssoLogin(_ auth: MarkupElement) -> SSOLogin? {
        guard let login = SSOLogin.checkedURL(auth.child("sso-v2-login")?.trimmedText),
              let final = SSOLogin.checkedURL(auth.child("sso-v2-login-final")?.trimmedText) else { return nil }
        let mode = auth.child("sso-v2-browser-mode")?.trimmedText.lowercased()
        return SSOLogin(loginURL: login, finalURL: final,
                        logoutURL: SSOLogin.checkedURL(auth.child("sso-v2-logout")?.trimmedText),
                        externalBrowser: mode == "external",
                        tokenCookieName: SSOLogin.checkedCookieName(auth.child("sso-v2-token-cookie-name")?.trimmedText)
                            ?? "acSamlv2Token",
                        errorCookieName: SSOLogin.checkedCookieName(auth.child("sso-v2-error-cookie-name")?.trimmedText)
                            ?? "acSamlv2Error")
    }

    private static func manifest(_ element: MarkupElement?) -> [ManifestFile] {
        guard let element else { return [] }
        var files: [ManifestFile] = []
        collectFiles(element, into: &files)
        return files
    }

    private static func collectFiles(_ element: MarkupElement, into files: inout [ManifestFile]) {
        for child in element.children {
            if child.name == "file", let uri = child.child("uri")?.trimmedText {
                let hash = child.child("hash")
                files.append(ManifestFile(type: child.attributes["type"] ?? "", serviceType: child.attributes["service-type"],
                                          uri: uri, hashAlgorithm: hash?.attributes["type"], hash: hash?.trimmedText))
            } else {
                collectFiles(child, into: &files)
            }
        }
    }

    private static func text(_ element: MarkupElement, _ name: String) -> String? {
        guard let value = element.child(name)?.trimmedText, !value.isEmpty else { return nil }
        return value
    }

    /// A message or error, its `%s` placeholders filled from param1 and param2 (protocol.md §1.4).
    static func message(_ element: MarkupElement?) -> String? {
        guard let element else { return nil }
        var text = element.trimmedText
        for key in ["param1", "param2"] {
            guard let range = text.range(of: "%s") else { break }
            text.replaceSubrange(range, with: element.attributes[key] ?? "")
        }
        return text.isEmpty ? nil : text
    }

    /// The first `<opaque …>…</opaque>` exactly as received (XMLParser cannot give back raw bytes).
    static func rawOpaque(_ body: [UInt8]) -> String? {
        let text = String(decoding: body, as: UTF8.self)
        guard let start = text.range(of: "<opaque"), let end = text.range(of: "</opaque>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.lowerBound..<end.upperBound])
    }
}
