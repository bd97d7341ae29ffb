@testable import Engine
import Foundation
import Glibc
import SecureChannel

/// A DTLS stand-in for the data plane (as wireguard-go's bindtest): each dial hands out one end of a datagram
/// socket pair whose handshake is done at once; the test is the gateway at `peer`.
final class FakeDatagramDialer: DatagramDialer, @unchecked Sendable {
    let modeName = "fake"
    let dpd: Int? = nil
    let keepalive: Int? = nil
    let attemptSeconds = 3.0
    let link: FakeDatagramLink
    private let lock = NSLock()
    private var dialed = 0

    /// `handshakeWaitsForPeer`: the handshake is done only once the peer sends a datagram, as a gateway's
    /// answer ends a real one; else it is done at once. `batch`: reads take up to this many datagrams off the
    /// socket at once, as DTLSClient's recvmmsg does, and hand them out one per read.
    init(tunnelMTU: Int, handshakeWaitsForPeer: Bool = false, batch: Int? = nil) {
        link = FakeDatagramLink(tunnelMTU: tunnelMTU, handshakeWaitsForPeer: handshakeWaitsForPeer, batch: batch)
    }

    var peer: Int32 { link.peer }
    /// How many attempts were opened.
    var dials: Int { lock.withLock { dialed } }

    func dial() throws -> any DatagramLink {
        lock.withLock { dialed += 1 }
        return link
    }
}

final class FakeDatagramLink: DatagramLink, @unchecked Sendable {
    let descriptor: Int32
    let peer: Int32
    let protocolVersion = "FAKE"
    let cipher = "none"
    let tunnelMTU: Int
    private let lock = NSLock()
    private var refusing = false
    private var waitsForPeer: Bool
    private var closes = 0
    private let batch: Int?
    /// Datagrams taken off the socket and not yet read: poll does not see them (DTLSClient's batch).
    private var taken: [[UInt8]] = []

    /// Every write fails as a local firewall's EPERM does.
    var refuseWrites: Bool {
        get { lock.withLock { refusing } }
        set { lock.withLock { refusing = newValue } }
    }

    /// How many times the data plane closed the channel.
    var closeCount: Int { lock.withLock { closes } }

    init(tunnelMTU: Int, handshakeWaitsForPeer: Bool = false, batch: Int? = nil) {
        waitsForPeer = handshakeWaitsForPeer
        self.batch = batch
        var pair: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0, &pair) == 0)
        descriptor = pair[0]
        peer = pair[1]
        self.tunnelMTU = tunnelMTU
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        Glibc.close(descriptor)
        Glibc.close(peer)
    }

    func handshake() -> DTLSClient.HandshakeStatus {
        guard lock.withLock({ waitsForPeer }) else { return .done }
        var byte: UInt8 = 0
        guard recv(descriptor, &byte, 1, 0) >= 0 else { return .inProgress(timeoutMilliseconds: 1000) }
        lock.withLock { waitsForPeer = false }
        return .done
    }
    func handleTimeout() {}

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSClient.IOResult {
        guard let batch else { return receive(into: buffer) }
        if taken.isEmpty {
            var space = [UInt8](repeating: 0, count: 65536)
            for _ in 0..<batch {
                guard case .done(let count) = space.withUnsafeMutableBytes({ receive(into: $0) }) else { break }
                taken.append(Array(space[0..<count]))
            }
        }
        guard !taken.isEmpty else { return .wantRead }
        let next = taken.removeFirst()
        next.withUnsafeBytes { buffer.copyMemory(from: $0) }
        return .done(next.count)
    }

    private func receive(into buffer: UnsafeMutableRawBufferPointer) -> TLSClient.IOResult {
        let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
        if count >= 0 { return .done(count) }
        return errno == EAGAIN ? .wantRead : .failed("recv: \(errno)")
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TLSClient.IOResult {
        if refuseWrites { return .failed("Operation not permitted") }
        let count = send(descriptor, bytes.baseAddress, bytes.count, 0)
        return count >= 0 ? .done(count) : .wantWrite
    }

    /// The descriptors belong to the test; closing the channel only stops the data plane using it.
    func close() { lock.withLock { closes += 1 } }
}
