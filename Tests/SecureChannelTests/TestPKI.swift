import Foundation
import XCTest

/// A root CA, an intermediate it signs, a client leaf the intermediate signs, and a server certificate, made with
/// the openssl CLI in a temporary directory (scripts/setup.sh installs it). Files are named after their role.
final class TestPKI {
    static let password = "pässwörd-日本"  // non-ASCII on purpose (issue 10, item 10)
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftgate-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
        try write("leaf.ext", "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n")
        try write("server.ext", "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n")
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", "root.key", "-out", "root.pem", "-subj", "/CN=Test Root", "-days", "2",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try sign("inter", subject: "/CN=Test Intermediate", by: "root", extensions: "ca.ext", serial: "2")
        try sign("leaf", subject: "/CN=alice", by: "inter", extensions: "leaf.ext", serial: "3")
        try sign("server", subject: "/CN=localhost", by: "root", extensions: "server.ext", serial: "4")
        let leaf = try String(contentsOf: url("leaf.pem"), encoding: .utf8)
        let inter = try String(contentsOf: url("inter.pem"), encoding: .utf8)
        let key = try String(contentsOf: url("leaf.key"), encoding: .utf8)
        try write("leaf-chain.pem", leaf + inter)
        try write("chain-first-leaf-last-with-key.pem", inter + leaf + key)
        let export = ["pkcs12", "-export", "-in", "leaf.pem", "-inkey", "leaf.key", "-certfile", "inter.pem",
                      "-passout", "env:SWIFTGATE_P12_PASS"]
        try openssl(export + ["-out", "leaf.p12"], password: Self.password)
        // RC2-40 and 3DES, as OpenSSL 1.x and older Windows exports wrote them.
        try openssl(export + ["-legacy", "-out", "leaf-legacy.pfx"], password: Self.password)
        try openssl(["pkcs12", "-export", "-in", "leaf.pem", "-inkey", "leaf.key", "-certfile", "inter.pem",
                     "-passout", "pass:", "-out", "leaf-nopass.p12"])
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { url(name).path }

    private func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    private func write(_ name: String, _ text: String) throws { try text.write(to: url(name), atomically: true, encoding: .utf8) }

    private func sign(_ name: String, subject: String, by issuer: String, extensions: String, serial: String) throws {
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key",
                     "-out", "\(name).csr", "-subj", subject])
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key",
                     "-set_serial", serial, "-days", "2", "-extfile", extensions, "-out", "\(name).pem"])
    }

    private func openssl(_ arguments: [String], password: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["SWIFTGATE_P12_PASS"] = password }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            throw PKIFailure("no /usr/bin/openssl: run scripts/setup.sh (it installs Debian's openssl package)")
        }
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIFailure("openssl \(arguments.joined(separator: " ")): \(String(decoding: output, as: UTF8.self))")
        }
    }
}

struct PKIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
