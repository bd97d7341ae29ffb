import SecureChannel
import CLinux
import Glibc

/// A Linux tun device (`IFF_TUN | IFF_NO_PI`): raw IP packets in and out. Non-persistent: the kernel removes it
/// when the descriptor closes, so a crash or kill -9 leaves no device behind.
final class TunDevice: @unchecked Sendable {
    let name: String
    let descriptor: Int32
    private var closed = false

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
        let fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == EACCES || code == EPERM { throw .noPrivilege }
            throw .system("cannot open /dev/net/tun: \(SystemErrno.describe(code)) (is the tun module loaded?)")
        }
        var nameBuffer = [CChar](repeating: 0, count: Int(IFNAMSIZ) + 1)
        let rc = CLinux_tun_attach(fd, requested ?? "", &nameBuffer)
        guard rc == 0 else {
            Glibc.close(fd)
            if -rc == EPERM || -rc == EACCES { throw .noPrivilege }
            throw .system("cannot create tun device \(requested ?? ""): \(SystemErrno.describe(-rc))")
        }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        descriptor = fd
        name = String(decoding: nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Wraps a descriptor that stands in for a tun device (a socketpair in tests).
    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
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

    deinit { close() }
}
