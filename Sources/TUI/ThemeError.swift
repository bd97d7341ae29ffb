/// Why a theme could not be used; the interface then falls back to the default and shows this text.
public enum ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(name: String, searched: [String])
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notFound(name, searched):
            let places = searched.isEmpty ? "" : " (looked in \(searched.joined(separator: ", ")))"
            let known = Theme.builtIn.map(\.name).joined(separator: ", ")
            return "no theme named '\(name)'\(places); built-in themes: \(known)"
        case let .unreadable(path, reason):
            return "cannot read theme file \(path): \(reason)"
        case let .empty(path):
            return "theme file \(path) is empty"
        case let .malformed(path, reason):
            return "theme file \(path) is not a valid theme: \(reason)"
        }
    }
}
