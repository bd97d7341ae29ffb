import COpenSSL
import GatewayProtocol
@testable import SecureChannel
import XCTest

/// STRAP keys and the external-browser token (openconnect openssl.c, hpke.c), checked against a gateway side
/// written in the test.
final class STRAPKeysTests: XCTestCase {
    func testATokenSealedTheWayTheGatewayDoesDecryptsToTheSameBytes() throws {
        let keys = try STRAPKeys()
        let token = "0A1B2C3D4E5F60718293A4B5C6D7E8F9deadbeef"
        let blob = try GatewaySealer.seal(Array(token.utf8), toDHHeader: keys.dhPublicKeyHeader)
        XCTAssertEqual(blob.tag.count, 12)
        // Through the wire form, as the listener hands it over.
        let parsed = try SSOCallbackBlob.parse(blob.base64)
        let secret = try keys.decryptToken(parsed)
        XCTAssertEqual(secret.reveal(), token)
        XCTAssertEqual("\(secret)", "<redacted>")
        // A second blob for the same keys (a retried login) decrypts too.
        XCTAssertEqual(try keys.decryptToken(try GatewaySealer.seal(Array("xyz".utf8), toDHHeader: keys.dhPublicKeyHeader,
                                                                       iv: Array(0..<12))).reveal(), "xyz")
    }

    func testTamperedTagCiphertextIVOrAWrongKeyFailWithATypedError() throws {
        let keys = try STRAPKeys()
        let blob = try GatewaySealer.seal(Array("SessionToken0123".utf8), toDHHeader: keys.dhPublicKeyHeader)
        func flip(_ bytes: [UInt8], _ index: Int) -> [UInt8] {
            var copy = bytes
            copy[index] ^= 0x01
            return copy
        }
        let tampered = [
            "tag": SSOCallbackBlob(gatewayPublicKey: blob.gatewayPublicKey, tag: flip(blob.tag, 11), ciphertext: blob.ciphertext, iv: blob.iv),
            "ciphertext": SSOCallbackBlob(gatewayPublicKey: blob.gatewayPublicKey, tag: blob.tag, ciphertext: flip(blob.ciphertext, 0), iv: blob.iv),
            "iv": SSOCallbackBlob(gatewayPublicKey: blob.gatewayPublicKey, tag: blob.tag, ciphertext: blob.ciphertext, iv: flip(blob.iv, 5)),
            "short ciphertext": SSOCallbackBlob(gatewayPublicKey: blob.gatewayPublicKey, tag: blob.tag,
                                                ciphertext: Array(blob.ciphertext.dropLast()), iv: blob.iv),
        ]
        for (what, bad) in tampered {
            XCTAssertThrowsError(try keys.decryptToken(bad), what) {
                XCTAssertEqual($0 as? SecureChannelError, .ssoToken(.authentication), what)
            }
        }
        // Sealed to another login attempt's key.
        let other = try STRAPKeys()
        XCTAssertThrowsError(try other.decryptToken(blob)) { XCTAssertEqual($0 as? SecureChannelError, .ssoToken(.authentication)) }
        // The gateway's key replaced by another valid P-256 key: agreement works, authentication does not.
        let stranger = try GatewaySealer.generateP256()
        defer { EVP_PKEY_free(stranger) }
        let swapped = SSOCallbackBlob(gatewayPublicKey: try GatewaySealer.spki(stranger), tag: blob.tag,
                                      ciphertext: blob.ciphertext, iv: blob.iv)
        XCTAssertThrowsError(try keys.decryptToken(swapped)) { XCTAssertEqual($0 as? SecureChannelError, .ssoToken(.authentication)) }
        // The error says what to do and quotes nothing of the token.
        let text = SecureChannelError.ssoToken(.authentication).description
        XCTAssertTrue(text.contains("log in again"))
        XCTAssertFalse(text.contains("SessionToken0123"))
    }

    func testAGatewayKeyThatIsNotP256IsRefused() throws {
        let keys = try STRAPKeys()
        let blob = try GatewaySealer.seal(Array("abc".utf8), toDHHeader: keys.dhPublicKeyHeader)
        let p384 = try GatewaySealer.generate(curve: "P-384")
        defer { EVP_PKEY_free(p384) }
        var offCurve = blob.gatewayPublicKey
        offCurve[offCurve.count - 1] ^= 0x01  // the point's y no longer matches x
        let candidates: [String: [UInt8]] = [
            "P-384": try GatewaySealer.spki(p384),
            "garbage": [0x30, 0x03, 0x02, 0x01, 0x00],
            "trailing byte": blob.gatewayPublicKey + [0],
            "cut short": Array(blob.gatewayPublicKey.dropLast()),
            "off the curve": offCurve,
        ]
        for (what, key) in candidates {
            let bad = SSOCallbackBlob(gatewayPublicKey: key, tag: blob.tag, ciphertext: blob.ciphertext, iv: blob.iv)
            XCTAssertThrowsError(try keys.decryptToken(bad), what) {
                XCTAssertEqual($0 as? SecureChannelError, .ssoToken(.gatewayKey), what)
            }
        }
    }

    func testATokenThatIsNotAlphanumericIsRefused() throws {
        let keys = try STRAPKeys()
        for token in ["abc def", "abc\r\nSet-Cookie: x", "abc;", "t\u{0}"] {
            let blob = try GatewaySealer.seal(Array(token.utf8), toDHHeader: keys.dhPublicKeyHeader)
            XCTAssertThrowsError(try keys.decryptToken(blob), token) {
                XCTAssertEqual($0 as? SecureChannelError, .ssoToken(.notAlphanumeric))
            }
        }
    }

