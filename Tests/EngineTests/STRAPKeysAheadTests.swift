@testable import Engine
import GatewayProtocol
@testable import SecureChannel
import XCTest

/// The STRAP keys made beside the TLS handshake (issue 12, item 4).
final class STRAPKeysAheadTests: XCTestCase {
    func testTheKeysAndTheConnectsNextKeyAreMadeAheadAndTheThreadEndsByJoin() throws {
        let ahead = STRAPKeysAhead()
        let keys = try XCTUnwrap(ahead.take())
        ahead.join()
        XCTAssertTrue(keys.hasPreparedKey, "the key the CONNECT rekeys to is made ahead too")
        XCTAssertTrue(ahead.take() === keys, "taken again: the same keys")
        XCTAssertNotNil(Base64.decode(keys.publicKeyHeader))
    }
}
