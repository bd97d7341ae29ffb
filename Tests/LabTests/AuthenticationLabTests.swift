import Foundation
import XCTest

/// Phases 1-3 against a real ocserv (DESIGN.md §7): `swiftgate connect --authenticate` in the client namespace.
final class AuthenticationLabTests: LabTestCase {




    private func authenticate(_ lab: LabGateway, url: String? = nil, user: String = "alice", password: String = "secret",
                              extra: [String] = [], stdinLines: [String]? = nil, caFile: Bool = true) throws -> CommandResult {
        var arguments = ["connect", url ?? lab["URL"], "--authenticate", "--events", "json", "--user", user,
                         "--passwd-on-stdin"]
        if caFile { arguments += ["--cafile", lab["CA_FILE"]] }
        let input = (stdinLines ?? [password]).joined(separator: "\n") + "\n"
        return try lab.swiftgate(arguments + extra, stdin: input)
    }

    /// Everything a successful `--authenticate` must show, and the cookie nowhere but in COOKIE=.
    private func assertAuthenticated(_ result: CommandResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.exitCode, 0, "stderr: \(result.stderr)", file: file, line: line)
        for phase in ["tls", "group-select", "user-auth"] {
            XCTAssertEqual(result.phaseEvents(phase).first?["state"] as? String, "started", phase, file: file, line: line)
            XCTAssertNotNil(result.doneDetail(phase), "\(phase) done", file: file, line: line)
        }
        let cookie = result.authValue("COOKIE") ?? ""
        XCTAssertGreaterThan(cookie.count, 20, "a webvpn cookie", file: file, line: line)
        let occurrences = result.allOutput.components(separatedBy: cookie).count - 1
        XCTAssertEqual(occurrences, 1, "the cookie appears only on the COOKIE= line", file: file, line: line)
        XCTAssertFalse(result.allOutput.contains("secret\""), "no password in events", file: file, line: line)
    }

    private func chosenGroup(_ result: CommandResult) -> String? {
        (result.doneDetail("group-select")?["chosen"] as? [String: Any])?["value"] as? String
    }

    func testServerDefaultGroupWhenNoneIsGiven() throws {
        let lab = try start()
        let result = try authenticate(lab)
        assertAuthenticated(result)
        let detail = try XCTUnwrap(result.doneDetail("group-select"))
        let offered = try XCTUnwrap(detail["offered"] as? [[String: Any]])
        XCTAssertEqual(Set(offered.compactMap { $0["value"] as? String }), ["DEFAULT", "Engineering", "Sales"])
        XCTAssertEqual(chosenGroup(result), offered.first?["value"] as? String, "the gateway's default: its first option")
        XCTAssertEqual(detail["reposts"] as? Int, 0)
        let tls = try XCTUnwrap(result.doneDetail("tls"))
        XCTAssertEqual(tls["protocol"] as? String, "TLSv1.3")
        XCTAssertNotNil(tls["cipher"] as? String)
        XCTAssertEqual(result.authValue("HOST"), "198.18.0.1")
        XCTAssertEqual(result.authValue("CONNECT_URL"), "https://198.18.0.1:4443/")
        XCTAssertEqual(result.authValue("FINGERPRINT"), lab["SERVER_PIN"])
        let steps = try XCTUnwrap(result.doneDetail("user-auth")?["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.map { $0["message"] as? String }, ["Please enter your username.", "Please enter your password."])
    }

    func testGroupChosenByValue() throws {
        let lab = try start()
        let result = try authenticate(lab, extra: ["--group", "Sales"])
        assertAuthenticated(result)
        XCTAssertEqual(chosenGroup(result), "Sales")
    }

    func testGroupChosenByLabelWithSpacesAndPunctuation() throws {
        let lab = try start()
        let result = try authenticate(lab, extra: ["--group", lab["GROUP_ENGINEERING_LABEL"]])
        assertAuthenticated(result)
        XCTAssertEqual(chosenGroup(result), "Engineering")
        let chosen = result.doneDetail("group-select")?["chosen"] as? [String: Any]
        XCTAssertEqual(chosen?["label"] as? String, "Engineering & Ops (EU)")
    }

    func testUnknownGroupIsAUsageErrorListingTheOffer() throws {
        let lab = try start()
        let result = try authenticate(lab, extra: ["--group", "Marketing"])
        XCTAssertEqual(result.exitCode, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("no group 'Marketing'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("'Sales'"), result.stderr)
    }

    func testWrongPasswordIsRefusedWithTheServersMessageAndNeverPrinted() throws {
        let lab = try start()
        let password = "Wr0ng-Pa55-7731"
        let result = try authenticate(lab, password: password, extra: ["--group", "Engineering"])
        XCTAssertEqual(result.exitCode, 3, result.allOutput)
        XCTAssertTrue(result.stderr.contains("Login failed"), result.stderr)
        XCTAssertEqual(result.phaseEvents("user-auth").last?["state"] as? String, "failed")
        XCTAssertFalse(result.allOutput.contains(password), "the password appears in no output")
        XCTAssertNil(result.authValue("COOKIE"))
    }

    func testUserNotMemberOfTheChosenGroupIsRefused() throws {
        let lab = try start()
        let result = try authenticate(lab, user: "bob", password: "builder", extra: ["--group", "Sales"])
        XCTAssertEqual(result.exitCode, 3, result.allOutput)
        XCTAssertTrue(result.stderr.contains("401"), result.stderr)
        XCTAssertFalse(result.allOutput.contains("builder"))
    }

    func testUntrustedCertificateEndsWithExit4AndThePin() throws {
        let lab = try start(["--server-cert", "self-signed"])
        let result = try authenticate(lab, caFile: false)
        XCTAssertEqual(result.exitCode, 4, result.allOutput)
        XCTAssertTrue(result.stderr.contains(lab["SELF_SIGNED_PIN"]), "the pin is printed")
        XCTAssertTrue(result.stderr.contains("self-signed certificate"), result.stderr)
        let certificate = try XCTUnwrap(result.events.first { $0["event"] as? String == "certificate" })
        XCTAssertEqual(certificate["trusted"] as? Bool, false)
        XCTAssertEqual(certificate["decision"] as? String, "refused")
        XCTAssertEqual(certificate["pin"] as? String, lab["SELF_SIGNED_PIN"])
        XCTAssertEqual(result.phaseEvents("tls").last?["state"] as? String, "failed")
        XCTAssertTrue(result.phaseEvents("group-select").isEmpty, "nothing is sent to an untrusted gateway")
    }

    func testUntrustedCertificateAcceptedWithTheRightPinRefusedWithAWrongOne() throws {
        let lab = try start(["--server-cert", "self-signed"])
        let accepted = try authenticate(lab, extra: ["--servercert", lab["SELF_SIGNED_PIN"]], caFile: false)
        assertAuthenticated(accepted)
        let certificate = accepted.events.first { $0["event"] as? String == "certificate" }
        XCTAssertEqual(certificate?["decision"] as? String, "pinned")
        XCTAssertEqual(certificate?["trusted"] as? Bool, false, "still not valid: the pin is what trusts it")

        let refused = try authenticate(lab, extra: ["--servercert", lab["CA_SIGNED_PIN"]], caFile: false)
        XCTAssertEqual(refused.exitCode, 4, refused.allOutput)
        XCTAssertTrue(refused.stderr.contains("does not match"), refused.stderr)
    }

    /// Every `--servercert` form openconnect takes (library.c `openconnect_check_peer_cert_hash`), checked against
    /// openconnect itself on the same gateway; a prefix, which openconnect accepts, Swiftgate refuses (usage error).
    func testEveryServercertFormAsOpenconnectTakesThem() throws {
        let lab = try start(["--server-cert", "self-signed"])
        let certificate = lab["SELF_SIGNED_CERT"]
        func spki(_ digest: String) throws -> String {
            let result = try CommandRunner.run(["/bin/bash", "-c", "openssl x509 -in \"$1\" -noout -pubkey | "
                                                + "openssl pkey -pubin -outform DER | openssl dgst -\(digest) -r | cut -d' ' -f1",
                                                "spki", certificate], timeout: 30)
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let sha1 = lab["SELF_SIGNED_SHA1"]
        let colons = stride(from: 0, to: sha1.count, by: 2).map { offset -> String in
            let start = sha1.index(sha1.startIndex, offsetBy: offset)
            return String(sha1[start..<sha1.index(start, offsetBy: 2)])
        }.joined(separator: ":").lowercased()
        let forms = [lab["SELF_SIGNED_PIN"], "sha256:" + (try spki("sha256")).uppercased(), "sha1:" + (try spki("sha1")),
                     sha1, sha1.lowercased()]
        for form in forms + [colons] {
            let result = try authenticate(lab, extra: ["--servercert", form], caFile: false)
            assertAuthenticated(result)
            XCTAssertEqual(result.events.first { $0["event"] as? String == "certificate" }?["decision"] as? String, "pinned", form)
        }
        // The client nobody here wrote takes the same forms (colons aside: it reads "ab:" as an unknown prefix).
        for form in forms {
            let openconnect = try lab.client(["openconnect", "--authenticate", "--non-inter", "--passwd-on-stdin",
                                              "--user", "alice", "--authgroup", "DEFAULT", "--servercert", form, lab["URL"]], stdin: "secret\n")
            XCTAssertEqual(openconnect.exitCode, 0, "openconnect with \(form): \(openconnect.stderr)")
        }
        // A prefix: openconnect accepts 4 characters or more; Swiftgate refuses before connecting (a usage error,
        // ArgumentParser's exit 64 like the other refused arguments).
        let prefix = try authenticate(lab, extra: ["--servercert", String(lab["SELF_SIGNED_PIN"].prefix(20))], caFile: false)
        XCTAssertEqual(prefix.exitCode, 64, prefix.allOutput)
        XCTAssertTrue(prefix.stderr.contains("a prefix is never accepted"), prefix.stderr)
        let openconnectPrefix = try lab.client(["openconnect", "--authenticate", "--non-inter", "--passwd-on-stdin",
                                                "--user", "alice", "--authgroup", "DEFAULT", "--servercert", String(sha1.prefix(8)),
                                                lab["URL"]],
                                               stdin: "secret\n")
        XCTAssertEqual(openconnectPrefix.exitCode, 0, "openconnect takes a prefix (the difference, on purpose)")
    }

    func testFurtherFormAfterThePasswordIsAnsweredFromTheNextStdinLine() throws {
        let lab = try start(["--otp"])
        let code = try lab.otp(for: "carol")
        let result = try authenticate(lab, user: "carol", extra: ["--group", "Sales"], stdinLines: ["otp-pass", code])
        assertAuthenticated(result)
        let steps = try XCTUnwrap(result.doneDetail("user-auth")?["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.count, 3, "username, password, then the OTP form")
        XCTAssertTrue((steps.last?["message"] as? String ?? "").contains("OTP"), "\(steps)")
        XCTAssertFalse(result.allOutput.contains("otp-pass"))
    }

    func testHostNameAndIPv6Addresses() throws {
        let lab = try start()
        let byName = try authenticate(lab, url: lab["URL_HOST"])
        assertAuthenticated(byName)
        XCTAssertEqual(byName.authValue("HOST"), "198.18.0.1")
        let byV6 = try authenticate(lab, url: lab["URL6"])
        assertAuthenticated(byV6)
        XCTAssertEqual(byV6.authValue("HOST"), "2001:db8:5e::1")
    }

    func testHostNameMismatchIsAReason() throws {
        let lab = try start()
        // The certificate names gateway.lab.test and the gateway's IPs, not 198.18.0.2's reverse or any alias.
        let hosts = "198.18.0.1 wrong-name.lab.test\n127.0.0.1 localhost\n"
        try hosts.write(toFile: "/etc/netns/\(lab["CLIENT_NS"])/hosts", atomically: true, encoding: .utf8)
        let result = try authenticate(lab, url: "https://wrong-name.lab.test:4443/")
        XCTAssertEqual(result.exitCode, 4, result.allOutput)
        XCTAssertTrue(result.stderr.contains("hostname mismatch"), result.stderr)
    }

    func testNothingListeningIsUnreachable() throws {
        let lab = try start()
        let result = try authenticate(lab, url: "https://198.18.0.1:4999/")
        XCTAssertEqual(result.exitCode, 5, result.allOutput)
        XCTAssertTrue(result.stderr.contains("Connection refused"), result.stderr)
    }
}
