import GatewayProtocol
import XCTest

/// The DTLS cipher the gateway picks must be one offered, never a NULL cipher (issue 13, item 11).
final class DTLSCipherChoiceTests: XCTestCase {
    private func parameters(cipher: String? = nil, dtls12: String? = nil) -> TunnelConfiguration.DTLSParameters {
        var dtls = TunnelConfiguration.DTLSParameters()
        dtls.port = 443
        dtls.sessionID = String(repeating: "AB", count: 32)
        dtls.cipherSuite = cipher
        dtls.dtls12CipherSuite = dtls12
        return dtls
    }

    func testOfferedCiphersAreAccepted() throws {
        XCTAssertEqual(try DTLSPlan.from(parameters(cipher: "AES128-SHA"), offered: .auto)?.name, "legacy")
        XCTAssertEqual(try DTLSPlan.from(parameters(cipher: "OC-DTLS1_2-AES256-GCM"), offered: .auto)?.name, "dtls12")
        XCTAssertEqual(try DTLSPlan.from(parameters(dtls12: "ECDHE-RSA-AES128-GCM-SHA256"), offered: .auto)?.name, "dtls12")
    }

    func testANullCipherIsRefused() {
        XCTAssertThrowsError(try DTLSPlan.from(parameters(cipher: "NULL-SHA"), offered: .legacy)) {
            XCTAssertEqual($0 as? DTLSPlanError, .weakCipher("NULL-SHA"))
        }
    }

    func testACipherNotOfferedIsRefused() {
        XCTAssertThrowsError(try DTLSPlan.from(parameters(cipher: "DES-CBC3-SHA"), offered: .auto)) {
            XCTAssertEqual($0 as? DTLSPlanError, .unofferedCipher("DES-CBC3-SHA"))
        }
        XCTAssertThrowsError(try DTLSPlan.from(parameters(dtls12: "ECDHE-RSA-AES128-SHA"), offered: .auto))
        // PSK chosen when only legacy was offered.
        var psk = TunnelConfiguration.DTLSParameters()
        psk.port = 443
        psk.cipherSuite = "PSK-NEGOTIATE"
        psk.appID = "0011"
        XCTAssertThrowsError(try DTLSPlan.from(psk, offered: .legacy))
        XCTAssertEqual(try DTLSPlan.from(psk, offered: .auto)?.name, "psk")
    }
}
