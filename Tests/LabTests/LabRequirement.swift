import Foundation
import XCTest

/// Lab tests need root (namespaces, veth, tun, ocserv) and the lab's packages. Where they are expected to run
/// (CI, or `make test` as root, which sets SWIFTGATE_LAB=required) a missing prerequisite fails the test with the
/// fix; elsewhere (a developer's `swift test` without root) they are skipped, loudly.
enum LabRequirement {
    static func check() throws {
        let env = ProcessInfo.processInfo.environment
        let required = env["SWIFTGATE_LAB"] == "required" || env["CI"] == "true"
        var problems: [String] = []
        if geteuid() != 0 {
            problems.append("lab tests need root: run `sudo make test`")
        }
        for tool in ["/usr/sbin/ocserv", "/usr/bin/ocpasswd", "/usr/bin/certtool", "/usr/sbin/ip"]
        where !FileManager.default.isExecutableFile(atPath: tool) && !FileManager.default.isExecutableFile(atPath: tool.replacingOccurrences(of: "/usr/sbin/", with: "/sbin/")) {
            problems.append("\(tool) is missing: run `sudo scripts/lab/lab.sh install` (make test does)")
        }
        if !FileManager.default.isExecutableFile(atPath: LabGateway.binary) {
            problems.append("no swiftgate binary at \(LabGateway.binary): run `swift build` first (make test does)")
        }
        guard !problems.isEmpty else { return }
        let message = problems.joined(separator: "; ")
        if required { throw LabError("lab prerequisite missing: \(message)") }
        throw XCTSkip("SKIPPED LAB TEST: \(message)")
    }
}
