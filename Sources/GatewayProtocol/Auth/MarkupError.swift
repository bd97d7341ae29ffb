/// Why a gateway's XML was refused. Every case ends the phase with a clear message; none crashes.
public enum MarkupError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLarge(limit: Int)
    case documentTypeForbidden
    case tooDeep(limit: Int)
    case tooManyElements(limit: Int)
    case malformed(line: Int, column: Int, reason: String)

    public var description: String {
        switch self {
        case .empty: return "the gateway sent an empty XML document"
        case .tooLarge(let limit): return "the gateway's XML exceeds \(limit) bytes"
        case .documentTypeForbidden:
            return "the gateway's XML declares a DOCTYPE or entities, which AnyConnect never uses; refused"
        case .tooDeep(let limit): return "the gateway's XML nests deeper than \(limit) levels"
        case .tooManyElements(let limit): return "the gateway's XML has more than \(limit) elements"
        case .malformed(let line, let column, let reason):
            return "the gateway's XML is malformed at line \(line), column \(column): \(reason)"
        }
    }
}
