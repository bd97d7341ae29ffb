import Foundation
import Glibc

/// The file-system side of opening the store: private directories, a database created 0600 from the start, and
/// the sudo handover. Kept apart from SQL so each half reads on its own.
enum StoreFiles {
    /// The database and the companions SQLite keeps beside it in WAL mode; all hold the same data, so all get 0600.
    static func databaseFiles(_ path: String) -> [String] {
        [path, path + "-wal", path + "-shm"]
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// What changes when anyone writes a file: device, inode, size and modification time.
    static func identity(_ path: String) -> [Int]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [Int(info.st_dev), Int(info.st_ino), Int(info.st_size), info.st_mtim.tv_sec, info.st_mtim.tv_nsec]
    }

    /// Creates every missing directory down to `directory`, outermost first, each 0700 as XDG asks for user data.
    /// Returns the ones it created, so that only those are handed over under sudo.
    static func createDirectories(_ directory: String, for databasePath: String) throws(StoreError) -> [String] {
        var missing: [String] = []
        var current = directory
        while !current.isEmpty && current != "/" && current != "." {
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw .cannotOpen(path: databasePath, reason: "\(current) exists and is not a directory")
                }
                break
            }
            missing.insert(current, at: 0)
            current = (current as NSString).deletingLastPathComponent
        }
        var created: [String] = []
        for path in missing {
            if mkdir(path, 0o700) == 0 {
                created.append(path)
                // mkdir's mode passes through the umask; say 0700 outright.
                chmod(path, 0o700)
            } else if errno != EEXIST {  // EEXIST: another Swiftgate made it a moment ago, which is fine.
                throw .cannotOpen(path: databasePath, reason: "cannot create directory \(path): \(errorText())")
            }
        }
        return created
    }

    /// Creates an empty database file with mode 0600, so it is never readable by others, not even briefly: SQLite
    /// would create it 0644 and treats an empty file as a new database. Returns false when it already existed.
    static func createEmptyFile(_ path: String) throws(StoreError) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw .cannotOpen(path: path, reason: errorText())
        }
        fchmod(descriptor, 0o600)
        close(descriptor)
        return true
    }

    /// Sets 0600 on the database and whichever companions exist.
    static func restrictModes(_ path: String) throws(StoreError) {
        for file in databaseFiles(path) where exists(file) {
            guard chmod(file, 0o600) == 0 else {
                throw .cannotOpen(path: path, reason: "cannot set mode 0600 on \(file): \(errorText())")
            }
        }
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
