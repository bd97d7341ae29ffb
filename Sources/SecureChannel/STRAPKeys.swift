import COpenSSL
import GatewayProtocol
import Synchronization

/// The two P-256 key pairs of one SSO login attempt (Cisco's "STRAP", openconnect openssl.c generate_strap_keys):
/// the signing key, sent as `X-AnyConnect-STRAP-Pubkey` and used for `X-AnyConnect-STRAP-Verify` on CONNECT, and
/// the key-agreement key, sent as `X-AnyConnect-STRAP-DH-Pubkey`, to which the gateway encrypts the
/// external-browser token. Header values are base64 of the DER SubjectPublicKeyInfo on one line, as openconnect
/// sends them. The private keys never leave this object and are freed in `deinit` (OpenSSL clears them).
///
/// `@unchecked Sendable`: the OpenSSL handles are only touched under `state`'s lock.
public final class STRAPKeys: @unchecked Sendable {
    private struct State {
        var signingKey: OpaquePointer
        var signingKeyDER: [UInt8]
        /// The key the next `verifyHeader(rekey: true)` moves to, made ahead by `prepareNextKey()`.
        var nextKey: PreparedKey?
    }

    /// Whether a key made by `prepareNextKey()` waits for the next rekey.
    var hasPreparedKey: Bool { state.withLock { $0.nextKey != nil } }

    /// A key made outside the lock, handed to it once (`prepareNextKey`).
    private struct PreparedKey: @unchecked Sendable {
        let key: OpaquePointer
        let der: [UInt8]
    }

    private let state: Mutex<State>
    private let dhKey: OpaquePointer
    private let dhKeyDER: [UInt8]

    /// openconnect's HKDF info for the token key (hpke.c).
    static let tokenKeyInfo = Array("AC_ECIES".utf8)

    public init() throws(SecureChannelError) {
        let signing = try P256.generate()
        let dh: OpaquePointer
        do throws(SecureChannelError) {
            dh = try P256.generate()
        } catch {
            EVP_PKEY_free(signing)
            throw error
        }
        let signingDER: [UInt8]
        let dhDER: [UInt8]
        do throws(SecureChannelError) {
            signingDER = try P256.publicKeyDER(signing)
            dhDER = try P256.publicKeyDER(dh)
        } catch {
            EVP_PKEY_free(signing)
            EVP_PKEY_free(dh)
            throw error
        }
        state = Mutex(State(signingKey: signing, signingKeyDER: signingDER))
        dhKey = dh
        dhKeyDER = dhDER
    }

    deinit {
        state.withLock { state in
            EVP_PKEY_free(state.signingKey)
            if let next = state.nextKey { EVP_PKEY_free(next.key) }
        }
        EVP_PKEY_free(dhKey)
    }

    /// Makes the key the next rekeying `verifyHeader` moves to, so that the CONNECT waits only for a signature
    /// (issue 12, item 4: OpenSSL 3 took 0.3–0.5 ms to make and encode a key, measured with uprobes in the lab).
    /// Does nothing when one is ready; a failure leaves the rekey to make its own.
    public func prepareNextKey() {
        guard state.withLock({ $0.nextKey == nil }) else { return }
        // Made outside the lock, so that reading the headers meanwhile does not wait for OpenSSL.
        guard let next = try? P256.generate() else { return }
        guard let der = try? P256.publicKeyDER(next) else {
            EVP_PKEY_free(next)
            return
        }
        let prepared = PreparedKey(key: next, der: der)
        let stored = state.withLock { state in
            guard state.nextKey == nil else { return false }
            state.nextKey = prepared
            return true
        }
        if !stored { EVP_PKEY_free(next) }
    }

    /// `X-AnyConnect-STRAP-Pubkey`: the current signing key (a new one after `verifyHeader(rekey: true)`).
    public var publicKeyHeader: String { state.withLock { Base64.encode($0.signingKeyDER) } }

