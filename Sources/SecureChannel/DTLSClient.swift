import CLinux
import COpenSSL
import Glibc
import GatewayProtocol

/// A DTLS connection to the gateway over a connected UDP socket, in one of the AnyConnect modes
/// (protocol.md phase 4). Non-blocking from the start: the data plane drives the handshake with `handshake()`
/// and `handleTimeout()`. Owns its SSL_CTX*, SSL* and socket; frees them in deinit.
public final class DTLSClient: @unchecked Sendable {
    public enum Mode: Sendable, Equatable {
        /// PSK-NEGOTIATE: key from the CSTP TLS exporter, identity "psk", App-ID as the ClientHello session id.
        case psk(appID: [UInt8], key: [UInt8])
        /// A resumed session that never existed (legacy Cisco DTLS 0.9 or DTLS 1.2): the client's master secret,
        /// the server's session id and its chosen cipher.
        case resume(dtls12: Bool, cipher: String, sessionID: [UInt8], masterSecret: [UInt8])
    }

    public enum HandshakeStatus: Equatable, Sendable {
        case done
        /// Call again when the socket is readable or after this many milliseconds (then `handleTimeout` first).
        case inProgress(timeoutMilliseconds: Int)
        case failed(String)
    }

    public let descriptor: Int32
    public let mode: Mode
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let pskStorage: UnsafeMutablePointer<UInt8>
    private let linkMTU: Int
    private var closed = false
    /// After the handshake: datagrams received with recvmmsg and sent with sendmmsg through a BIO over this
    /// batch (issue 12, item 3). Nil while handshaking, or when it could not be set up (then one syscall each).
    private var batch: UnsafeMutablePointer<COpenSSL_DTLSBatch>?
    /// A batch's send failed (a firewall's EPERM, ICMP errors): records go out one by one, each failure
    /// reported to its writer, until one goes through.
    private var sendDirectly = false
    /// 1 while runs of equal datagrams go as one UDP GSO send; cleared for good when the kernel refuses it.
    private var segmentationOffload: Int32 = 1

    /// `address` is the gateway's numeric address (the one the TLS channel reached); `linkMTU` the MTU of
    /// the UDP path (the gateway's X-CSTP-Base-MTU less IP and UDP headers).
    public init(address: String, port: Int, mode: Mode, linkMTU: Int) throws(SecureChannelError) {
        self.mode = mode
        self.linkMTU = linkMTU
        pskStorage = .allocate(capacity: 65)
        pskStorage.initialize(repeating: 0, count: 65)

        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address, String(port), &hints, &info) == 0, let first = info else {
            pskStorage.deallocate()
            throw .resolve(host: address, reason: "not a numeric address")
        }
        defer { freeaddrinfo(info) }
        let fd = socket(first.pointee.ai_family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                        | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0, Glibc.connect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let code = errno
            if fd >= 0 { Glibc.close(fd) }
            pskStorage.deallocate()
            throw .system("UDP socket to \(address):\(port)", errno: code)
        }
        descriptor = fd
        CLinux_set_receive_buffer(fd, 4 << 20)

