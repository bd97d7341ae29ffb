import Foundation
import XCTest

/// The base of every lab test: the prerequisite check, the labs and background commands a test started, and
/// their removal whatever the test's outcome.
class LabTestCase: XCTestCase {
    private var labs: [LabGateway] = []
    private var commands: [RunningCommand] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        try LabRequirement.check()
    }

    override func tearDown() {
        commands.removeAll()  // RunningCommand.deinit kills what still runs
        labs.forEach { $0.stop() }
        labs.removeAll()
        super.tearDown()
    }

    /// A lab gateway for this test; `options` are lab.sh `up` flags.
    func start(_ options: [String] = []) throws -> LabGateway {
        let lab = try LabGateway(options: options)
        labs.append(lab)
        return lab
    }

    /// Removes a lab before the test ends (to put another in its place).
    func stop(_ lab: LabGateway) {
        lab.stop()
        labs.removeAll { $0 === lab }
    }

    /// Starts a command in the background; it is killed at the end of the test if still running.
    func launch(_ arguments: [String], stdin: String? = nil) throws -> RunningCommand {
        let command = try CommandRunner.start(arguments, stdin: stdin)
        commands.append(command)
        return command
    }

    /// Pings the gateway's tunnel address until one answer comes back, within a deadline.
    func pingEventually(_ lab: LabGateway, within seconds: TimeInterval = 30) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try lab.client(["ping", "-c", "1", "-W", "2", lab["VPN_GW_ADDR"]], timeout: 30).exitCode == 0 { return true }
        }
        return false
    }

    /// transfer.py's sender ended well, and both ends report the same size and SHA-256.
    private func assertSameTransfer(sent: CommandResult, receiver: RunningCommand, mebibytes: Int,
                                    file: StaticString, line: UInt) throws {
        XCTAssertEqual(sent.exitCode, 0, sent.allOutput, file: file, line: line)
        let received = try receiver.wait(timeout: 60)
        let sentLine = sent.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(sentLine.hasPrefix("\(mebibytes * 1024 * 1024) "), sentLine, file: file, line: line)
        XCTAssertEqual(received.stdout.split(separator: "\n").last.map(String.init), sentLine,
                       "size and SHA-256 on both ends", file: file, line: line)
    }

    /// Sends `mebibytes` through the tunnel to the gateway and checks size and SHA-256 on both ends.
    func transfer(_ lab: LabGateway, mebibytes: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let script = LabGateway.repositoryRoot + "/scripts/lab/transfer.py"
        let receiver = try launch(["ip", "netns", "exec", lab["GW_NS"], "/usr/bin/python3", script, "receive",
                                   lab["VPN_GW_ADDR"], "5001"])
        try receiver.waitForOutput("listening", timeout: 20)
        let sent = try lab.client(["/usr/bin/python3", script, "send", lab["VPN_GW_ADDR"], "5001", String(mebibytes)], timeout: 300)
        try assertSameTransfer(sent: sent, receiver: receiver, mebibytes: mebibytes, file: file, line: line)
    }

    /// The other way: the gateway sends `mebibytes` to the client's tunnel `address`, so the download path (the
    /// tun writes, coalesced into GSO super-packets) is proven intact too.
    func transferDown(_ lab: LabGateway, to address: String, mebibytes: Int, file: StaticString = #filePath,
                      line: UInt = #line) throws {
        let script = LabGateway.repositoryRoot + "/scripts/lab/transfer.py"
        let receiver = try launch(["ip", "netns", "exec", lab["CLIENT_NS"], "/usr/bin/python3", script, "receive",
                                   address, "5002"])
        try receiver.waitForOutput("listening", timeout: 20)
        let sender = try launch(["ip", "netns", "exec", lab["GW_NS"], "/usr/bin/python3", script, "send", address, "5002",
                                 String(mebibytes)])
        let sent = try sender.wait(timeout: 300)
        try assertSameTransfer(sent: sent, receiver: receiver, mebibytes: mebibytes, file: file, line: line)
    }
}
