import ArgumentParser
import Engine
import Foundation
import Service

/// `swiftgate status [--json]`: the connections the service runs for this user (all of them for root), as
/// Cisco's `vpn state`.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the connections the service runs for you."
    )

    @Flag(help: "One JSON document: {\"connections\": [...]}.")
    var json = false

    func run() throws {
        let list = try ServiceQuery.status(program: "swiftgate status")
        if json {
            StandardStreams.out(try ServiceQuery.json(["connections": list]) + "\n")
            return
        }
        guard !list.isEmpty else {
            print("No connection is up.")
            return
        }
        for status in list { print(StatusText.lines(status).joined(separator: "\n")) }
    }
}

/// `swiftgate stats [NAME]`: the traffic counters of each channel.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show the traffic of your connections, per channel."
    )

    @Argument(help: "A connection's name (default: all).")
    var name: String?

    @Flag(help: "JSON.")
    var json = false

    func run() throws {
        var list = try ServiceQuery.status(program: "swiftgate stats")
        if let name {
            list = list.filter { $0.name == name }
            guard !list.isEmpty else { throw ServiceQuery.failure("no connection named \(name)") }
        }
        if json {
            let rows = list.map { status in
                StatsRow(name: status.name, bytesIn: status.bytesIn, bytesOut: status.bytesOut, packetsIn: status.packetsIn,
                         packetsOut: status.packetsOut, channels: status.perChannel.values.sorted { $0.channel.rawValue < $1.channel.rawValue })
            }
            StandardStreams.out(try ServiceQuery.json(["connections": rows]) + "\n")
            return
        }
        if list.isEmpty { print("No connection is up.") }
        for status in list {
            print("\(status.name): in \(StatusText.bytes(status.bytesIn)) (\(status.packetsIn) packets), "
                  + "out \(StatusText.bytes(status.bytesOut)) (\(status.packetsOut) packets)")
            for channel in status.perChannel.values.sorted(by: { $0.channel.rawValue < $1.channel.rawValue }) {
                print("  \(channel.channel.rawValue.uppercased()): in \(StatusText.bytes(channel.bytesIn)) (\(channel.packetsIn)), "
                      + "out \(StatusText.bytes(channel.bytesOut)) (\(channel.packetsOut))")
            }
        }
    }

    struct StatsRow: Encodable {
        var name: String
        var bytesIn, bytesOut, packetsIn, packetsOut: Int
        var channels: [TrafficStats]
    }
}

/// `swiftgate disconnect [NAME]`: ends a connection (yours; any, as root) and waits until it is down.
struct DisconnectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disconnect",
        abstract: "End a connection the service runs (the only one, or NAME)."
    )

    @Argument(help: "The connection's name (as 'swiftgate status' shows it).")
    var name: String?

    @Option(help: "Seconds to wait for the teardown.")
    var timeout: Double = 30

    func run() throws {
        let client: ServiceClient
        do { client = try ServiceAccess.open(program: "swiftgate disconnect") } catch { throw ServiceQuery.failure("\(error)") }
        defer { client.close() }
        let stopped: String
        do {
            stopped = try client.request(.disconnect(name: name)) { if case .accepted(let name) = $0 { return name } else { return nil } }
        } catch { throw ServiceQuery.failure("\(error)") }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let list = try? client.status() else { break }
            if !list.contains(where: { $0.name == stopped }) {
                print("Disconnected \(stopped).")
                return
            }
            usleep(100_000)
        }
        throw ServiceQuery.failure("\(stopped) did not finish its teardown within \(Int(timeout)) s: see 'swiftgate status'")
    }
}

/// `swiftgate attach NAME`: the events of a running connection (its story so far first), and its questions
/// answered here; Ctrl-C lets go, the connection stays up.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Follow a running connection's events (Ctrl-C detaches; the connection stays up)."
    )

    @Argument(help: "The connection's name.")
    var name: String

    @Option(help: "Event stream on stdout: json or text (default: text on stderr).")
    var events: EventsMode?

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let client: ServiceClient
        do { client = try ServiceAccess.open(program: "swiftgate attach") } catch { throw ServiceQuery.failure("\(error)") }
        let database = try store.open()
        let remote: RemoteConnection
        do {
            remote = try RemoteConnection.attach(name, client: client,
                                                 frontEnd: HeadlessFrontEnd(username: nil, passwordOnStdin: false, nonInteractive: false),
                                                 store: SQLiteSessionStore(store: database))
        } catch { throw ServiceQuery.failure("\(error)") }
        let signals = SignalHandling(stop: { _ in remote.detach(); return true }, reconnect: { remote.reconnect() })
        defer { signals.cancel() }
        let sink = EventSink(mode: events ?? .text)
        let printer = Task { await sink.drain(remote.events) }
        let ending = await remote.ended()
        _ = await printer.value
        switch ending {
        case .ended(let outcome, let failed, let code):
            StandardStreams.err("swiftgate: \(name): \(outcome)\n")
            if failed { throw ExitCode(code == 0 ? 1 : code) }
        case .detached:
            StandardStreams.err("swiftgate: detached; \(name) stays up\n")
        case .lost(let why):
            throw ServiceQuery.failure(why)
        }
    }
}

/// What the headless service commands share.
enum ServiceQuery {
    static func status(program: String) throws -> [ConnectionStatus] {
        do {
            let client = try ServiceAccess.open(program: program)
            defer { client.close() }
            return try client.status()
        } catch {
            throw failure("\(error)")
        }
    }

    static func failure(_ text: String) -> ExitCode {
        FileManager.default.standardError("swiftgate: \(text)\n")
        return ExitCode(1)
    }

    static func json<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// A connection's status for people.
enum StatusText {
    static func lines(_ status: ConnectionStatus) -> [String] {
        var lines = ["\(status.name): \(status.state.rawValue)" + (status.transport.map { " over \($0.rawValue.uppercased())" } ?? "")
                     + " — \(status.url)"]
        if let tunnel = status.tunnel {
            lines.append("  tun \(tunnel.interface)" + (tunnel.address.map { ", address \($0)" } ?? "") + ", MTU \(tunnel.mtu)")
        }
        if let connected = status.connectedAt {
            lines.append("  up since \(connected.formatted(date: .omitted, time: .standard)) "
                         + "(\(Int(Date().timeIntervalSince(connected))) s)")
        } else if let phase = status.phase {
            lines.append("  phase: \(phase.rawValue)")
        }
        lines.append("  in \(bytes(status.bytesIn)), out \(bytes(status.bytesOut)); \(status.attached) front end(s) attached")
        if let waiting = status.waitingFor { lines.append("  waiting for \(waiting): 'swiftgate attach \(status.name)' answers it") }
        return lines
    }

    static func bytes(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        if count < 1 << 20 { return String(format: "%.1f KiB", Double(count) / 1024) }
        if count < 1 << 30 { return String(format: "%.1f MiB", Double(count) / 1048576) }
        return String(format: "%.2f GiB", Double(count) / 1073741824)
    }
}
