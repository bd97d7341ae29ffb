import Foundation
import GatewayProtocol
import Glibc

/// What a running tunnel leaves in the runtime directory so that `swiftgate cleanup` can undo it after a crash
/// (issue 13, item 13): the tun, the vpnc-script and the environment its `disconnect` needs. The session holds
/// an flock on its own file while it lives; a file nobody holds is a session that died without teardown.
public struct SessionRecord: Codable, Sendable, Equatable {
    public var pid: Int32
    public var interface: String
    public var script: String
    public var scriptTimeoutSeconds: Double
    /// The `disconnect` environment (no secret is ever in it: protocol.md §7 variables only).
    public var environment: [String: String]
    public var started: Date
    /// The namespace's routes and resolv.conf before the tunnel (issue 14, item 5): what a cleanup restores. Nil in
    /// a file written before it existed.
    public var before: NetworkSnapshot?
}

/// The open state file of the running session.
final class SessionStateFile: @unchecked Sendable {
    let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Creates `session-PID.json` (O_EXCL, 0600) and locks it.
    static func create(directory: String, record: SessionRecord) throws(EngineError) -> SessionStateFile {
        try RuntimeDirectory.prepare(directory)
        let path = directory + "/session-\(record.pid).json"
        unlink(path)  // a file of an earlier process with our pid is stale by definition
        let fd = RuntimeDirectory.open(path, flags: O_RDWR | O_CREAT | O_EXCL)
        guard fd >= 0 else { throw .failed(nil, "cannot create the session file \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .failed(nil, "cannot lock the session file \(path)")
        }
        let file = SessionStateFile(path: path, descriptor: fd)
        file.write(record)
        return file
    }

    func write(_ record: SessionRecord) {
        guard let data = try? SessionState.encoder.encode(record) else { return }
        _ = ftruncate(descriptor, 0)
        _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        _ = fsync(descriptor)
    }

    /// The session ended with its teardown: nothing to clean up.
    func remove() {
        unlink(path)
    }
}

/// Finding and undoing sessions that died without teardown.
public enum SessionState {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    /// A session file nobody holds.
    public struct Stale: Sendable {
        public var path: String
        public var record: SessionRecord?
    }

    /// Session files in `directory` whose session is gone (their flock is free).
    public static func stale(in directory: String) -> [Stale] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("session-") && $0.hasSuffix(".json") }.sorted()
        var found: [Stale] = []
        for name in names {
            let path = directory + "/" + name
            let fd = RuntimeDirectory.open(path, flags: O_RDONLY)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }  // alive
            flock(fd, LOCK_UN)
            found.append(Stale(path: path, record: read(fd)))
        }
        return found
    }

    /// Interfaces of sessions still running (their files are locked): never touched by a cleanup.
    static func liveInterfaces(in directory: String) -> Set<String> {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("session-") && $0.hasSuffix(".json") }
        var live: Set<String> = []
        for name in names {
            let fd = RuntimeDirectory.open(directory + "/" + name, flags: O_RDONLY)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if flock(fd, LOCK_SH | LOCK_NB) != 0, let record = read(fd) { live.insert(record.interface) } else { flock(fd, LOCK_UN) }
        }
        return live
    }

    private static func read(_ fd: Int32) -> SessionRecord? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var offset: off_t = 0
        while true {
            let count = pread(fd, &buffer, buffer.count, offset)
            if count <= 0 { break }
            data.append(contentsOf: buffer.prefix(count))
            offset += off_t(count)
            if data.count > 1 << 20 { return nil }
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try? decoder.decode(SessionRecord.self, from: data)
    }

    /// One line per stale session, for the warning at start.
    public static func describe(_ stale: Stale) -> String {
        guard let record = stale.record else { return "an unreadable session file \(stale.path)" }
        let started = UTCTime.iso8601(record.started, milliseconds: false)
        return "session of pid \(record.pid) on \(record.interface), started \(started)"
    }

    /// Undoes a stale session: the vpnc-script's `disconnect` with its saved environment (routes, resolv.conf),
    /// then the tun if it is still there and no running session uses that name; the file goes last. Returns
    /// what was done, in words.
    public static func clean(_ stale: Stale, directory: String) -> [String] {
        var done: [String] = []
        guard let record = stale.record else {
            unlink(stale.path)
            return ["removed the unreadable \(stale.path)"]
        }
        var environment = record.environment
        environment["reason"] = "disconnect"
        do {
            let outcome = try ScriptRunner(path: record.script, timeoutSeconds: record.scriptTimeoutSeconds).run(environment)
            done.append("ran \(record.script) disconnect for \(record.interface): exit \(outcome.exitCode)"
                        + (outcome.exitCode == 0 ? "" : " \(outcome.output.suffix(300))"))
        } catch {
            done.append("could not run \(record.script): \(error.description)")
        }
        let live = liveInterfaces(in: directory)
        if !live.contains(record.interface), FileManager.default.fileExists(atPath: "/sys/class/net/\(record.interface)") {
            let outcome = try? ScriptRunner(path: "ip link delete dev \"$TUNDEV\"", timeoutSeconds: 10)
                .run(["TUNDEV": record.interface])
            done.append("deleted \(record.interface): exit \(outcome?.exitCode ?? -1)")
        }
        if let before = record.before {
            done += restore(before, tun: record.interface)
        }
        unlink(stale.path)
        return done
    }

    /// Puts back what the snapshot taken before the tunnel had: routes added since are deleted, and resolv.conf
    /// is written back in place (under `ip netns exec` it is a bind mount: a rename would not reach it). Ends with
    /// "network restored" or exactly what is still left.
    public static func restore(_ before: NetworkSnapshot, tun: String) -> [String] {
        var done: [String] = []
        let now = NetworkSnapshot.current()
        for route in NetworkSnapshot.addedRoutes(before: before, after: now) {
            // The arguments are addresses, numbers and an interface name (no spaces or quotes can occur in them).
            let outcome = try? ScriptRunner(path: "ip $SWIFTGATE_ROUTE", timeoutSeconds: 10)
                .run(["SWIFTGATE_ROUTE": route.deleteArguments.joined(separator: " ")])
            done.append("deleted the \(route): exit \(outcome?.exitCode ?? -1)")
        }
        if let original = before.resolvConf, now.resolvConf != original {
            if let handle = FileHandle(forWritingAtPath: "/etc/resolv.conf") {
                handle.truncateFile(atOffset: 0)
                handle.write(Data(original.utf8))
                handle.closeFile()
                done.append("wrote /etc/resolv.conf back as it was before the tunnel")
            } else {
                done.append("could not write /etc/resolv.conf back: \(String(cString: strerror(errno)))")
            }
        }
        let left = NetworkSnapshot.leftovers(before: before, after: .current(), tun: tun,
                                             tunPresent: FileManager.default.fileExists(atPath: "/sys/class/net/\(tun)"))
        done.append(left.isEmpty ? "network restored" : "still left: " + left.joined(separator: ", "))
        return done
    }
}
