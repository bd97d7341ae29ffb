/// CSTP (and DTLS) packet types (protocol.md §3.4).
public enum CSTPPacketType: UInt8, Sendable, Equatable {
    case data = 0x00
    case dpdRequest = 0x03
    case dpdResponse = 0x04
    case disconnect = 0x05
    case keepalive = 0x07
    case compressedData = 0x08
    case terminate = 0x09
}
