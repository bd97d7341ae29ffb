import Foundation
import Glibc

/// Opening and creating files as root in a user's directories without following what the user may have planted
/// there (issue 13, item 4). Paths are walked from `/` with `openat`: a symbolic link is followed only when root
/// owns it (`/home -> /usr/home` is the system's; a link in the home is the user's); the last component is
/// opened with `O_NOFOLLOW`; what is created is handed over with `fchown` on the descriptor opened, never by path.
public enum SafeFiles {
    /// Opens `directory/name` for appending, creating the missing directories (0700) and the file (0600) and
    /// handing what was created to the sudo user. The caller owns the descriptor.
    public static func openForAppending(directory: String, name: String,
                                        handover: SudoHandover?) throws(StoreError) -> Int32 {
        let path = directory + "/" + name
        let parent = try openDirectory(directory, creating: true, handover: handover, reportAs: path)
        defer { close(parent) }
        return try openFile(in: parent, name: name, path: path, flags: O_WRONLY | O_APPEND, handover: handover,
                            reportAs: path).descriptor
    }

    /// An `pathOnly | O_DIRECTORY` descriptor of `path` (for the `*at` calls), made absolute against the working directory; missing directories
    /// are created 0700 when `creating`, and each one created is handed over.
    static func openDirectory(_ path: String, creating: Bool, handover: SudoHandover?,
                              reportAs reported: String) throws(StoreError) -> Int32 {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        // O_PATH: walking needs only search permission (a 0711 directory on the way is fine without root).
        var descriptor = Glibc.open("/", pathOnly | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotOpen(path: reported, reason: "cannot open /: \(errorText())") }
        var current = ""
        for component in absolute.split(separator: "/") where component != "." {
            let name = String(component)
            current += "/" + name
            var next = openat(descriptor, name, pathOnly | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 {
                let failure = errno
                if failure == ENOENT && creating {
                    if mkdirat(descriptor, name, 0o700) != 0 && errno != EEXIST {  // EEXIST: made meanwhile.
                        let reason = "cannot create directory \(current): \(errorText())"
                        close(descriptor)
                        throw .cannotOpen(path: reported, reason: reason)
                    }
                    // Readable, not O_PATH: fchmod and fchown need a real descriptor (it is ours, 0700).
                    next = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    if next >= 0 {
                        fchmod(next, 0o700)  // mkdir's mode passes through the umask; say 0700 outright.
                        if let handover {
                            do { try handover.changeOwner(next, current, handover.userID, handover.groupID) } catch {
                                close(next)
                                close(descriptor)
                                throw error
                            }
                        }
                    }
                } else if failure == ELOOP || failure == ENOTDIR {
                    next = openLink(at: descriptor, name, current)
                }
            }
            if next < 0 {
                let reason = problem(at: descriptor, name, current)
                close(descriptor)
                throw .cannotOpen(path: reported, reason: reason)
            }
            close(descriptor)
            descriptor = next
        }
        return descriptor
    }

    /// Follows a link that root owns; -1 for any other link (the caller says why).
    private static func openLink(at parent: Int32, _ name: String, _ path: String) -> Int32 {
        var info = stat()
        guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0, info.st_mode & S_IFMT == S_IFLNK,
              info.st_uid == 0 else { return -1 }
        return openat(parent, name, pathOnly | O_DIRECTORY | O_CLOEXEC)
    }

    private static func problem(at parent: Int32, _ name: String, _ path: String) -> String {
        var info = stat()
        guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return "cannot open \(path): \(errorText())" }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            return "\(path) is a symbolic link owned by uid \(info.st_uid); Swiftgate, which may run as root, follows "
                + "no link in your files. Replace it with the directory itself"
        case S_IFDIR: return "cannot open \(path): \(errorText())"
        default: return "\(path) exists and is not a directory"
        }
    }

    /// Opens (creating 0600 and handing over when missing) a regular file in an opened directory, never through
    /// a link, and never a file with other hard links (one could be a root file linked in). `created` says
    /// whether this call made it.
    static func openFile(in directory: Int32, name: String, path: String, flags: Int32, handover: SudoHandover?,
                         reportAs reported: String) throws(StoreError) -> (descriptor: Int32, created: Bool) {
        let base = flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY
        var created = true
        var descriptor = openat(directory, name, base | O_CREAT | O_EXCL, 0o600)
        if descriptor < 0 && errno == EEXIST {
            created = false
            descriptor = openat(directory, name, base)
        }
        guard descriptor >= 0 else {
            let reason = errno == ELOOP
                ? "\(path) is a symbolic link; Swiftgate, which may run as root, follows no link in your files. Remove it"
                : "cannot open \(path): \(errorText())"
            throw .cannotOpen(path: reported, reason: reason)
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
            close(descriptor)
            throw .cannotOpen(path: reported, reason: "\(path) is not a plain file of its own (a device, or a file with "
                              + "other hard links); move it aside")
        }
        if created {
            fchmod(descriptor, 0o600)
            if let handover {
                do { try handover.changeOwner(descriptor, path, handover.userID, handover.groupID) } catch {
                    close(descriptor)
                    throw error
                }
            }
        }
        return (descriptor, created)
    }

    /// Refuses a link, or anything but a plain file of its own, at `name`; nothing there is fine.
    static func checkIfPresent(in directory: Int32, name: String, path: String,
                               reportAs reported: String) throws(StoreError) {
        var info = stat()
        guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFLNK {
            throw .cannotOpen(path: reported, reason: "\(path) is a symbolic link; Swiftgate, which may run as root, "
                              + "follows no link in your files. Remove it")
        }
        guard info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1 else {
            throw .cannotOpen(path: reported, reason: "\(path) is not a plain file of its own (a device, or a file with "
                              + "other hard links); move it aside")
        }
    }

    /// Linux's O_PATH (glibc defines it only under _GNU_SOURCE, which Swift's Glibc module does not see); the
    /// value of x86-64, arm and arm64.
    static let pathOnly: Int32 = 0o10000000

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
