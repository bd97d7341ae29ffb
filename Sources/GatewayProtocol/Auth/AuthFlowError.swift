/// Why authentication ended without a cookie.
public enum AuthFlowError: Error, Equatable, Sendable, CustomStringConvertible {
    /// HTTP 401/403, or an error form with nothing left to answer: the gateway said no.
    case refused(String)
    /// `--group` named no option the gateway offers.
    case unknownGroup(String, offered: [FormOption])
    /// The gateway's reply could not be understood.
    case badDocument(AuthDocumentError)
    case badResponse(HTTPParseError)
    case unexpectedStatus(Int, String)
    /// A redirect or form action the client will not follow (not https, or no Location).
    case unsupportedRedirect(String)
    /// `<client-cert-request/>` again after every answer.
    case certificateRequestLoop
    case tooManyRedirects
    case tooManyForms
    case noCookie
    case missingAnswer(field: String)
    case groupRepostLoop(String)
    /// The flow was driven out of order: a bug in the caller, reported rather than trapped.
    case notExpected(String)

    /// Gateway text in an error: control characters out, at most 120 characters.
    static func printable(_ text: String) -> String {
        String(String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }).prefix(120))
    }

    public var description: String {
        switch self {
        case .refused(let message): return "the gateway refused the login: \(message)"
        case .unknownGroup(let wanted, let offered):
            let list = offered.map { $0.value == $0.label ? "'\($0.value)'" : "'\($0.value)' (\($0.label))" }
            return "the gateway offers no group '\(wanted)'; it offers \(list.joined(separator: ", "))"
        case .badDocument(let error): return error.description
        case .badResponse(let error): return error.description
        case .unexpectedStatus(let status, let reason): return "unexpected HTTP status \(status) \(reason.prefix(80))"
        case .unsupportedRedirect(let target):
            return "the gateway sent the login to '\(Self.printable(target))', which is not an https address of a gateway"
        case .certificateRequestLoop:
            return "the gateway kept asking for a client certificate (give one with --certificate, or ask its admins "
                + "which certificate the group needs)"
        case .tooManyRedirects: return "too many redirects"
        case .tooManyForms: return "the gateway kept sending forms without ending the login"
        case .noCookie: return "the gateway reported success but sent no session cookie"
        case .missingAnswer(let field): return "no answer for the form field '\(field)'"
        case .groupRepostLoop(let group): return "the gateway did not accept the group '\(group)' after 5 tries"
        case .notExpected(let what): return "internal error: \(what) was not expected now"
        }
    }
}
