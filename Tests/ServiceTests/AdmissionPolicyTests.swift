import XCTest
@testable import Service

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
