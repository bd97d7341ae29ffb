/// Joins the TCP segments the gateway sends down into one super-packet for one tun write (issue 12, item 3): the
/// receive side of what `TCPSegmenter` undoes, as wireguard-go's tun offload (tun/offload_linux.go) and the
/// kernel's own GRO (net/ipv4/tcp_offload.c tcp_gro_receive) do. Segments join when they belong to the same
/// IPv4 flow, follow each other in sequence and IP id, carry identical headers otherwise (TOS, TTL, DF, ACK,
/// window, options), bring ACK or ACK|PSH only (PSH ends the super-packet), and are as long as the first (the
/// last may be shorter, and ends it). The result goes to the tun behind a virtio header asking for TCPv4 GSO
/// with the checksum left partial (the pseudo-header sum in the TCP field, CHECKSUM_PARTIAL), so the kernel takes
/// the lot as one skb. Anything else is refused and written as it came.
///
/// Every segment's IP and TCP checksums are verified before it joins: the kernel does not check a
/// CHECKSUM_PARTIAL packet, and a segment it would have dropped must not reach a socket inside a super-packet.
///
/// One flow at a time: a segment from another flow is refused, and the caller finishes the pending super-packet
/// and starts over with it. One buffer for the coalescer's life; nothing allocated per packet. Pure.
public final class TCPCoalescer {
    /// The most one super-packet holds: the IPv4 total length field's limit.
    public static let capacity = 65535

    private let buffer: UnsafeMutableRawBufferPointer
    /// Segments in the pending super-packet; 0 when none is pending.
    public private(set) var count = 0
    private var length = 0
    private var headersLength = 0
    private var segmentSize = 0
    private var nextSequence: UInt32 = 0
    private var nextID: UInt16 = 0
    /// Set once a segment ended the super-packet (PSH, or shorter than the first).
    private var closed = false
    private var lastPush = false

    public init() {
        buffer = .allocate(byteCount: Self.capacity, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Adds `packet` to the pending super-packet, or starts one with it when none is pending. False when it cannot
    /// join: with a super-packet pending, finish it and try again; with none, the packet is not one to coalesce.
    public func add(_ packet: UnsafeRawBufferPointer) -> Bool {
        guard let segment = Self.segment(packet) else { return false }
        if count == 0 {
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<packet.count]).copyMemory(from: packet)
            count = 1
            length = packet.count
            headersLength = segment.headersLength
            segmentSize = segment.payload
            nextSequence = segment.sequence &+ UInt32(segment.payload)
            nextID = Self.load(at: 4, in: packet) &+ 1
            lastPush = segment.push
            closed = segment.push
            return true
        }
        guard !closed, segment.headersLength == headersLength, segment.payload <= segmentSize,
              length + segment.payload <= Self.capacity,
              segment.sequence == nextSequence, Self.load(at: 4, in: packet) == nextID,
              sameHeaders(packet) else { return false }
        UnsafeMutableRawBufferPointer(rebasing: buffer[length..<(length + segment.payload)])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[headersLength..<packet.count]))
        count += 1
        length += segment.payload
        nextSequence &+= UInt32(segment.payload)
        nextID &+= 1
        lastPush = segment.push
        closed = segment.push || segment.payload < segmentSize
        return true
    }

    /// Finishes the pending super-packet and hands it to `body` with the virtio header to write before it; nil
    /// when none is pending. A lone segment goes as it came, behind a header asking for nothing.
    public func finish<R>(_ body: (VirtioNetHeader, UnsafeRawBufferPointer) -> R) -> R? {
        guard count > 0 else { return nil }
        defer { count = 0 }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<length])
        guard count > 1 else { return body(VirtioNetHeader(), bytes) }
        let ipHeaderLength = 20
        store(UInt16(length), at: 2)
        store(0, at: 10)
        store(InternetChecksum.of(UnsafeRawBufferPointer(rebasing: bytes[0..<ipHeaderLength])), at: 10)
        if lastPush { buffer[ipHeaderLength + 13] |= 0x08 }
        // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum, not complemented (the kernel's
        // tcp_v4_send_check); the segments' own sums are the kernel's (or the segmenting NIC's) to add.
        let pseudo = InternetChecksum.add(UnsafeRawBufferPointer(rebasing: bytes[12..<20])) &+ 6 &+ UInt64(length - ipHeaderLength)
        store(~InternetChecksum.finish(pseudo), at: ipHeaderLength + 16)
        let header = VirtioNetHeader(flags: VirtioNetHeader.needsChecksum, segmentation: .tcpIPv4,
                                     headerLength: headersLength, segmentSize: segmentSize,
                                     checksumStart: ipHeaderLength, checksumOffset: 16)
        return body(header, bytes)
    }

    private struct Segment {
        let headersLength: Int
        let payload: Int
        let sequence: UInt32
        let push: Bool
    }

    /// The segment `packet` is, when it is one that may be coalesced at all.
    private static func segment(_ packet: UnsafeRawBufferPointer) -> Segment? {
        // IPv4 without options (so every segment's IP header is the fixed 20 bytes), TCP, not a fragment, and the
        // length field covering exactly the packet.
        guard packet.count >= 40, packet[0] == 0x45, packet[9] == 6,
              Int(load(at: 2, in: packet)) == packet.count,
              load(at: 6, in: packet) & 0x3fff == 0 else { return nil }
        let tcpHeaderLength = Int(packet[32] >> 4) * 4
        let headersLength = 20 + tcpHeaderLength
        // ACK, or ACK|PSH: SYN, FIN, RST, URG, ECE and CWR each mean something a merge would lose.
        let flags = packet[33]
        guard tcpHeaderLength >= 20, headersLength < packet.count, flags == 0x10 || flags == 0x18 else { return nil }
        guard InternetChecksum.of(UnsafeRawBufferPointer(rebasing: packet[0..<20])) == 0 else { return nil }
        let tcpLength = packet.count - 20
        var sum = InternetChecksum.add(UnsafeRawBufferPointer(rebasing: packet[12..<20])) &+ 6 &+ UInt64(tcpLength)
        sum = InternetChecksum.add(UnsafeRawBufferPointer(rebasing: packet[20...]), to: sum)
        guard InternetChecksum.finish(sum) == 0 else { return nil }
        let sequence = UInt32(load(at: 24, in: packet)) << 16 | UInt32(load(at: 26, in: packet))
        return Segment(headersLength: headersLength, payload: packet.count - headersLength, sequence: sequence,
                       push: flags & 0x08 != 0)
    }

    /// Whether `packet` carries the pending super-packet's headers but for length, id, checksums, sequence and
    /// PSH: TOS, flags and fragment field, TTL, addresses, ports, ACK, data offset, window, urgent pointer and
    /// options. Equal options keep the re-segmented packets identical to the originals (timestamps included).
    private func sameHeaders(_ packet: UnsafeRawBufferPointer) -> Bool {
        let pending = UnsafeRawBufferPointer(buffer)
        // A plain loop over a few bytes: the generic elementsEqual over slices showed in the download's profile.
        func equal(_ range: Range<Int>) -> Bool {
            for index in range where pending[index] != packet[index] { return false }
            return true
        }
        return pending[1] == packet[1] && equal(6..<9) && equal(12..<24) && equal(28..<33)
            && equal(34..<36) && equal(38..<headersLength)
    }

    private static func load(at offset: Int, in bytes: UnsafeRawBufferPointer) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    private func store(_ value: UInt16, at offset: Int) {
        buffer[offset] = UInt8(value >> 8)
        buffer[offset + 1] = UInt8(value & 0xff)
    }
}
