import GatewayProtocol
import XCTest

final class DTLSPlanTests: XCTestCase {
    private func parameters(_ headers: [(String, String)]) throws -> TunnelConfiguration.DTLSParameters {
        try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.0.0.1"), ("X-DTLS-Port", "443")] + headers)).dtls
    }

    private let sessionID = String(repeating: "6a", count: 32)

    func testModesFromTheConnectReply() throws {
        XCTAssertEqual(try DTLSPlan.from(parameters([("X-DTLS-CipherSuite", "PSK-NEGOTIATE"), ("X-DTLS-App-ID", "d0c2")])),
                       .psk(appID: [0xd0, 0xc2]))
        XCTAssertEqual(try DTLSPlan.from(parameters([("X-DTLS-CipherSuite", "AES256-SHA"), ("X-DTLS-Session-ID", sessionID)])),
                       .resume(dtls12: false, cipher: "AES256-SHA", sessionID: [UInt8](repeating: 0x6a, count: 32)))
        XCTAssertEqual(try DTLSPlan.from(parameters([("X-DTLS-CipherSuite", "OC-DTLS1_2-AES128-GCM"), ("X-DTLS-Session-ID", sessionID)])),
                       .resume(dtls12: true, cipher: "AES128-GCM-SHA256", sessionID: [UInt8](repeating: 0x6a, count: 32)))
        XCTAssertEqual(try DTLSPlan.from(parameters([("X-DTLS12-CipherSuite", "AES128-GCM-SHA256"), ("X-DTLS-Session-ID", sessionID)])),
                       .resume(dtls12: true, cipher: "AES128-GCM-SHA256", sessionID: [UInt8](repeating: 0x6a, count: 32)))
        XCTAssertEqual(try DTLSPlan.from(parameters([("X-DTLS-CipherSuite", "AES256-SHA"), ("X-DTLS-Session-ID", sessionID)]))?.name, "legacy")
    }

    func testNoPortMeansNoDTLS() throws {
        let config = try TunnelConfiguration(headers: HTTPHeaders([("X-CSTP-Address", "10.0.0.1")]))
        XCTAssertNil(try DTLSPlan.from(config.dtls))
    }

    func testUnusableRepliesAreTypedErrors() {
        XCTAssertThrowsError(try DTLSPlan.from(parameters([("X-DTLS-CipherSuite", "AES256-SHA"), ("X-DTLS-Session-ID", "abcd")]))) {
            XCTAssertEqual($0 as? DTLSPlanError, .badSessionID("abcd"), "openconnect rejects any length but 32 bytes")
        }
        XCTAssertThrowsError(try DTLSPlan.from(parameters([("X-DTLS-CipherSuite", "PSK-NEGOTIATE"), ("X-DTLS-App-ID", "zz")]))) {
            XCTAssertEqual($0 as? DTLSPlanError, .badAppID("zz"))
        }
    }

    func testOffersPerMode() {
        XCTAssertEqual(DTLSModePreference.psk.offer.cipherSuites, "PSK-NEGOTIATE")
        XCTAssertNil(DTLSModePreference.psk.offer.dtls12CipherSuites)
        XCTAssertFalse(DTLSModePreference.legacy.offer.cipherSuites!.contains("PSK"))
        XCTAssertNotNil(DTLSModePreference.dtls12.offer.dtls12CipherSuites)
        let auto = DTLSModePreference.auto.offer
        XCTAssertTrue(auto.cipherSuites!.hasPrefix("PSK-NEGOTIATE:") && auto.cipherSuites!.contains("AES256-SHA"))
    }

    func testRetryScheduleOneTwoFourEightSixteenThenGiveUpThenEveryMinute() {
        var schedule = DTLSRetrySchedule()
        XCTAssertEqual((0..<7).map { _ in schedule.failed() }, [
            .retry(attempt: 1, afterSeconds: 1), .retry(attempt: 2, afterSeconds: 2), .retry(attempt: 3, afterSeconds: 4),
            .retry(attempt: 4, afterSeconds: 8), .retry(attempt: 5, afterSeconds: 16), .giveUp(afterSeconds: 60),
            .later(afterSeconds: 60),
        ])
        schedule.reset()
        XCTAssertEqual(schedule.failed(), .retry(attempt: 1, afterSeconds: 1))
    }
}
