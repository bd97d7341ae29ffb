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
    /// The buffer; immutable after init, hence safe to share.
    final class Storage: @unchecked Sendable {
        let bytes: UnsafeMutableBufferPointer<UInt8>

        init(_ value: String) {
            let utf8 = value.utf8
            bytes = .allocate(capacity: max(1, utf8.count))
            _ = bytes.initialize(from: utf8)
            count = utf8.count
        }

        let count: Int

        deinit {
            Storage.wipe(bytes)
            bytes.deallocate()
        }

        /// Zeroes a buffer; kept out of line and unoptimised so the stores are not dropped as dead.
        @inline(never) @_optimize(none)
        static func wipe(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
            for index in buffer.indices { buffer[index] = 0 }
        }

        var string: String { String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<count]), as: UTF8.self) }
    }

    let storage: Storage

    public init(_ value: String) { storage = Storage(value) }

    public func reveal() -> String { storage.string }
    public var isEmpty: Bool { storage.count == 0 }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        lhs.storage === rhs.storage
            || (lhs.storage.count == rhs.storage.count
                && UnsafeBufferPointer(rebasing: lhs.storage.bytes[0..<lhs.storage.count])
                    .elementsEqual(UnsafeBufferPointer(rebasing: rhs.storage.bytes[0..<rhs.storage.count])))
    }
}
