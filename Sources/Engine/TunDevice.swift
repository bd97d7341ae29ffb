import CLinux
import GatewayProtocol
import Glibc
import SecureChannel

/// A Linux tun device (`IFF_TUN | IFF_NO_PI`): raw IP packets in and out. Non-persistent: the kernel removes it
/// when the descriptor closes, so a crash or kill -9 leaves no device behind.
///
/// Opened with `IFF_VNET_HDR` and TSO/checksum offload where the kernel allows it (issue 12, item 3): the
/// kernel's TCP then hands over 64 KB super-packets instead of segmenting them itself, and `offload` cuts them
/// into the tunnel's packets in user space. Writes go through `coalescer`: consecutive segments of one TCP flow
/// leave as one GSO super-packet, anything else behind a virtio header asking for nothing.
final class TunDevice: @unchecked Sendable {
    let name: String
    let descriptor: Int32
    private var closed = false
    /// Set when every packet read or written carries a virtio header.
    let offload: TunOffloadReader?
    /// Joins the gateway's TCP segments between `flushWrites` calls (with `offload` only: writes need the header).
    private let coalescer: TCPCoalescer?
    /// The virtio header and the two-element iovec for writes, allocated once.
    private let writeHeader: UnsafeMutableRawBufferPointer?
    private let vectors: UnsafeMutablePointer<iovec>?

    enum Failure: Error, CustomStringConvertible {
        case noPrivilege
        case system(String)

        var description: String {
            switch self {
            case .noPrivilege:
                return "creating the tun device needs root or CAP_NET_ADMIN: run it with sudo (sudo swiftgate connect …)"
            case .system(let text): return text
            }
        }
    }

    /// Opens `/dev/net/tun` and creates the device; `name` empty lets the kernel pick (tun0, tun1…).
    init(name requested: String?) throws(Failure) {
        var fd = try Self.openControl()
        var nameBuffer = [CChar](repeating: 0, count: Int(IFNAMSIZ) + 1)
        var vnet = true
        var rc = CLinux_tun_attach_vnet(fd, requested ?? "", &nameBuffer)
        if rc == 0 && CLinux_tun_set_tcp_offload(fd) != 0 {
            // No offload from this kernel: the virtio header would only cost bytes. The device goes with the
            // descriptor; make it again without the header.
            Glibc.close(fd)
            fd = try Self.openControl()
            rc = -EINVAL
        }
        if rc != 0 {
            vnet = false
            rc = CLinux_tun_attach(fd, requested ?? "", &nameBuffer)
        }
        guard rc == 0 else {
            Glibc.close(fd)
            if -rc == EPERM || -rc == EACCES { throw .noPrivilege }
            throw .system("cannot create tun device \(requested ?? ""): \(SystemErrno.describe(-rc))")
        }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        descriptor = fd
        name = String(decoding: nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if vnet {
            offload = TunOffloadReader()
            coalescer = TCPCoalescer()
            let header = UnsafeMutableRawBufferPointer.allocate(byteCount: VirtioNetHeader.length, alignment: 8)
            header.initializeMemory(as: UInt8.self, repeating: 0)
            writeHeader = header
            vectors = .allocate(capacity: 2)
        } else {
            offload = nil
            coalescer = nil
            writeHeader = nil
            vectors = nil
        }
    }

    private static func openControl() throws(Failure) -> Int32 {
        let fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == EACCES || code == EPERM { throw .noPrivilege }
            throw .system("cannot open /dev/net/tun: \(SystemErrno.describe(code)) (is the tun module loaded?)")
        }
        return fd
    }

    /// Wraps a descriptor that stands in for a tun device (a socketpair in tests).
    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
        offload = nil
        coalescer = nil
        writeHeader = nil
        vectors = nil
    }

    /// Queues one packet for the tun: it joins the pending super-packet when it can, else the pending one is
    /// written first (order kept) and it starts the next, or goes as it is. `flushWrites` ends the batch.
    func queue(packet: UnsafeRawBufferPointer) {
        guard let coalescer else { return write(packet: packet, gso: nil) }
        if coalescer.add(packet) { return }
        if coalescer.count > 0 {
            flushWrites()
            if coalescer.add(packet) { return }
        }
        write(packet: packet, gso: nil)
    }

    /// Writes the pending super-packet, if any: called before the data plane waits, so nothing is held back.
    func flushWrites() {
        coalescer?.finish { header, bytes in
            write(packet: bytes, gso: header.segmentation == .tcpIPv4 ? header : nil)
        }
    }

    /// Writes one packet behind its virtio header when the tun has one (one writev): `gso`'s, or one asking for
    /// no offload.
    private func write(packet: UnsafeRawBufferPointer, gso: VirtioNetHeader?) {
        guard let writeHeader, let vectors else {
            _ = Glibc.write(descriptor, packet.baseAddress, packet.count)
            return
        }
        if let gso {
            gso.write(into: writeHeader)
        } else {
            // hdr_len = the whole packet: drivers/net/tun.c tun_get_user makes that much of the skb linear; with 0
            // the packet would land in page fragments and the stack pull its headers (measured: 10 % more CPU per
            // GB down).
            let linear = min(packet.count, 65535)
            VirtioNetHeader(headerLength: linear).write(into: writeHeader)
        }
        vectors[0] = iovec(iov_base: writeHeader.baseAddress, iov_len: writeHeader.count)
        vectors[1] = iovec(iov_base: UnsafeMutableRawPointer(mutating: packet.baseAddress), iov_len: packet.count)
        _ = writev(descriptor, vectors, 2)
    }

    /// Sets the interface MTU (the script sets it too; this makes it right even with a script that does not).
    func setMTU(_ mtu: Int) throws(Failure) {
        let sock = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard sock >= 0 else { throw .system("socket: \(SystemErrno.describe(errno))") }
        defer { Glibc.close(sock) }
        let rc = CLinux_set_mtu(sock, name, Int32(mtu))
        guard rc == 0 else { throw .system("cannot set the MTU of \(name) to \(mtu): \(SystemErrno.describe(-rc))") }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    deinit {
        close()
        writeHeader?.deallocate()
        vectors?.deallocate()
    }
}
