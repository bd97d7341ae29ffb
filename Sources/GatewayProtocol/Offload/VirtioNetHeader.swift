/// The header a tun opened with IFF_VNET_HDR puts before every packet (issue 12, item 3): struct virtio_net_hdr of
/// Linux's include/uapi/linux/virtio_net.h, 10 bytes in the host's byte order (little-endian here; the tun uses
/// the native order unless told otherwise with TUNSETVNETLE/BE). Values come from the kernel, but are checked
/// like any input before they index a buffer.
public struct VirtioNetHeader: Equatable, Sendable {
    public static let length = 10
    /// VIRTIO_NET_HDR_F_NEEDS_CSUM: the checksum at `checksumStart + checksumOffset` holds only the pseudo-header
    /// sum; the rest of the sum, from `checksumStart` to the end, is the reader's to add.
    public static let needsChecksum: UInt8 = 1

    public enum Segmentation: UInt8, Sendable {
        case none = 0
        case tcpIPv4 = 1
        case udp = 3
        case tcpIPv6 = 4
    }

    public var flags: UInt8
    /// The GSO type with the ECN bit (0x80) masked off; nil for a type this code does not know.
    public var segmentation: Segmentation?
    public var headerLength: Int
    /// The MSS each segment's payload is cut to.
    public var segmentSize: Int
    public var checksumStart: Int
    public var checksumOffset: Int

    public init(flags: UInt8 = 0, segmentation: Segmentation? = Segmentation.none, headerLength: Int = 0, segmentSize: Int = 0,
                checksumStart: Int = 0, checksumOffset: Int = 0) {
        self.flags = flags
        self.segmentation = segmentation
        self.headerLength = headerLength
        self.segmentSize = segmentSize
        self.checksumStart = checksumStart
        self.checksumOffset = checksumOffset
    }

    /// Parses the first 10 bytes; nil when there are fewer.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.length else { return nil }
        func little(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        flags = bytes[0]
        segmentation = Segmentation(rawValue: bytes[1] & 0x7f)
        headerLength = little(2)
        segmentSize = little(4)
        checksumStart = little(6)
        checksumOffset = little(8)
    }

    /// Writes the header into the first 10 bytes of `buffer`.
    public func write(into buffer: UnsafeMutableRawBufferPointer) {
        func little(_ value: Int, _ at: Int) {
            buffer[at] = UInt8(truncatingIfNeeded: value)
            buffer[at + 1] = UInt8(truncatingIfNeeded: value >> 8)
        }
        buffer[0] = flags
        buffer[1] = segmentation?.rawValue ?? 0
        little(headerLength, 2)
        little(segmentSize, 4)
        little(checksumStart, 6)
        little(checksumOffset, 8)
    }
}
