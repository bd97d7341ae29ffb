@testable import Engine
import Foundation
import Glibc

/// A tun stand-in for the data plane (as wireguard-go's tuntest): a datagram socket pair, one packet per
/// datagram; the test holds the other end.
final class FakePacketDevice: PacketDevice, @unchecked Sendable {
    let descriptor: Int32
    let peer: Int32
    let name = "fake0"
    private let lock = NSLock()
    private var mtus: [Int] = []

    init() {
        var pair: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0, &pair) == 0)
        descriptor = pair[0]
        peer = pair[1]
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(descriptor)
        close(peer)
    }

    /// Every MTU the data plane set, in order.
    var mtuChanges: [Int] { lock.withLock { mtus } }

    func readPacket(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        max(0, recv(descriptor, buffer.baseAddress, buffer.count, 0))
    }

    func writePacket(_ packet: UnsafeRawBufferPointer) {
        _ = send(descriptor, packet.baseAddress, packet.count, 0)
    }

    func setMTU(_ mtu: Int) throws {
        lock.withLock { mtus.append(mtu) }
    }
}

/// Reads what the data plane sent to the other end of `descriptor`, waiting up to `seconds`.
func receive(from descriptor: Int32, seconds: Double = 5) -> [UInt8]? {
    var pfd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    guard poll(&pfd, 1, Int32(seconds * 1000)) == 1 else { return nil }
    var buffer = [UInt8](repeating: 0, count: 70_000)
    let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
    return count >= 0 ? Array(buffer[0..<count]) : nil
}

func transmit(_ bytes: [UInt8], to descriptor: Int32) {
    _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
}
