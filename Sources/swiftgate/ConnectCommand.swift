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

    @Option(help: "Client certificate (PEM), sent when the gateway asks for one.")
    var certificate: String?

    @Option(help: "Private key of --certificate (PEM); an encrypted key's passphrase is read like a form answer.")
    var key: String?

    @Flag(name: .customLong("cookie-on-stdin"), help: "Skip the login: read a webvpn cookie (from --authenticate) from stdin.")
    var cookieOnStdin = false

    @Flag(help: "Stop after authentication and print COOKIE=, HOST=, CONNECT_URL= and FINGERPRINT= (shell-quoted).")
    var authenticate = false

    @Option(help: "Event stream on stdout: json or text.")
    var events: EventsMode?

    @Flag(name: .customLong("non-interactive"), help: "Never prompt: fail instead.")
    var nonInteractive = false

    @Flag(name: .customLong("no-dtls"), help: "Do not offer DTLS: all data over TLS.")
    var noDTLS = false

    @Option(name: .customLong("dtls-mode"), help: "DTLS modes to offer: auto, psk, legacy or dtls12.")
    var dtlsMode: DTLSModePreference = .auto

    @Option(name: .customLong("reconnect-timeout"), help: "Seconds to keep trying to bring a lost tunnel back.")
    var reconnectTimeout: Int = 300

    @Option(help: "vpnc-script that configures addresses, routes and DNS.")
    var script: String = "/usr/share/vpnc-scripts/vpnc-script"

    @Option(help: "Name of the tun device (default: the kernel's choice).")
    var interface: String?

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
        var options = ConnectOptions(url: url, group: group, userAgent: useragent, tls: TLSConfiguration(caFile: cafile),
                                     serverPins: serverCerts)
        options.clientCertificate = certificate
        options.clientKey = key
        if !authenticate {
            // Before a login is spent: can this process create the tun device? (exit 7 if not)
            do {
                try ConnectionEngine.checkTunnelPrivilege()
            } catch {
                FileHandle.standardError.write(Data(("swiftgate: " + error.description + "\n").utf8))
                throw ExitCode(error.exitCode)
            }
            if !FileManager.default.isExecutableFile(atPath: script) {
                throw ValidationError("--script \(script): not an executable file (install Debian's vpnc-scripts, or name one)")
            }
        }
        let frontEnd = HeadlessFrontEnd(username: user, passwordOnStdin: passwordOnStdin, nonInteractive: nonInteractive)
        let engine = ConnectionEngine(options: options, frontEnd: frontEnd)
        let sink = EventSink(mode: events)
        let printer = Task { await sink.drain(engine.events) }
        let signals = SignalHandling(engine: engine)
        defer { signals.cancel() }

        let session: AuthenticatedSession
        do {
            if cookieOnStdin {
                guard let cookie = readLine(strippingNewline: true), !cookie.isEmpty else {
                    throw EngineError.usage("--cookie-on-stdin: no cookie on stdin")
                }
                session = AuthenticatedSession(url: url, result: AuthResult(cookie: Secret(cookie)), certificate: nil,
                                               remoteAddress: url.host)
            } else {
                session = try await engine.authenticate()
            }
        } catch let error as EngineError {
            await engine.finish()
            await printer.value
            FileHandle.standardError.write(Data(("swiftgate: " + error.description + "\n").utf8))
            throw ExitCode(error.exitCode)
        }
        guard authenticate else {
            let end: SessionEnd
            do {
                end = try await engine.runTunnel(session, settings: TunnelSettings(
                    script: script, interface: interface, offerDTLS: !noDTLS, dtlsMode: dtlsMode,
                    reconnectTimeoutSeconds: reconnectTimeout))
            } catch {
                await engine.finish()
                await printer.value
                FileHandle.standardError.write(Data(("swiftgate: " + error.description + "\n").utf8))
                throw ExitCode(error.exitCode)
            }
            await engine.finish()
            await printer.value
            if !end.clean {
                FileHandle.standardError.write(Data(("swiftgate: " + end.reason + "\n").utf8))
                throw ExitCode(1)
            }
            return
        }
        await engine.finish()
        await printer.value
        let lines = [
            "COOKIE=" + ShellQuote.quote(session.result.cookie.reveal()),
            "HOST=" + ShellQuote.quote(session.remoteAddress),
            "CONNECT_URL=" + ShellQuote.quote(session.url.description),
            "FINGERPRINT=" + ShellQuote.quote(session.certificate?.pin ?? ""),
        ]
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}

extension EventsMode: ExpressibleByArgument {}
extension DTLSModePreference: ExpressibleByArgument {}
