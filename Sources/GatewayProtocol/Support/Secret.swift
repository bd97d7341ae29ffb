/// A credential (password, session cookie) that never prints itself.
///
/// `description`, `debugDescription` and string interpolation all give `<redacted>`, so a secret that slips into
/// a log line, an event or an error message leaks nothing (DESIGN.md §6). Use `reveal()` at the one place the
/// bytes must go on the wire.
///
/// The bytes live in one buffer of their own, zeroed when the last copy of the secret goes (issue 13, item 14), so
/// a freed password does not linger in the heap. (The `String` that `reveal()` returns, and the one it was made
/// from, are Swift strings and are not wiped: keep them short-lived.)
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The buffer; not changed after init until `deinit` wipes it, hence safe to share.
    final class Storage: @unchecked Sendable {
        private(set) var bytes: [UInt8]

        init(_ value: String) { bytes = Array(value.utf8) }

        var count: Int { bytes.count }

        deinit {
            bytes.withUnsafeMutableBufferPointer { Storage.wipe($0) }
        }

        /// Zeroes a buffer; kept out of line so the stores are not dropped as dead.
        @inline(never)
        static func wipe(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
            guard let base = buffer.baseAddress else { return }
            // Through a volatile-like opaque pointer write per byte: the optimiser cannot prove the memory dead.
            for index in 0..<buffer.count { (base + index).pointee = 0 }
        }

        var string: String { String(decoding: bytes, as: UTF8.self) }

        func wipeForTesting() { bytes.withUnsafeMutableBufferPointer { Storage.wipe($0) } }
    }

    let storage: Storage

    public init(_ value: String) { storage = Storage(value) }

    public func reveal() -> String { storage.string }
    public var isEmpty: Bool { storage.count == 0 }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        lhs.storage === rhs.storage
            || lhs.storage.bytes == rhs.storage.bytes
    }
}
