import Foundation

/// A file the front end read with the user's own rights (a CA bundle, a client certificate or key), sent to the
/// service so that root never opens a path a user named.
public struct FileContents: Sendable, Equatable, Codable {
    /// The base name only: its extension tells PEM from PKCS#12.
    public var name: String
    public var bytes: Data

    public init(name: String, bytes: Data) {
        self.name = name
        self.bytes = bytes
    }

    /// Reads `path` as the calling user; nil if it cannot be read.
    public static func read(_ path: String) -> FileContents? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return FileContents(name: (path as NSString).lastPathComponent, bytes: data)
    }

    /// A base name with nothing that could climb out of the directory it is written to.
    public var safeName: String {
        let cleaned = name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" }
        let text = String(cleaned.prefix(64)).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return text.isEmpty ? "file" : text
    }
}