        OpenSSLErrorQueue.clear()
        guard let context = SSL_CTX_new(DTLS_client_method()) else {
            Glibc.close(fd)
            pskStorage.deallocate()
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "cannot create a DTLS context"))
        }
        self.context = context
        var options = COpenSSL_SSL_OP_NO_ENCRYPT_THEN_MAC() | COpenSSL_SSL_OP_NO_QUERY_MTU()
        let version: Int32
        let cipherList: String
        switch mode {
        case .psk:
            version = DTLS1_2_VERSION
            cipherList = "PSK"
        case .resume(let dtls12, let cipher, _, _):
            version = dtls12 ? DTLS1_2_VERSION : DTLS1_BAD_VER
            cipherList = cipher
            options |= COpenSSL_SSL_OP_LEGACY_SERVER_CONNECT() | COpenSSL_SSL_OP_NO_EXTENDED_MASTER_SECRET()
            // Cisco's pre-RFC DTLS is below every modern security level (protocol.md §4.1).
            if !dtls12 { SSL_CTX_set_security_level(context, 0) }
        }
        _ = COpenSSL_SSL_CTX_set_min_proto_version(context, version)
        _ = COpenSSL_SSL_CTX_set_max_proto_version(context, version)
        _ = SSL_CTX_set_options(context, options)
        _ = COpenSSL_SSL_CTX_set_read_ahead(context, 1)  // without it, short reads lose the tail of packets
        // Never a cipher without encryption, whatever the gateway named (security level 0 would allow it in the
        // legacy mode; issue 13, item 11).
        guard SSL_CTX_set_cipher_list(context, cipherList + ":!eNULL") == 1, let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            Glibc.close(fd)
            pskStorage.deallocate()
            throw .tls("the DTLS cipher '\(cipherList)' is not available: "
                       + OpenSSLErrorQueue.drainedDescription(default: "unknown cipher"))
        }
        self.ssl = ssl

        guard let bio = BIO_new_dgram(fd, BIO_NOCLOSE) else {
            SSL_free(ssl)
            SSL_CTX_free(context)
            Glibc.close(fd)
            pskStorage.deallocate()
            throw .tls("cannot create a datagram BIO")
        }
        var peer = sockaddr_storage()
        memcpy(&peer, first.pointee.ai_addr, Int(first.pointee.ai_addrlen))
        _ = COpenSSL_BIO_ctrl_dgram_set_connected(bio, &peer)
        SSL_set_bio(ssl, bio, bio)
        SSL_set_connect_state(ssl)
        _ = COpenSSL_SSL_set_mtu(ssl, linkMTU)

        do {
            try configureSession(mode)
        } catch {
            closeSocket()
            SSL_free(ssl)
            SSL_CTX_free(context)
            pskStorage.deallocate()
            throw error
        }
    }

    deinit {
        closeSocket()
        SSL_free(ssl)
        SSL_CTX_free(context)
        COpenSSL_dtls_batch_free(batch)
        pskStorage.deallocate()
    }

    private func configureSession(_ mode: Mode) throws(SecureChannelError) {
        guard let session = SSL_SESSION_new() else { throw .tls("cannot allocate a DTLS session") }
        defer { SSL_SESSION_free(session) }
        switch mode {
        case .psk(let appID, let key):
            guard key.count <= 64 else { throw .tls("PSK too long") }
            pskStorage[0] = UInt8(key.count)
            for (index, byte) in key.enumerated() { pskStorage[index + 1] = byte }
            _ = SSL_set_ex_data(ssl, 0, pskStorage)
            SSL_set_psk_client_callback(ssl) { ssl, _, identity, maxIdentity, psk, maxPSK in
                guard let ssl, let identity, let psk, maxIdentity >= 4,
                      let raw = SSL_get_ex_data(ssl, 0) else { return 0 }
                let stored = raw.assumingMemoryBound(to: UInt8.self)
                let length = Int(stored[0])
                guard length <= Int(maxPSK) else { return 0 }
                // Identity "psk" (protocol.md §4.3).
                identity[0] = CChar(UInt8(ascii: "p"))
                identity[1] = CChar(UInt8(ascii: "s"))
                identity[2] = CChar(UInt8(ascii: "k"))
                identity[3] = 0
                for index in 0..<length { psk[index] = stored[index + 1] }
                return UInt32(length)
            }
            // The App-ID rides in the ClientHello's session id: ocserv routes the UDP flow to the right worker by
            // it. The session is never really resumed (protocol.md §4.3).
            try setSessionFields(session, id: appID, masterKey: SecureRandom.bytes(48), cipherID: [0x00, 0x2F],
                                 cipherName: nil, version: DTLS1_2_VERSION)
        case .resume(let dtls12, let cipher, let sessionID, let masterSecret):
            try setSessionFields(session, id: sessionID, masterKey: masterSecret, cipherID: nil, cipherName: cipher,
                                 version: dtls12 ? DTLS1_2_VERSION : DTLS1_BAD_VER)
        }
        guard SSL_set_session(ssl, session) == 1 else {
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "cannot set the DTLS session"))
        }
    }

    private func setSessionFields(_ session: OpaquePointer, id: [UInt8], masterKey: [UInt8], cipherID: [UInt8]?,
                                  cipherName: String?, version: Int32) throws(SecureChannelError) {
        var cipher: OpaquePointer?
        if let cipherID {
            cipher = cipherID.withUnsafeBufferPointer { SSL_CIPHER_find(ssl, $0.baseAddress) }
        } else if let cipherName, let list = SSL_get_ciphers(ssl) {
            for index in 0..<COpenSSL_sk_SSL_CIPHER_num(list) {
                if let candidate = COpenSSL_sk_SSL_CIPHER_value(list, index),
                   String(cString: SSL_CIPHER_get_name(candidate)) == cipherName {
                    cipher = candidate
                    break
                }
            }
        }
        guard let cipher else { throw .tls("no OpenSSL cipher for '\(cipherName ?? "0x002F")'") }
        guard SSL_SESSION_set1_id(session, id, UInt32(id.count)) == 1,
              SSL_SESSION_set1_master_key(session, masterKey, masterKey.count) == 1,
              SSL_SESSION_set_cipher(session, cipher) == 1,
              SSL_SESSION_set_protocol_version(session, version) == 1 else {
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "cannot build the DTLS session"))
        }
    }

    /// Advances the handshake.
    public func handshake() -> HandshakeStatus {
        ERR_clear_error()
        let rc = SSL_do_handshake(ssl)
        if rc == 1 {
            if case .resume = mode, SSL_session_reused(ssl) != 1 {
                // The gateway did a full handshake instead of resuming the session it set up over TLS:
                // possible man in the middle (protocol.md §4.1).
                return .failed("the gateway did not resume the DTLS session (possible man in the middle)")
            }
            enterBatchMode()
            return .done
        }
        let code = SSL_get_error(ssl, rc)
        if code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE {
            var tv = timeval()
            let timeout = COpenSSL_DTLSv1_get_timeout(ssl, &tv) == 1 ? Int(tv.tv_sec) * 1000 + Int(tv.tv_usec) / 1000 : 1000
            return .inProgress(timeoutMilliseconds: max(1, timeout))
        }
        if code == SSL_ERROR_SYSCALL {
            let saved = errno
            if saved == ECONNREFUSED { return .failed("the gateway refused UDP (ICMP port unreachable)") }
            if saved == EPERM || saved == EACCES {
                return .failed("this machine refused to send UDP to the gateway (a local firewall rule?)")
            }
            return .failed(saved == 0 ? "DTLS handshake failed" : SystemErrno.describe(saved))
        }
        return .failed(OpenSSLErrorQueue.drainedDescription(default: "DTLS handshake failed"))
    }

    /// Retransmits a handshake flight whose timer expired.
    public func handleTimeout() {
        _ = COpenSSL_DTLSv1_handle_timeout(ssl)
    }

    public var protocolVersion: String { String(cString: SSL_get_version(ssl)) }
    public var cipher: String {
        SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "?"
    }

    /// The largest tunnel packet that fits one DTLS record: OpenSSL's data MTU less the type byte (protocol.md §4.3).
    public var tunnelMTU: Int { Int(DTLS_get_data_mtu(ssl)) - 1 }

    /// The handshake is over: the datagram BIO gives way to the batch BIO (it keeps the socket, BIO_NOCLOSE).
    private func enterBatchMode() {
        guard batch == nil, let current = SSL_get_wbio(ssl) else { return }
        let overhead = BIO_ctrl(current, BIO_CTRL_DGRAM_GET_MTU_OVERHEAD, 0, nil)
        // The link's datagrams, with room for a gateway that sends a little over the MTU it named (never less than
        // 2 KB); anything longer is cut and fails its MAC.
        let largest = max(2048, linkMTU + 256)
        guard let created = COpenSSL_dtls_batch_new(overhead, largest) else { return }
        guard let bio = COpenSSL_dtls_batch_bio(created) else {
            COpenSSL_dtls_batch_free(created)
            return
        }
        batch = created
        SSL_set_bio(ssl, bio, bio)
    }

    /// One record's plaintext. Batched: the next datagram of the last recvmmsg, and a new recvmmsg when they
    /// are used up; `wantRead` when the socket has none.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSClient.IOResult {
        var received = false
        while true {
            OpenSSLErrorQueue.clearBeforeIO()
            let count = SSL_read(ssl, buffer.baseAddress, Int32(buffer.count))
            if count > 0 { return .done(Int(count)) }
            let outcome = result(count)
            // The BIO hands out the batch's datagrams one per read: wantRead means the batch is used up.
            guard let batch, outcome == .wantRead else { return outcome }
            // One recvmmsg per call: a batch of records that all fail their MAC cannot keep the loop here.
            if received { return .wantRead }
            received = true
            let got = CLinux_recv_batch(descriptor, COpenSSL_dtls_batch_in_slots(batch),
                                        COpenSSL_dtls_batch_slot_size(batch),
                                        COpenSSL_dtls_batch_in_lengths(batch), COPENSSL_DTLS_BATCH)
            COpenSSL_dtls_batch_received(batch, got)
            if got == 0 { return .wantRead }
            if got < 0 { return .failed(SystemErrno.describe(-got)) }
        }
    }

    /// Encrypts one record. Batched: it waits in the batch until `flush` (or a full batch) sends it.
    public func write(_ bytes: UnsafeRawBufferPointer) -> TLSClient.IOResult {
        if let batch, COpenSSL_dtls_batch_pending_sends(batch) == COPENSSL_DTLS_BATCH, let failure = flushResult() {
            return failure
        }
        OpenSSLErrorQueue.clearBeforeIO()
        let count = SSL_write(ssl, bytes.baseAddress, Int32(bytes.count))
        guard count > 0 else { return result(count) }
        if batch != nil && sendDirectly, let failure = flushResult() { return failure }
        return .done(Int(count))
    }

    /// Sends the records written since the last flush, in one sendmmsg; the reason when the socket refused them
    /// (they are lost, as UDP loses them, and the following writes report their own failures).
    public func flush() -> String? {
        if case .failed(let reason) = flushResult() { return reason }
        return nil
    }

    private func flushResult() -> TLSClient.IOResult? {
        guard let batch, COpenSSL_dtls_batch_pending_sends(batch) > 0 else { return nil }
        let code = CLinux_send_batch(descriptor, COpenSSL_dtls_batch_out_slots(batch), COpenSSL_dtls_batch_slot_size(batch),
                                     COpenSSL_dtls_batch_out_lengths(batch), COpenSSL_dtls_batch_pending_sends(batch),
                                     &segmentationOffload)
        COpenSSL_dtls_batch_sent(batch)
        sendDirectly = code < 0
        return code < 0 ? .failed(SystemErrno.describe(-code)) : nil
    }

    private func result(_ rc: Int32) -> TLSClient.IOResult {
        let saved = errno
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            if saved == EAGAIN || saved == EWOULDBLOCK || saved == 0 { return .wantRead }
            return .failed(SystemErrno.describe(saved))
        default: return .failed(OpenSSLErrorQueue.drainedDescription(default: "DTLS error"))
        }
    }

    /// Sends close_notify (best effort) and closes the socket.
    public func close() {
        guard !closed else { return }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
        _ = flushResult()  // the close_notify, batched like any record
        closeSocket()
    }

    private func closeSocket() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }
}
