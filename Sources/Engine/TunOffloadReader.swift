import GatewayProtocol
import Glibc

/// Reads a tun opened with IFF_VNET_HDR and TSO offload (issue 12, item 3): one read brings up to 64 KB of a TCP
/// flow with its virtio header, and `TCPSegmenter` hands it out as the MTU-sized packets the tunnel carries, one
/// per `next` call, with the checksums the kernel left to us. One buffer for the life of the tun, nothing
/// allocated per packet. Only the data plane's thread touches it.
final class TunOffloadReader {
    private let buffer: UnsafeMutableRawBufferPointer
    private var plan: TCPSegmenter.Plan?
    private var packetLength = 0
    private var nextIndex = 0

    init() {
        buffer = .allocate(byteCount: VirtioNetHeader.length + 65535, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// The next packet into `out`; its length, or 0 when the tun has none waiting. `read` reads the tun.
    func next(into out: UnsafeMutableRawBufferPointer, read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        // Packets the segmenter refuses (malformed, a GSO type not offered) are dropped; a few per call at most.
        for _ in 0..<8 {
            if let plan, nextIndex < plan.count {
                let packet = UnsafeRawBufferPointer(rebasing: buffer[VirtioNetHeader.length..<(VirtioNetHeader.length + packetLength)])
                guard out.count >= TCPSegmenter.largestSegment(plan, packetLength: packetLength) else {
                    self.plan = nil
                    continue
                }
                let length = TCPSegmenter.writeSegment(nextIndex, of: packet, plan: plan, into: out)
                nextIndex += 1
                return length
            }
            plan = nil
            let count = read(buffer)
            guard count > VirtioNetHeader.length, let header = VirtioNetHeader(UnsafeRawBufferPointer(buffer)) else { return 0 }
            packetLength = count - VirtioNetHeader.length
            let packet = UnsafeRawBufferPointer(rebasing: buffer[VirtioNetHeader.length..<count])
            plan = TCPSegmenter.plan(header, packet: packet)
            nextIndex = 0
        }
        return 0
    }
}
