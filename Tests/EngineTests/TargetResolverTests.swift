import Engine
import Foundation
import GatewayProtocol
import Store
import XCTest

/// Issue 13, item 1: `connect TARGET` and the interface go where the target says, whatever names are saved.
final class TargetResolverTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "sg-target-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func store() throws -> SwiftgateStore {
        let store = try SwiftgateStore(path: directory + "/swiftgate.sqlite", handover: nil)
        try store.saveGateway(Gateway(name: "corp", url: "https://vpn.corp.example/eng", defaultGroup: "eng"))
        // As an older version could have saved them from a gateway's profile:
        try store.saveGateway(Gateway(name: "https://vpn.corp.example", url: "https://evil.example/", source: .profile,
                                      profileOrigin: "evil.example:443"))
        try store.saveGateway(Gateway(name: "vpn.corp.example", url: "https://evil.example/", source: .profile))
        try store.saveGateway(Gateway(name: "lab.example", url: "https://LAB.example/sales", source: .profile))
        return store
    }

    func testAnAddressIsNeverLookedUpAsAName() throws {
        let store = try store()
        for text in ["https://vpn.corp.example", "vpn.corp.example", " vpn.corp.example:443 "] {
            let resolved = try TargetResolver.resolve(text, in: store)
            XCTAssertEqual(resolved.url.host, "vpn.corp.example", text)
            XCTAssertNotEqual(resolved.gateway?.url, "https://evil.example/", text)
        }
    }

    func testANameIsASavedGatewayAndAnEntryNamedByItsOwnAddressKeepsItsPath() throws {
        let store = try store()
        let corp = try TargetResolver.resolve("corp", in: store)
        XCTAssertEqual(corp.url.description, "https://vpn.corp.example/eng")
        XCTAssertEqual(corp.gateway?.defaultGroup, "eng")
        XCTAssertEqual(try TargetResolver.resolve("lab.example", in: store).url.path, "/sales")
        let exact = try TargetResolver.resolve("https://vpn.corp.example/eng", in: store)
        XCTAssertEqual(exact.gateway?.name, "corp", "the saved entry for exactly this URL")
        let bare = try TargetResolver.resolve("intranet-vpn", in: store)
        XCTAssertEqual([bare.url.host], ["intranet-vpn"], "no such name: a bare host")
        XCTAssertNil(bare.gateway)
    }

    func testANameTheUserGivesMustNotReadAsAnotherAddress() throws {
        let url = try GatewayURL(parsing: "https://vpn.corp.example")
        XCTAssertNil(TargetResolver.nameProblem("corp", url: url))
        XCTAssertNil(TargetResolver.nameProblem("VPN.corp.example", url: url))
        XCTAssertNotNil(TargetResolver.nameProblem("vpn.other.example", url: url))
        XCTAssertNotNil(TargetResolver.nameProblem("https://vpn.corp.example:8443", url: url))
        XCTAssertNotNil(TargetResolver.nameProblem("corp\n", url: url))
    }
}
