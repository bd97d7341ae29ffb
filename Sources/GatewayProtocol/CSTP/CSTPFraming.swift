/// The 8-byte CSTP header (protocol.md §3.4): magic `STF` 0x01, payload length (big-endian, header excluded),
/// type, and a zero byte.
public enum CSTPFraming {
    public static let headerLength = 8
    public static let magic: (UInt8, UInt8, UInt8, UInt8) = (0x53, 0x54, 0x46, 0x01)
    /// The longest payload Swiftgate accepts: a tunnel MTU never comes near it, and a peer that claims more lies.
    public static let maxPayload = 16 * 1024

    /// Writes a header for `length` payload bytes at `offset` of `buffer` (no allocation: the data plane frames
    /// packets in place, in front of the payload it read from the tun).
    public static func writeHeader(into buffer: UnsafeMutableRawBufferPointer, at offset: Int, type: CSTPPacketType,
                                   length: Int) {
        buffer[offset] = magic.0
        buffer[offset + 1] = magic.1
        buffer[offset + 2] = magic.2
        buffer[offset + 3] = magic.3
        buffer[offset + 4] = UInt8(truncatingIfNeeded: length >> 8)
        buffer[offset + 5] = UInt8(truncatingIfNeeded: length)
        buffer[offset + 6] = type.rawValue
        buffer[offset + 7] = 0
    }

    /// A whole frame as bytes: for control packets, which are rare.
    public static func frame(_ type: CSTPPacketType, payload: [UInt8] = []) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: headerLength + payload.count)
        bytes.withUnsafeMutableBytes { writeHeader(into: $0, at: 0, type: type, length: payload.count) }
        bytes.replaceSubrange(headerLength..., with: payload)
        return bytes
    }

    /// The client's DISCONNECT: reason byte then text (0xb0 "user disconnect" ends the session on the gateway).
    public static func disconnect(reason: UInt8 = 0xb0, text: String = "Aborted by caller") -> [UInt8] {
        frame(.disconnect, payload: [reason] + Array(text.utf8))
    }
}