    /// `X-AnyConnect-STRAP-DH-Pubkey`.
    public var dhPublicKeyHeader: String { Base64.encode(dhKeyDER) }

    /// `X-AnyConnect-STRAP-Verify` for a CONNECT on the TLS connection whose channel binding is given
    /// (`TLSClient.strapChannelBinding()`: RFC 5929 tls-unique up to TLS 1.2, RFC 9266 tls-exporter on 1.3).
    ///
    /// What is signed (openconnect openssl.c append_strap_verify): ECDSA-SHA256, by the signing key the gateway
    /// already knows, over `channelBinding ‖ DER(SubjectPublicKeyInfo of the key in this CONNECT's
    /// X-AnyConnect-STRAP-Pubkey)`; the value is the DER signature in base64. With `rekey` (what openconnect does
    /// on every CONNECT of a login it made itself, cstp.c) a new signing key is made first: the old key signs the
    /// new public key, and `publicKeyHeader` then gives the new one, to send alongside in the same request.
    public func verifyHeader(channelBinding: [UInt8], rekey: Bool) throws(SecureChannelError) -> String {
        guard (12...64).contains(channelBinding.count) else {
            throw .strap("the TLS channel binding is \(channelBinding.count) bytes, not 12 to 64")
        }
        return try state.withLock { (state: inout State) throws(SecureChannelError) -> String in
            if rekey {
                // The key made ahead (prepareNextKey), else one made now; either way it is this call's to free.
                let prepared = state.nextKey
                state.nextKey = nil
                let next: OpaquePointer
                if let prepared { next = prepared.key } else { next = try P256.generate() }
                do throws(SecureChannelError) {
                    let nextDER: [UInt8]
                    if let prepared { nextDER = prepared.der } else { nextDER = try P256.publicKeyDER(next) }
                    let signature = try P256.sign(channelBinding + nextDER, with: state.signingKey)
                    EVP_PKEY_free(state.signingKey)
                    state.signingKey = next
                    state.signingKeyDER = nextDER
                    return Base64.encode(signature)
                } catch {
                    EVP_PKEY_free(next)
                    throw error
                }
            }
            return Base64.encode(try P256.sign(channelBinding + state.signingKeyDER, with: state.signingKey))
        }
    }

    /// The same, reading the channel binding from the connection the CONNECT goes over.
    public func verifyHeader(for connection: TLSClient, rekey: Bool) throws(SecureChannelError) -> String {
        try verifyHeader(channelBinding: try connection.strapChannelBinding(), rekey: rekey)
    }

    /// The external-browser token (openconnect hpke.c): ECDH of our DH key with the gateway's key from the blob,
    /// HKDF-SHA256 (no salt, info "AC_ECIES") to 32 bytes, AES-256-GCM with the blob's 12-byte IV and tag.
    /// The token must be alphanumeric, as openconnect requires; intermediate keys are wiped.
    public func decryptToken(_ blob: SSOCallbackBlob) throws(SecureChannelError) -> Secret {
        guard let peer = P256.parsePublicKey(blob.gatewayPublicKey) else { throw .ssoToken(.gatewayKey) }
        defer { EVP_PKEY_free(peer) }
        var shared = try P256.sharedSecret(dhKey, peer: peer)
        defer { OPENSSL_cleanse(&shared, shared.count) }
        guard var key = HKDF.sha256(key: shared, info: Self.tokenKeyInfo, length: 32) else {
            throw .ssoToken(.keyAgreement)
        }
        defer { OPENSSL_cleanse(&key, key.count) }
        guard var plaintext = AESGCM.decrypt256(key: key, iv: blob.iv, ciphertext: blob.ciphertext, tag: blob.tag) else {
            throw .ssoToken(.authentication)
        }
        defer { OPENSSL_cleanse(&plaintext, plaintext.count) }
        let alphanumeric = plaintext.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
        guard !plaintext.isEmpty, alphanumeric else { throw .ssoToken(.notAlphanumeric) }
        return Secret(String(decoding: plaintext, as: UTF8.self))
    }
}
