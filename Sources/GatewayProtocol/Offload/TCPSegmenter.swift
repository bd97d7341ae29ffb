/// Cuts what a tun with TSO offload hands over (issue 12, item 3) into the packets that go through the tunnel:
/// a TCP super-packet (up to 64 KB, `VirtioNetHeader.segmentation` TCP) into MSS-sized segments with their own
/// IP lengths, IPv4 ids, sequence numbers, flags and checksums, as the kernel's own segmentation would
/// (net/ipv4/tcp_offload.c tcp_gso_segment: FIN and PSH only on the last segment, CWR only on the first); a
/// packet whose checksum was left to us (NEEDS_CSUM) gets it completed. Pure: bytes in, bytes out.
public enum TCPSegmenter {
    /// How one packet from the tun is cut.
    public struct Plan: Equatable, Sendable {
        /// How many packets come out of it.
        public let count: Int
        let kind: Kind
        let ipHeaderLength: Int
        /// IP and TCP headers: copied in front of every segment.
        let headersLength: Int
        let segmentSize: Int
        let checksumStart: Int
        let checksumOffset: Int
        let isIPv6: Bool

        enum Kind: Equatable, Sendable {
            case asIs
            case completeChecksum
            case segment
        }
    }

    /// The plan for `packet` (the bytes after the virtio header); nil when it cannot be cut as the header says (a
    /// malformed packet, a GSO type not offered): dropped.
    public static func plan(_ header: VirtioNetHeader, packet: UnsafeRawBufferPointer) -> Plan? {
        let needsChecksum = header.flags & VirtioNetHeader.needsChecksum != 0
        switch header.segmentation {
        case .none?:
            guard needsChecksum else {
                return Plan(count: 1, kind: .asIs, ipHeaderLength: 0, headersLength: 0, segmentSize: 0, checksumStart: 0,
                            checksumOffset: 0, isIPv6: false)
            }
            guard header.checksumStart + header.checksumOffset + 2 <= packet.count else { return nil }
            return Plan(count: 1, kind: .completeChecksum, ipHeaderLength: 0, headersLength: 0, segmentSize: 0,
                        checksumStart: header.checksumStart, checksumOffset: header.checksumOffset, isIPv6: false)
        case .tcpIPv4?, .tcpIPv6?:
            let isIPv6 = header.segmentation == .tcpIPv6
            guard let first = packet.first else { return nil }
            let ipHeaderLength: Int
            if isIPv6 {
                // No extension headers: the TCP header follows the fixed one (what Linux's TCP sends).
                guard first >> 4 == 6, packet.count >= 40, packet[6] == 6,
                      Int(packet[4]) << 8 | Int(packet[5]) == packet.count - 40 else { return nil }
                ipHeaderLength = 40
            } else {
                // The length fields must cover exactly what was read: a cut read (or a BIG TCP packet, whose length
                // field is 0) is dropped rather than cut into segments with data missing.
                guard first >> 4 == 4, packet.count >= 20, packet[9] == 6,
                      Int(packet[2]) << 8 | Int(packet[3]) == packet.count else { return nil }
                ipHeaderLength = Int(first & 0x0f) * 4
                guard ipHeaderLength >= 20 else { return nil }
            }
            guard packet.count >= ipHeaderLength + 20 else { return nil }
            let tcpHeaderLength = Int(packet[ipHeaderLength + 12] >> 4) * 4
            let headersLength = ipHeaderLength + tcpHeaderLength
            guard tcpHeaderLength >= 20, headersLength <= packet.count, header.segmentSize > 0 else { return nil }
            let payload = packet.count - headersLength
            let count = max(1, (payload + header.segmentSize - 1) / header.segmentSize)
            return Plan(count: count, kind: .segment, ipHeaderLength: ipHeaderLength, headersLength: headersLength,
                        segmentSize: header.segmentSize, checksumStart: ipHeaderLength, checksumOffset: 16, isIPv6: isIPv6)
        case .udp?, nil:
            return nil
        }
    }

    /// The largest packet `writeSegment` writes for this plan.
    public static func largestSegment(_ plan: Plan, packetLength: Int) -> Int {
        plan.kind == .segment ? min(packetLength, plan.headersLength + plan.segmentSize) : packetLength
    }

