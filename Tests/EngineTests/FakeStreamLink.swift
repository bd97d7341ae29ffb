@testable import Engine
import Glibc
import SecureChannel

/// A TLS stand-in for the data plane (issue 12, item 2): a plain stream socket pair; the test is the gateway at
/// `peer`.
final class FakeStreamLink: StreamLink, @unchecked Sendable {
    let descriptor: Int32
    let peer: Int32
    /// The most one read returns: a TLS link returns one record per read, a socket all it has.
    let readLimit: Int

    init(readLimit: Int = .max) {
        self.readLimit = readLimit
        var pair: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        descriptor = pair[0]
        peer = pair[1]
    }

    deinit {
        close(descriptor)
        close(peer)
    }

    func enterDataMode() {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSClient.IOResult {
        let count = recv(descriptor, buffer.baseAddress, min(buffer.count, readLimit), 0)
        if count > 0 { return .done(count) }
        if count == 0 { return .closed }
        return errno == EAGAIN ? .wantRead : .failed("recv: \(errno)")
    }

    /// Bytes of the write in progress already sent: as OpenSSL without partial writes, a write is all or
    /// nothing for the caller, who offers the same bytes again after `wantWrite`.
    private var sentOfCurrent = 0

    func write(_ bytes: UnsafeRawBufferPointer) -> TLSClient.IOResult {
        let rest = bytes.count - sentOfCurrent
        let count = send(descriptor, bytes.baseAddress! + sentOfCurrent, rest, Int32(MSG_NOSIGNAL))
        if count == rest {
            sentOfCurrent = 0
            return .done(bytes.count)
        }
        if count > 0 {
            sentOfCurrent += count
            return .wantWrite
        }
        return errno == EAGAIN ? .wantWrite : .failed("send: \(errno)")
    }
}
