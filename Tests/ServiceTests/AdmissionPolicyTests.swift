import XCTest
@testable import Service
import Engine
import GatewayProtocol

final class AdmissionPolicyTests: XCTestCase {
    func testRootAndNamedUsersAndGroupMembersAreAdmitted() {
        let policy = AdmissionPolicy(users: [1000], groups: [900])
        XCTAssertNil(policy.refusal(uid: 0, groupsOfPeer: [0]))
        XCTAssertNil(policy.refusal(uid: 1000, groupsOfPeer: [1000]))
        XCTAssertNil(policy.refusal(uid: 1001, groupsOfPeer: [1001, 900]))
        let refusal = policy.refusal(uid: 1002, groupsOfPeer: [1002, 27])
        XCTAssertNotNil(refusal)
        XCTAssertTrue(refusal?.contains("uid 1002 may not use this service") == true, refusal ?? "")
        XCTAssertTrue(refusal?.contains("uid 1000") == true, refusal ?? "")
    }

    func testWithNoUsersNamedOnlyRootIsAdmitted() {
        let policy = AdmissionPolicy()
        XCTAssertNil(policy.refusal(uid: 0, groupsOfPeer: []))
        XCTAssertNotNil(policy.refusal(uid: 1000, groupsOfPeer: [1000]))
    }

    func testOnlyRootAndTheOwnerControlAConnection() {
        let policy = AdmissionPolicy(users: [1000, 1001])
        XCTAssertTrue(policy.mayControl(uid: 1000, owner: 1000))
        XCTAssertTrue(policy.mayControl(uid: 0, owner: 1000))
        XCTAssertFalse(policy.mayControl(uid: 1001, owner: 1000))
    }
}

/// Values a user sends that root acts on are checked before the engine sees them.
final class RequestCheckTests: XCTestCase {
    private func request(_ change: (inout ConnectRequest) -> Void) -> ConnectRequest {
        var request = ConnectRequest(name: "work", url: "https://vpn/", settings: TunnelSettings())
        change(&request)
        return request
    }

    func testAPlainRequestPasses() {
        XCTAssertNil(RequestCheck.problem(request { _ in }))
        XCTAssertNil(RequestCheck.problem(request { $0.settings.interface = "vpn0" }))
    }

    func testWhatWouldReachTheScriptOrTheTunIsChecked() {
        XCTAssertNotNil(RequestCheck.problem(request { $0.settings.interface = "../../etc" }))
        XCTAssertNotNil(RequestCheck.problem(request { $0.settings.interface = "a-name-far-too-long" }))
        XCTAssertNotNil(RequestCheck.problem(request { $0.settings.overrides.include = ["10.0.0.0/8; reboot"] }))
        XCTAssertNotNil(RequestCheck.problem(request { $0.settings.overrides.dnsDomains = ["corp\nnameserver 1.2.3.4"] }))
        XCTAssertNotNil(RequestCheck.problem(request { $0.group = "Eng\r\nX-Evil: 1" }))
        XCTAssertNotNil(RequestCheck.problem(request { $0.settings.scriptTimeoutSeconds = 1e9 }))
        XCTAssertNotNil(RequestCheck.problem(request { $0.authTimeoutSeconds = 0 }))
    }
}
