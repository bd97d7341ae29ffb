import Glibc

/// The tun as the data plane uses it: a descriptor to poll, one packet per read or write (issue 12, item 2).
/// Tests put a datagram socket pair in its place.
protocol PacketDevice: AnyObject {
    var descriptor: Int32 { get }
    var name: String { get }
    /// One packet into `buffer`; its length, or 0 when none is waiting.
    func readPacket(into buffer: UnsafeMutableRawBufferPointer) -> Int
    /// Queues one packet for the tun; it may wait for `flushWrites` (coalesced with the next ones).
    func writePacket(_ packet: UnsafeRawBufferPointer)
    /// Writes what `writePacket` holds back; the data plane calls it before it waits.
    func flushWrites()
    func setMTU(_ mtu: Int) throws
}

extension PacketDevice {
    /// A device writing every packet at once has nothing to flush.
    func flushWrites() {}
}

extension TunDevice: PacketDevice {
    func readPacket(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let offload else { return max(0, Glibc.read(descriptor, buffer.baseAddress, buffer.count)) }
        return offload.next(into: buffer) { Glibc.read(descriptor, $0.baseAddress, $0.count) }
    }

    func writePacket(_ packet: UnsafeRawBufferPointer) {
        queue(packet: packet)
    }
}
