import Foundation
import Glibc
import Store

/// Where running sessions keep their state files and locks (issue 13, item 13): `SWIFTGATE_RUNTIME_DIR`, else
/// `/run/swiftgate` as root (a tunnel needs root), else `$XDG_RUNTIME_DIR/swiftgate`, else the state directory.
/// Created 0700; nothing in it is followed through a symlink.
public enum RuntimeDirectory {
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["SWIFTGATE_RUNTIME_DIR"], explicit.hasPrefix("/") { return explicit }
        if geteuid() == 0 { return "/run/swiftgate" }
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") { return runtime + "/swiftgate" }
        return StorePaths.resolve(environment: environment).stateDirectory + "/run"
    }

    /// Makes the directory (0700) if needed and checks it is a real directory of ours, not a symlink.
    static func prepare(_ path: String) throws(EngineError) {
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            if errno == ENOENT {
                try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                         attributes: [.posixPermissions: 0o700])
            }
        }
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .failed(nil, "the runtime directory \(path) is not a directory (or is a symlink): remove it")
        }
        guard info.st_uid == geteuid() else {
            throw .failed(nil, "the runtime directory \(path) belongs to another user (uid \(info.st_uid))")
        }
    }

    /// `prepare` for callers outside the engine (the lock files of a command).
    public static func prepareForLocks(_ path: String) throws(EngineError) { try prepare(path) }

    /// Opens (creating, 0600) a file in the directory without following a symlink.
    static func open(_ path: String, flags: Int32) -> Int32 {
        Glibc.open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0o600)
    }
}
