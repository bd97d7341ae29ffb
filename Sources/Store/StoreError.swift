import Foundation
internal import GRDB

/// Everything the store can fail with. Each description names the file, says whether it was changed, and says what
/// to do next, because these messages reach people at a terminal (DESIGN.md §4: reported clearly, never rewritten).
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The database has migrations this build does not know: a newer Swiftgate wrote it. It was left untouched.
    case newerSchema(path: String, unknown: [String])
    /// The file is not a readable SQLite database, or fails SQLite's own integrity check. It was left untouched.
    case damaged(path: String, reason: String)
    /// The file is an SQLite database that some other program owns. It was left untouched.
    case notSwiftgate(path: String)
    /// The file or a directory above it cannot be created, opened or given mode 0600.
    case cannotOpen(path: String, reason: String)
    /// Running as root under sudo, a file the store created could not be handed to the invoking user.
    case cannotHandOver(path: String, userID: UInt32, groupID: UInt32, reason: String)
    /// Another Swiftgate held the write lock longer than the busy timeout.
    case busy(path: String)
    /// A read or write failed; the transaction was rolled back, so nothing already saved was lost.
    case failed(path: String, operation: String, reason: String)
    /// An operation named a gateway that is not saved.
    case unknownGateway(name: String)
    /// A trust pin that is not `pin-sha256:<base64>`.
    case invalidPin(String)

    public var description: String {
        switch self {
        case let .newerSchema(path, unknown):
            return "\(path) was written by a newer Swiftgate (schema changes unknown to this version: "
                + unknown.joined(separator: ", ") + "). It was not changed. Upgrade Swiftgate, "
                + "or use another database with --db PATH."
        case let .damaged(path, reason):
            return "\(path) is damaged or is not an SQLite database (\(reason)). It was not changed. "
                + "Move it aside (mv '\(path)' '\(path).broken') and Swiftgate will create a new one; "
                + "gateways and trust decisions saved in it will have to be added again."
        case let .notSwiftgate(path):
            return "\(path) is an SQLite database that belongs to another program. It was not changed. "
                + "Use another file with --db PATH, or move it aside and Swiftgate will create a new one."
        case let .cannotOpen(path, reason):
            return "cannot open \(path): \(reason). Check that you own it and its directory (ls -l); "
                + "if an earlier run under sudo left it owned by root, run: sudo chown \"$USER\" '\(path)'"
        case let .cannotHandOver(path, userID, groupID, reason):
            return "created \(path) as root but could not give it to the invoking user (\(userID):\(groupID)): "
                + "\(reason). Run: sudo chown \(userID):\(groupID) '\(path)' so that runs without sudo can open it."
        case let .busy(path):
            return "\(path) is busy: another Swiftgate is writing to it. Try again in a moment."
        case let .failed(path, operation, reason):
            return "could not \(operation) in \(path): \(reason). Nothing already saved was lost; "
                + "check free disk space and permissions, then try again."
        case let .unknownGateway(name):
            return "no saved gateway named \"\(name)\". 'swiftgate gateways list' shows the saved ones."
        case let .invalidPin(pin):
            return "\"\(pin)\" is not a certificate pin: expected pin-sha256: followed by the base64 SHA-256 "
                + "of the certificate's public key, as Swiftgate prints it."
        }
    }

    /// Classifies an error thrown inside a database access. SQLite's message only: GRDB's full description also
    /// carries the statement's arguments, which have no place in a message meant for a terminal or a log.
    init(_ error: any Error, path: String, operation: String) {
        if let error = error as? StoreError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self = .failed(path: path, operation: operation, reason: String(describing: error))
            return
        }
        let reason = error.message ?? "SQLite result code \(error.extendedResultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self = .busy(path: path)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self = .damaged(path: path, reason: reason)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH, .SQLITE_READONLY:
            self = .cannotOpen(path: path, reason: reason)
        default:
            self = .failed(path: path, operation: operation, reason: reason)
        }
    }
}
