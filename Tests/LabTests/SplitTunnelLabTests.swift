import Foundation
import XCTest

/// An ASA sends one `X-CSTP-Split-Include` per split-tunnel ACL entry; 500 and more are common (issue 10, item 12).
/// ocserv does the same with one `route =` line each: 600 of them must configure 600 routes through the tunnel.
final class SplitTunnelLabTests: LabTestCase {
    private static let routeCount = 600

    private static func route(_ index: Int) -> (conf: String, prefix: String) {
        let network = "10.\(100 + index / 256).\(index % 256).0"
        return ("route = \(network)/255.255.255.0", "\(network)/24")
    }

    func testSixHundredSplitIncludesBecomeSixHundredRoutes() throws {
        let lab = try start((0..<Self.routeCount).flatMap { ["--extra", Self.route($0).conf] })
        let arguments = ["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect", lab["URL"],
                         "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin", "--no-dtls", "--events", "json"]
        let session = try launch(arguments, stdin: "secret\n")
        try session.waitForOutput(#""event":"connected""#, timeout: 90)
        let events = CommandResult(exitCode: 0, stdout: session.stdoutSoFar, stderr: "").events
        let tunnel = try XCTUnwrap(events.last { $0["event"] as? String == "tunnel" })
        let interface = try XCTUnwrap(tunnel["interface"] as? String)
        let routes = try XCTUnwrap(tunnel["routes"] as? [String])
        XCTAssertEqual(routes.count, Self.routeCount + 1, "the lab's own 198.19.0.0/24 and the 600")
        XCTAssertTrue(routes.contains(Self.route(Self.routeCount - 1).prefix), "\(routes.suffix(3))")
        XCTAssertFalse(events.contains { $0["event"] as? String == "warning" }, "nothing odd in this reply")

        let table = try lab.client(["ip", "-o", "route", "show", "dev", interface], timeout: 60)
        let throughTunnel = table.stdout.split(separator: "\n").filter { $0.hasPrefix("10.") }
        XCTAssertEqual(throughTunnel.count, Self.routeCount, "every split route is in the table: \(table.stdout.suffix(300))")
        XCTAssertTrue(try pingEventually(lab), "the tunnel carries traffic")

        session.signal(SIGTERM)
        let result = try session.wait(timeout: 60)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let after = try lab.client(["ip", "-o", "route"], timeout: 60)
        XCTAssertFalse(after.stdout.contains("10.100.0.0"), "the routes are gone: \(after.stdout.prefix(300))")
    }
}