    /// Writes packet `index` (0 ..< plan.count) of `packet` into `out`; its length. `out` must hold
    /// `largestSegment` bytes.
    public static func writeSegment(_ index: Int, of packet: UnsafeRawBufferPointer, plan: Plan,
                                    into out: UnsafeMutableRawBufferPointer) -> Int {
        switch plan.kind {
        case .asIs:
            out.copyMemory(from: packet)
            return packet.count
        case .completeChecksum:
            out.copyMemory(from: packet)
            let field = plan.checksumStart + plan.checksumOffset
            // The field holds the pseudo-header sum (CHECKSUM_PARTIAL): the sum over it and the rest is the checksum.
            let sum = InternetChecksum.add(UnsafeRawBufferPointer(rebasing: packet[plan.checksumStart...]))
            store(InternetChecksum.finish(sum), at: field, in: out)
            return packet.count
        case .segment:
            return writeTCPSegment(index, of: packet, plan: plan, into: out)
        }
    }

    private static func writeTCPSegment(_ index: Int, of packet: UnsafeRawBufferPointer, plan: Plan,
                                        into out: UnsafeMutableRawBufferPointer) -> Int {
        let payloadTotal = packet.count - plan.headersLength
        let offset = index * plan.segmentSize
        let length = min(plan.segmentSize, payloadTotal - offset)
        let total = plan.headersLength + length
        UnsafeMutableRawBufferPointer(rebasing: out[0..<plan.headersLength])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[0..<plan.headersLength]))
        UnsafeMutableRawBufferPointer(rebasing: out[plan.headersLength..<total])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[(plan.headersLength + offset)..<(plan.headersLength + offset + length)]))

        let tcp = plan.ipHeaderLength
        let tcpLength = total - tcp
        if plan.isIPv6 {
            store(UInt16(tcpLength), at: 4, in: out)  // payload length: no extension headers
        } else {
            store(UInt16(total), at: 2, in: out)
            store(load(at: 4, in: packet) &+ UInt16(truncatingIfNeeded: index), at: 4, in: out)
            store(0, at: 10, in: out)
            store(InternetChecksum.of(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(out)[0..<plan.ipHeaderLength])),
                  at: 10, in: out)
        }
        let sequence = UInt32(load(at: tcp + 4, in: packet)) << 16 | UInt32(load(at: tcp + 6, in: packet))
        let segmentSequence = sequence &+ UInt32(truncatingIfNeeded: offset)
        store(UInt16(segmentSequence >> 16), at: tcp + 4, in: out)
        store(UInt16(segmentSequence & 0xffff), at: tcp + 6, in: out)
        var flags = packet[tcp + 13]
        if index < plan.count - 1 { flags &= ~(0x01 | 0x08) }  // FIN, PSH: the last segment's
        if index > 0 { flags &= ~0x80 }  // CWR: the first segment's
        out[tcp + 13] = flags

        // Pseudo-header (RFC 793 / RFC 8200 §8.1), then the segment with a zero checksum field.
        store(0, at: tcp + 16, in: out)
        var sum: UInt64
        let written = UnsafeRawBufferPointer(out)
        if plan.isIPv6 {
            sum = InternetChecksum.add(UnsafeRawBufferPointer(rebasing: written[8..<40]))
            sum &+= UInt64(tcpLength >> 16) &+ UInt64(tcpLength & 0xffff) &+ 6
        } else {
            sum = InternetChecksum.add(UnsafeRawBufferPointer(rebasing: written[12..<20]))
            sum &+= 6 &+ UInt64(tcpLength)
        }
        sum = InternetChecksum.add(UnsafeRawBufferPointer(rebasing: written[tcp..<total]), to: sum)
        store(InternetChecksum.finish(sum), at: tcp + 16, in: out)
        return total
    }

    private static func load(at offset: Int, in bytes: UnsafeRawBufferPointer) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    private static func store(_ value: UInt16, at offset: Int, in bytes: UnsafeMutableRawBufferPointer) {
        bytes[offset] = UInt8(value >> 8)
        bytes[offset + 1] = UInt8(value & 0xff)
    }
}
