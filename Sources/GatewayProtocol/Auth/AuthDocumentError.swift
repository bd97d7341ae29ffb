/// Why a gateway reply could not be read as an authentication document.
public enum AuthDocumentError: Error, Equatable, Sendable, CustomStringConvertible {
    case markup(MarkupError)
    case notAuthDocument(root: String)
    case emptyAction
    case unsupportedMethod(String)

    public var description: String {
        switch self {
        case .markup(let error): return error.description
        case .notAuthDocument(let root):
            return "the gateway's reply is not an AnyConnect authentication document (root element <\(root.prefix(40))>)"
        case .emptyAction: return "the gateway's form has an empty action"
        case .unsupportedMethod(let method):
            return "the gateway's form uses method '\(method.prefix(20))'; only POST is supported"
        }
    }
}