    func testTheHeadersAreBase64P256SubjectPublicKeyInfo() throws {
        let keys = try STRAPKeys()
        for header in [keys.publicKeyHeader, keys.dhPublicKeyHeader] {
            XCTAssertFalse(header.contains("\n"))
            XCTAssertEqual(Base64.encode(try XCTUnwrap(Base64.decode(header))), header, "standard padded base64")
            let der = try XCTUnwrap(Base64.decode(header))
            XCTAssertEqual(der.count, 91, "P-256 SPKI with an uncompressed point")
            XCTAssertEqual(der[der.count - 65], 0x04, "uncompressed point")
            let key = try GatewaySealer.publicKey(der)
            defer { EVP_PKEY_free(key) }
            XCTAssertEqual(EVP_PKEY_is_a(key, "EC"), 1)
            XCTAssertEqual(GatewaySealer.groupName(key), "prime256v1")
        }
        XCTAssertNotEqual(keys.publicKeyHeader, keys.dhPublicKeyHeader)
        XCTAssertNotEqual(try STRAPKeys().dhPublicKeyHeader, keys.dhPublicKeyHeader, "fresh keys per login attempt")
    }

    func testTheVerifySignatureCoversTheChannelBindingAndTheKeyInTheSameRequest() throws {
        let keys = try STRAPKeys()
        let binding = Array(0..<32).map { UInt8($0) }
        let header = keys.publicKeyHeader
        let der = try XCTUnwrap(Base64.decode(header))
        let key = try GatewaySealer.publicKey(der)
        defer { EVP_PKEY_free(key) }

        let signature = try XCTUnwrap(Base64.decode(try keys.verifyHeader(channelBinding: binding, rekey: false)))
        XCTAssertTrue(GatewaySealer.verify(signature, over: binding + der, key: key))
        XCTAssertFalse(GatewaySealer.verify(signature, over: binding.reversed() + der, key: key), "bound to this TLS channel")
        XCTAssertEqual(keys.publicKeyHeader, header)

        // Rekey (openconnect's CONNECT after its own login): the old key signs the new public key, which the
        // request then carries in X-AnyConnect-STRAP-Pubkey.
        let rekeyed = try XCTUnwrap(Base64.decode(try keys.verifyHeader(channelBinding: binding, rekey: true)))
        let newHeader = keys.publicKeyHeader
        XCTAssertNotEqual(newHeader, header)
        let newDER = try XCTUnwrap(Base64.decode(newHeader))
        XCTAssertTrue(GatewaySealer.verify(rekeyed, over: binding + newDER, key: key))
        let newKey = try GatewaySealer.publicKey(newDER)
        defer { EVP_PKEY_free(newKey) }
        XCTAssertFalse(GatewaySealer.verify(rekeyed, over: binding + newDER, key: newKey))
        XCTAssertEqual(keys.dhPublicKeyHeader, keys.dhPublicKeyHeader)

        XCTAssertThrowsError(try keys.verifyHeader(channelBinding: [], rekey: false)) {
            guard case .strap? = $0 as? SecureChannelError else { return XCTFail("\($0)") }
        }
    }

    /// The key made ahead (issue 12, item 4) is the one the rekey moves to: the old key signs it, the request
    /// carries it, and the next rekey, with none made ahead, makes its own.
    func testARekeyMovesToTheKeyMadeAheadAndSignsItWithTheOldOne() throws {
        let keys = try STRAPKeys()
        let binding = [UInt8](repeating: 7, count: 32)
        XCTAssertFalse(keys.hasPreparedKey)
        keys.prepareNextKey()
        XCTAssertTrue(keys.hasPreparedKey)
        keys.prepareNextKey()  // one is ready: nothing more is made

        for round in 0..<2 {
            let oldDER = try XCTUnwrap(Base64.decode(keys.publicKeyHeader))
            let oldKey = try GatewaySealer.publicKey(oldDER)
            defer { EVP_PKEY_free(oldKey) }
            let signature = try XCTUnwrap(Base64.decode(try keys.verifyHeader(channelBinding: binding, rekey: true)))
            XCTAssertFalse(keys.hasPreparedKey, "round \(round): the key made ahead is used once")
            let newDER = try XCTUnwrap(Base64.decode(keys.publicKeyHeader))
            XCTAssertNotEqual(newDER, oldDER)
            XCTAssertTrue(GatewaySealer.verify(signature, over: binding + newDER, key: oldKey), "round \(round)")
        }
    }

    func testHKDFMatchesRFC5869WithoutSalt() throws {
        // RFC 5869 A.3: SHA-256, zero-length salt and info.
        let okm = try XCTUnwrap(HKDF.sha256(key: [UInt8](repeating: 0x0b, count: 22), info: [], length: 42))
        XCTAssertEqual(Hex.encode(okm),
                       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    func testKeysAreSafeToShareAcrossThreads() throws {
        let keys = try STRAPKeys()
        let binding = [UInt8](repeating: 9, count: 12)
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            _ = try? keys.verifyHeader(channelBinding: binding, rekey: index % 2 == 0)
            _ = keys.publicKeyHeader
        }
        XCTAssertNotNil(Base64.decode(keys.publicKeyHeader))
    }
}
