import Foundation
import Glibc

/// Files a front end sent (CA bundle, client certificate, key), written where only root can read them, one
/// directory per connection, removed when it ends.
enum ServiceFiles {
    static func makeDirectory(runtime: String, id: Int) throws -> String {
        let path = runtime + "/connection-\(id)"
        try? FileManager.default.removeItem(atPath: path)
        guard mkdir(path, 0o700) == 0 else {
            throw ServiceError.rejected("could not make \(path): \(String(cString: strerror(errno)))")
        }
        return path
    }

    static func write(_ file: FileContents, into directory: String, as role: String) throws -> String {
        let path = directory + "/" + role + "-" + file.safeName
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ServiceError.rejected("could not write \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = file.bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == file.bytes.count else { throw ServiceError.rejected("could not write \(path)") }
        return path
    }
}
