import Glibc

/// The tun as the data plane uses it: a descriptor to poll, one packet per read or write (issue 12, item 2).
/// Tests put a datagram socket pair in its place.
protocol PacketDevice: AnyObject {
    var descriptor: Int32 { get }
    var name: String { get }
    /// One packet into `buffer`; its length, or 0 when none is waiting.
    func readPacket(into buffer: UnsafeMutableRawBufferPointer) -> Int
    func writePacket(_ packet: UnsafeRawBufferPointer)
    func setMTU(_ mtu: Int) throws
}

extension TunDevice: PacketDevice {
    func readPacket(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let offload else { return max(0, Glibc.read(descriptor, buffer.baseAddress, buffer.count)) }
        return offload.next(into: buffer) { Glibc.read(descriptor, $0.baseAddress, $0.count) }
    }

    func writePacket(_ packet: UnsafeRawBufferPointer) {
        write(packet: packet)
    }
}
