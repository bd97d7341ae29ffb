import Foundation
import XCTest

/// Phase 6 against a real ocserv: the three DTLS modes, data over DTLS, and the blocked-UDP backoff with the
/// MTU fallback to TLS (DESIGN.md §1, 6.1), the last through the ASA-behaviour front for an ASA's two MTUs.
final class DTLSLabTests: LabTestCase {




    /// `url`: the lab's ocserv by default; `lab["ASA_URL"] + "/ok"` for the ASA-behaviour front.
    private func connect(_ lab: LabGateway, url: String? = nil, extra: [String] = []) throws -> RunningCommand {
        let arguments = ["ip", "netns", "exec", lab["CLIENT_NS"], LabGateway.binary, "connect", url ?? lab["URL"],
                         "--cafile", lab["CA_FILE"], "--user", "alice", "--passwd-on-stdin", "--events", "json"] + extra
        let command = try launch(arguments, stdin: "secret\n")
        try command.waitForOutput(#""event":"connected""#, timeout: 30)
        return command
    }

    private func events(_ command: RunningCommand) -> [[String: Any]] {
        CommandResult(exitCode: 0, stdout: command.stdoutSoFar, stderr: "").events
    }

    private func dtlsChannelEvents(_ command: RunningCommand) -> [[String: Any]] {
        events(command).filter { $0["event"] as? String == "channel" && $0["channel"] as? String == "dtls" }
    }

    private func waitForDTLSUp(_ command: RunningCommand, timeout: TimeInterval = 20) throws -> [String: Any] {
        try command.waitForOutput(#""channel":"dtls","state":"up""#, timeout: timeout)
        return try XCTUnwrap(dtlsChannelEvents(command).last { $0["state"] as? String == "up" })
    }

    private func stop(_ command: RunningCommand) throws -> [String: [String: Any]] {
        command.signal(SIGTERM)
        let result = try command.wait(timeout: 20)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        var last: [String: [String: Any]] = [:]
        for event in result.events where event["event"] as? String == "stats" {
            last[event["channel"] as? String ?? ""] = event
        }
        return last
    }

    private func ping(_ lab: LabGateway, count: Int = 3) throws {
        let ping = try lab.client(["ping", "-c", String(count), "-W", "5", lab["VPN_GW_ADDR"]], timeout: 60)
        XCTAssertEqual(ping.exitCode, 0, ping.allOutput)
    }

    func testPSKModeIsOcservsDefaultAndCarriesData() throws {
        let lab = try start()
        let session = try connect(lab)
        let up = try waitForDTLSUp(session)
        XCTAssertEqual(up["protocol"] as? String, "DTLSv1.2")
        XCTAssertTrue((up["cipher"] as? String ?? "").hasPrefix("PSK-"), "\(up)")
        XCTAssertEqual(up["reason"] as? String, "psk")
        // The phase's end is emitted just after the channel's `up`, and may not have been read yet.
        try session.waitForOutput(#""phase":"dtls","state":"done""#, timeout: 5)
        let done = events(session).last { $0["event"] as? String == "phase" && $0["phase"] as? String == "dtls" }
        XCTAssertEqual(done?["state"] as? String, "done")
        let occtl = try CommandRunner.run(["/bin/bash", LabGateway.script, "occtl", lab.stateDirectory, "show", "user", "alice"],
                                          timeout: 30)
        XCTAssertTrue(occtl.stdout.contains("(DTLS1.2)-(PSK)"), "the gateway sees PSK DTLS: \(occtl.stdout)")
        // ocserv sends no X-DTLS-MTU in PSK mode (protocol.md §3.2) and derives X-CSTP-MTU from the DTLS cipher
        // (§3.3): the tun came up with it, as openconnect's does, and DTLS coming up changed nothing the person
        // sees (issue 12, item 6).
        let cstp = events(session).first { $0["event"] as? String == "phase" && $0["phase"] as? String == "cstp"
            && $0["state"] as? String == "done" }.flatMap { $0["detail"] as? [String: Any] } ?? [:]
        let tunMTU = events(session).first { $0["event"] as? String == "tunnel" }?["mtu"] as? Int ?? 0
        XCTAssertEqual(tunMTU, cstp["mtu"] as? Int, "\(cstp)")
        XCTAssertEqual(tunMTU, 1434, "AES-GCM over a 1500-byte link (protocol.md §3.3)")
        XCTAssertFalse(events(session).contains { $0["event"] as? String == "reconfigured" }, "\(events(session))")
        try ping(lab)
        try transfer(lab, mebibytes: 20)
        let address = events(session).first { $0["event"] as? String == "tunnel" }?["address"] as? String ?? ""
        try transferDown(lab, to: address, mebibytes: 100)
        let stats = try stop(session)
        XCTAssertGreaterThan(stats["dtls"]?["bytes_out"] as? Int ?? 0, 20 * 1024 * 1024, "the transfer went over DTLS")
        XCTAssertGreaterThan(stats["dtls"]?["bytes_in"] as? Int ?? 0, 100 * 1024 * 1024, "the download came over DTLS")
        XCTAssertGreaterThanOrEqual(stats["dtls"]?["packets_in"] as? Int ?? 0, 3)
    }

    func testLegacyDTLS09WhenThePSKModeIsOff() throws {
        let lab = try start(["--extra", "dtls-psk = false"])
        let session = try connect(lab, extra: ["--dtls-mode", "legacy"])
        let up = try waitForDTLSUp(session)
        XCTAssertEqual(up["protocol"] as? String, "DTLSv0.9")
        XCTAssertEqual(up["reason"] as? String, "legacy")
        try ping(lab)
        let stats = try stop(session)
        XCTAssertGreaterThanOrEqual(stats["dtls"]?["packets_in"] as? Int ?? 0, 3, "the pings came back over DTLS")
    }

    func testDTLS12Resumption() throws {
        let lab = try start(["--extra", "dtls-psk = false"])
        let session = try connect(lab, extra: ["--dtls-mode", "dtls12"])
        let up = try waitForDTLSUp(session)
        XCTAssertEqual(up["protocol"] as? String, "DTLSv1.2")
        XCTAssertEqual(up["reason"] as? String, "dtls12")
        XCTAssertTrue((up["cipher"] as? String ?? "").contains("GCM"), "\(up)")
        try ping(lab)
        let stats = try stop(session)
        XCTAssertGreaterThanOrEqual(stats["dtls"]?["packets_out"] as? Int ?? 0, 3)
    }

    /// The handshake runs while the connect script does (issue 12, item 4): with a script that takes 400 ms, the
    /// `dtls` phase, timed from its first packet, spans the script, and DTLS is up right after `connected`
    /// without a second attempt. Were the handshake begun after the script, the phase would last milliseconds.
    func testTheDTLSHandshakeRunsAlongsideTheConnectScript() throws {
        let lab = try start()
        let directory = NSTemporaryDirectory() + "sg-slow-script-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/slow-vpnc-script"
        try """
        #!/bin/sh
        [ "$reason" = connect ] && sleep 0.4
        exec /usr/share/vpnc-scripts/vpnc-script "$@"

        """.write(toFile: script, atomically: true, encoding: .utf8)
        XCTAssertEqual(chmod(script, 0o755), 0)
        let session = try connect(lab, extra: ["--script", script])
        _ = try waitForDTLSUp(session)
        try session.waitForOutput(#""phase":"dtls","state":"done""#, timeout: 5)
        let all = events(session)
        let done = try XCTUnwrap(all.last { $0["event"] as? String == "phase" && $0["phase"] as? String == "dtls" })
        XCTAssertEqual(done["state"] as? String, "done")
        XCTAssertGreaterThanOrEqual(done["ms"] as? Int ?? 0, 400, "the handshake began before the script: \(done)")
        let states = dtlsChannelEvents(session).compactMap { $0["state"] as? String }
        XCTAssertEqual(states, ["connecting", "up"], "one attempt, taken over by the data plane: \(states)")
        try ping(lab)
        _ = try stop(session)
    }

    func testNoDTLSOffersNone() throws {
        let lab = try start()
        let session = try connect(lab, extra: ["--no-dtls"])
        let skipped = events(session).last { $0["event"] as? String == "phase" && $0["phase"] as? String == "dtls" }
        XCTAssertEqual(skipped?["state"] as? String, "skipped")
        XCTAssertTrue(dtlsChannelEvents(session).isEmpty)
        _ = try stop(session)
    }

    func testBlockedUDPBacksOffFiveTimesFallsBackToTLSThenComesBack() throws {
        // Through the ASA-behaviour front: its CONNECT reply has an ASA's X-DTLS-MTU above X-CSTP-MTU (docs/lab.md),
        // so giving DTLS up is the one reconfiguration the person sees (DESIGN.md §1, 6.1). DTLS goes to ocserv.
        let lab = try start(["--asa"])
        let block = try lab.client(["nft", "add table inet sgblock ; add chain inet sgblock out { type filter hook output priority 0 ; } ; add rule inet sgblock out udp dport \(lab["PORT"]) drop"], timeout: 30)
        XCTAssertEqual(block.exitCode, 0, block.allOutput)
        let session = try connect(lab, url: lab["ASA_URL"] + "/ok")
        let cstpMTU = try XCTUnwrap(events(session).first {
            $0["event"] as? String == "phase" && $0["phase"] as? String == "cstp" && $0["state"] as? String == "done"
        }.flatMap { ($0["detail"] as? [String: Any])?["mtu"] as? Int })
        let dtlsMTU = try XCTUnwrap(events(session).first { $0["event"] as? String == "tunnel" }?["mtu"] as? Int)
        XCTAssertEqual(dtlsMTU, cstpMTU + 23, "the tun came up with X-DTLS-MTU, the larger of the two")

        // Five retries after 1, 2, 4, 8 and 16 s, then DTLS is given up and the tun takes X-CSTP-MTU.
        try session.waitForOutput(#""channel":"dtls","state":"failed""#, timeout: 90)
        let channel = dtlsChannelEvents(session)
        let backoffs = channel.filter { $0["state"] as? String == "backoff" }
        XCTAssertEqual(backoffs.map { $0["attempt"] as? Int }, [1, 2, 3, 4, 5])
        XCTAssertEqual(backoffs.map { $0["next_in_s"] as? Int }, [1, 2, 4, 8, 16])
        let times = channel.map { Self.time($0) }
        for (index, event) in channel.enumerated() where event["state"] as? String == "backoff" && index + 1 < channel.count {
            let wait = times[index + 1] - times[index]
            XCTAssertGreaterThanOrEqual(wait, Double(event["next_in_s"] as? Int ?? 0) - 0.05, "waited as announced")
        }
        try session.waitForOutput(#""event":"reconfigured""#, timeout: 5)
        let reconfigured = try XCTUnwrap(events(session).last { $0["event"] as? String == "reconfigured" })
        XCTAssertEqual(reconfigured["mtu"] as? Int, cstpMTU)
        XCTAssertTrue((reconfigured["reason"] as? String ?? "").contains("TLS"))
        let link = try lab.client(["ip", "-o", "link", "show", "dev", "tun0"], timeout: 30)
        XCTAssertTrue(link.stdout.contains("mtu \(cstpMTU) "), link.stdout)
        try ping(lab)

        // The rule gone, DTLS comes back at the next periodic try (60 s), and the MTU follows it.
        let unblock = try lab.client(["nft", "delete table inet sgblock"], timeout: 30)
        XCTAssertEqual(unblock.exitCode, 0, unblock.allOutput)
        _ = try waitForDTLSUp(session, timeout: 75)
        // The reconfiguration follows the channel's `up` in the same turn; it may not have been read yet.
        let lastMTU = { self.events(session).last { $0["event"] as? String == "reconfigured" }?["mtu"] as? Int }
        let deadline = Date().addingTimeInterval(5)
        while lastMTU() != dtlsMTU && Date() < deadline { usleep(20_000) }
        XCTAssertEqual(lastMTU(), dtlsMTU, "the MTU follows DTLS back")
        try ping(lab)
        let stats = try stop(session)
        XCTAssertGreaterThanOrEqual(stats["dtls"]?["packets_in"] as? Int ?? 0, 3, "pings over DTLS after it came back")
        XCTAssertGreaterThanOrEqual(stats["tls"]?["packets_in"] as? Int ?? 0, 3, "pings over TLS while it was blocked")
    }

    func testSilentDTLSFallsBackToTLSAndRetries() throws {
        // dpd = 2: DTLS that hears nothing for 4 s is dead; ocserv moves to TCP after 3 s without UDP.
        let lab = try start(["--extra", "dpd = 2", "--extra", "switch-to-tcp-timeout = 3"])
        let session = try connect(lab)
        _ = try waitForDTLSUp(session)
        try ping(lab, count: 1)
        let block = try lab.client(["nft", "add table inet sgblock ; add chain inet sgblock out { type filter hook output priority 0 ; } ; add rule inet sgblock out udp dport \(lab["PORT"]) drop ; add chain inet sgblock in { type filter hook input priority 0 ; } ; add rule inet sgblock in udp sport \(lab["PORT"]) drop"], timeout: 30)
        XCTAssertEqual(block.exitCode, 0, block.allOutput)
        try session.waitForOutput(#""channel":"dtls","state":"down""#, timeout: 20)
        let down = try XCTUnwrap(dtlsChannelEvents(session).last { $0["state"] as? String == "down" })
        XCTAssertTrue((down["reason"] as? String ?? "").contains("silent"), "\(down)")
        try session.waitForOutput(#""channel":"dtls","state":"backoff""#, timeout: 10)

        // Data keeps flowing over TLS: a ping gets through once the gateway has moved to TCP too.
        let deadline = Date().addingTimeInterval(30)
        var answered = false
        while !answered && Date() < deadline {
            answered = try lab.client(["ping", "-c", "1", "-W", "2", lab["VPN_GW_ADDR"]], timeout: 30).exitCode == 0
        }
        XCTAssertTrue(answered, "traffic over TLS after DTLS went silent")
        let stats = try stop(session)
        XCTAssertGreaterThanOrEqual(stats["tls"]?["packets_in"] as? Int ?? 0, 1)
    }

    private static func time(_ event: [String: Any]) -> Double {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: event["time"] as? String ?? "")?.timeIntervalSince1970 ?? 0
    }
}
