import ArgumentParser
import Engine
import Foundation
import GatewayProtocol
import SecureChannel

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Connect to a gateway without the full-screen interface.",
        discussion: "TARGET is https://host[:port][/group-path]."
    )

    @Argument(help: "The gateway: https://host[:port][/group-path].")
    var target: String

    @Option(help: "Group to select: an option's value or its label.")
    var group: String?

    @Option(help: "User name for the login form.")
    var user: String?

    @Flag(name: .customLong("passwd-on-stdin"), help: "Read the password, then answers to later form fields, from stdin (one per line).")
    var passwordOnStdin = false

    @Option(help: "Extra trust anchors (PEM file).")
    var cafile: String?

    @Option(name: .customLong("servercert"), help: "Accept the certificate with this pin (pin-sha256:…); repeatable.")
    var serverCerts: [String] = []

    @Flag(help: "Stop after authentication and print COOKIE=, HOST=, CONNECT_URL= and FINGERPRINT= (shell-quoted).")
    var authenticate = false

    @Option(help: "Event stream on stdout: json or text.")
    var events: EventsMode?

    @Flag(name: .customLong("non-interactive"), help: "Never prompt: fail instead.")
    var nonInteractive = false

    @Option(help: "User-Agent (the default contains \"AnyConnect\", which newer Cisco gateways require).")
    var useragent: String = AuthConfiguration.defaultUserAgent

    func run() async throws {
        let url: GatewayURL
        do {
            url = try GatewayURL(parsing: target)
        } catch {
            throw ValidationError(error.description)
        }
        if let cafile, !FileManager.default.isReadableFile(atPath: cafile) {
            throw ValidationError("--cafile \(cafile): no readable file there")
        }
        let options = ConnectOptions(url: url, group: group, userAgent: useragent, tls: TLSConfiguration(caFile: cafile),
                                     serverPins: serverCerts)
        let frontEnd = HeadlessFrontEnd(username: user, passwordOnStdin: passwordOnStdin, nonInteractive: nonInteractive)
        let engine = ConnectionEngine(options: options, frontEnd: frontEnd)
        let sink = EventSink(mode: events)
        let printer = Task { await sink.drain(engine.events) }

        let session: AuthenticatedSession
        do {
            session = try await engine.authenticate()
        } catch {
            await engine.finish()
            await printer.value
            FileHandle.standardError.write(Data(("swiftgate: " + error.description + "\n").utf8))
            throw ExitCode(error.exitCode)
        }
        guard authenticate else {
            await engine.finish()
            await printer.value
            FileHandle.standardError.write(Data(
                "swiftgate: authenticated; the tunnel (CSTP) is not implemented in this build yet: use --authenticate\n".utf8))
            throw ExitCode(1)
        }
        await engine.finish()
        await printer.value
        let lines = [
            "COOKIE=" + ShellQuote.quote(session.result.cookie.reveal()),
            "HOST=" + ShellQuote.quote(session.remoteAddress),
            "CONNECT_URL=" + ShellQuote.quote(session.url.description),
            "FINGERPRINT=" + ShellQuote.quote(session.certificate.pin),
        ]
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

extension EventsMode: ExpressibleByArgument {}
