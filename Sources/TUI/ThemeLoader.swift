import Foundation

/// Reads themes: a built-in by name, or a JSON file from the user's themes directory (which may override a
/// built-in name). Errors are values, never crashes.
public enum ThemeLoader {
    /// Decodes a theme file's bytes; `path` only names the file in errors.
    public static func decode(_ data: Data, path: String) -> Result<Theme, ThemeError> {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return .failure(.empty(path: path))
        }
        do {
            return .success(try JSONDecoder().decode(Theme.self, from: data))
        } catch let error as DecodingError {
            return .failure(.malformed(path: path, reason: explain(error)))
        } catch {
            return .failure(.malformed(path: path, reason: String(describing: error)))
        }
    }

    /// Reads and decodes one file.
    public static func load(path: String) -> Result<Theme, ThemeError> {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            return .failure(.unreadable(path: path, reason: (error as NSError).localizedDescription))
        }
        return decode(data, path: path)
    }

    /// `NAME.json` in the user's directory first, then the built-in theme of that name.
    public static func load(name: String, userDirectory: String?) -> Result<Theme, ThemeError> {
        var searched: [String] = []
        if let userDirectory, !name.contains("/") {
            let path = (userDirectory as NSString).appendingPathComponent(name + ".json")
            searched.append(userDirectory)
            if FileManager.default.fileExists(atPath: path) { return load(path: path) }
        }
        if let theme = Theme.builtIn(named: name) { return .success(theme) }
        return .failure(.notFound(name: name, searched: searched))
    }

    /// A decoding error in one line: where in the file, and what was wrong.
    static func explain(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "" : " at \(text)"
        }
        switch error {
        case let .dataCorrupted(context):
            if context.codingPath.isEmpty { return "not valid JSON" }
            return context.debugDescription + path(context.codingPath)
        case let .keyNotFound(key, context):
            return "missing '\(key.stringValue)'" + path(context.codingPath)
        case let .typeMismatch(type, context):
            return "expected \(name(of: type))" + path(context.codingPath)
        case let .valueNotFound(type, context):
            return "expected \(name(of: type))" + path(context.codingPath)
        @unknown default:
            return String(describing: error)
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }
}
