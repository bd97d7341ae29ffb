import Glibc
import SecureChannel

/// Whether this process may create a tun device, proven without creating one: `/dev/net/tun` opens (no TUNSETIFF,
/// so no netdev is made) and the effective capability set holds CAP_NET_ADMIN, which TUNSETIFF needs for a new
/// device (linux drivers/net/tun.c `tun_set_iff` → `tun_not_capable`).
enum TunnelPrivilege {
    /// CAP_NET_ADMIN's bit (linux/capability.h).
    static let netAdminBit = 12

    static func check() throws(TunDevice.Failure) {
        let fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == EACCES || code == EPERM { throw .noPrivilege }
            throw .system("cannot open /dev/net/tun: \(SystemErrno.describe(code)) (is the tun module loaded?)")
        }
        Glibc.close(fd)
        // Unreadable /proc (an odd sandbox): not proof of a missing privilege; creating the real tun still says.
        guard let status = readStatus(), let allowed = hasNetAdmin(status: status) else { return }
        if !allowed { throw .noPrivilege }
    }

    /// CapEff from the text of /proc/self/status, or nil when it holds no readable CapEff line.
    static func effectiveCapabilities(status: String) -> UInt64? {
        for line in status.split(separator: "\n") where line.hasPrefix("CapEff:") {
            let hex = line.dropFirst("CapEff:".count).drop(while: { $0 == " " || $0 == "\t" })
            guard !hex.isEmpty, hex.count <= 16 else { return nil }
            return UInt64(hex, radix: 16)
        }
        return nil
    }

    static func hasNetAdmin(status: String) -> Bool? {
        effectiveCapabilities(status: status).map { $0 & (1 << UInt64(netAdminBit)) != 0 }
    }

    /// /proc/self/status read with plain calls (no Foundation at start-up); it is a few KB.
    private static func readStatus() -> String? {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += chunk.prefix(n)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
