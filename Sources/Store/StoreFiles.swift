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

    /// Makes the database's directory and files safe to open, as root too (issue 13, item 4): the directories
    /// (created 0700 when missing), the database (created empty, 0600: SQLite would create it 0644 and treats an
    /// empty file as a new database) and, after `beforeCompanions`, its -wal and -shm, all opened without
    /// following a link, each thing created handed over on its descriptor. Returns whether the database was
    /// created, the open directory, and the set-up lock taken before anything was read (`lockForSetUp`; the
    /// caller closes both, the lock once the schema is current).
    static func prepare(_ path: String, handover: SudoHandover?,
                        beforeCompanions: (_ createdFile: Bool) throws(StoreError) -> Void) throws(StoreError)
        -> (createdFile: Bool, directory: Int32, setUpLock: Int32) {
        let parent = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let directory = try SafeFiles.openDirectory(parent.isEmpty ? "." : parent, creating: true, handover: handover,
                                                    reportAs: path)
        let setUpLock: Int32
        do {
            setUpLock = try lockForSetUp(path, in: directory, seconds: setUpLockSeconds)
        } catch {
            close(directory)
            throw error
        }
        do {
            let database = try SafeFiles.openFile(in: directory, name: name, path: path, flags: O_RDONLY,
                                                  handover: handover, reportAs: path)
            close(database.descriptor)
            // Checked before anything reads them: even SQLite's read-only look would follow a link.
            for companion in [name + "-wal", name + "-shm"] {
                try SafeFiles.checkIfPresent(in: directory, name: companion, path: parent + "/" + companion, reportAs: path)
            }
            try beforeCompanions(database.created)
            // Made here, so SQLite (which opens them by path, following links) finds plain files of ours.
            for companion in [name + "-wal", name + "-shm"] {
                let file = try SafeFiles.openFile(in: directory, name: companion, path: parent + "/" + companion,
                                                  flags: O_RDONLY, handover: handover, reportAs: path)
                close(file.descriptor)
            }
            return (database.created, directory, setUpLock)
        } catch {
            close(setUpLock)
            close(directory)
            throw error
        }
    }

    /// How long opening waits for another process's set-up: as long as a write waits for another's write.
    static let setUpLockSeconds: Double = 5

    /// Holds the directory's exclusive lock while a process opens the database and migrates it; closing the
    /// returned descriptor lets the next one in. Two front ends started at once on a new file (the interface and
    /// `status`) otherwise both find migrations to apply: GRDB reads which ran before its transaction, so the second
    /// one fails ("duplicate column name", or busy while the first sets WAL). `flock` on the directory, not the
    /// file: SQLite's own fcntl locks on the file would be dropped when any other descriptor of it is closed.
    /// Bounded like a write: after `seconds`, `StoreError.busy`.
    static func lockForSetUp(_ path: String, in directory: Int32, seconds: Double) throws(StoreError) -> Int32 {
        let descriptor = openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: path, reason: "cannot open its directory to lock it: \(errorText())")
        }
        let deadline = Date().addingTimeInterval(seconds)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR, Date() < deadline else {
                close(descriptor)
                if failure == EWOULDBLOCK { throw .busy(path: path) }
                throw .cannotOpen(path: path, reason: "cannot lock its directory: \(String(cString: strerror(failure)))")
            }
            usleep(5_000)
        }
        return descriptor
    }

    /// Sets 0600 on the database and whichever companions exist, on descriptors opened without following links.
    static func restrictModes(_ path: String, in directory: Int32) throws(StoreError) {
        for file in databaseFiles(path) {
            let name = (file as NSString).lastPathComponent
            let descriptor = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)
            if descriptor < 0 {
                if errno == ENOENT { continue }
                throw .cannotOpen(path: path, reason: "cannot open \(file): \(errorText())")
            }
            defer { close(descriptor) }
            guard fchmod(descriptor, 0o600) == 0 else {
                throw .cannotOpen(path: path, reason: "cannot set mode 0600 on \(file): \(errorText())")
            }
        }
    }

    static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
