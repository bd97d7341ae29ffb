import CLinux
import COpenSSL
import Glibc
import GatewayProtocol

/// A TLS client connection to a gateway over a TCP socket. It owns its `SSL_CTX*`, `SSL*` and descriptor and
/// frees them in `deinit` (the swift-nio-ssl habit). The certificate is never rejected during the handshake:
/// the handshake completes, `report` says what is wrong, and the caller decides (DESIGN.md §6).
///
/// Not thread-safe: one task uses it at a time (hence `@unchecked Sendable`, so it can move to a blocking thread).
public final class TLSClient: @unchecked Sendable {
    public let host: String
    public let port: Int
    public let remoteAddress: String
    public let isIPv6: Bool
    public let report: CertificateReport
    public let protocolVersion: String
    public let cipher: String
    public let descriptor: Int32
    /// The CA names in the gateway's certificate request; empty when it asked for no client certificate.
    public let requestedCANames: [String]

    private let context: OpaquePointer
    private let ssl: OpaquePointer
    var sslHandle: OpaquePointer { ssl }
    private var closed = false
    /// The data plane's write side (`enterDataMode`): a loop turn's records leave in one send().
    var writeBatch: UnsafeMutablePointer<COpenSSL_TLSWriteBatch>?

    /// TCP connect, TLS handshake with SNI, then certificate validation into `report`.
    /// `address`: connect to this numeric address instead of resolving `host` (SNI and the name check still use
    /// `host`).
    /// OpenSSL's read buffer: about 90 full-size CSTP records per recv() in the data plane.
    static let readBufferLength = 128 * 1024

    /// `connected`: a TCP connection to `host` already open (TCPPreconnect); this takes it over, closed on failure.
    public static func connect(host: String, port: Int, configuration: TLSConfiguration,
                               anchors: TrustAnchors? = nil, address: String? = nil,
                               connected: TCPConnector.Connection? = nil) throws(SecureChannelError) -> TLSClient {
        let verifier: CertificateVerifier
        do throws(SecureChannelError) {
            if let anchors { verifier = anchors.verifier } else { verifier = try CertificateVerifier(configuration: configuration) }
        } catch {
            if let connected { Glibc.close(connected.descriptor) }
            throw error
        }
        let tcp: TCPConnector.Connection
        if let connected {
            tcp = connected
        } else {
            tcp = try TCPConnector.connect(host: host, port: port, timeoutSeconds: configuration.connectTimeoutSeconds,
                                           address: address)
        }
        TCPConnector.setTimeouts(tcp.descriptor, seconds: configuration.ioTimeoutSeconds)
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            Glibc.close(tcp.descriptor)
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "cannot create a TLS context"))
        }
        do {
            try configuration.apply(to: context)
        } catch {
            SSL_CTX_free(context)
            Glibc.close(tcp.descriptor)
            throw error
        }
        // With a client certificate, the gateway's certificate is judged during the handshake, before ours goes
        // out (issue 13, item 8); without one, nothing is refused here and `report` says what is wrong.
        let gate = IdentityGate(verifier: verifier, host: host, port: port,
                                trust: configuration.identity == nil ? nil : configuration.identityTrust)
        let gateRef = Unmanaged.passRetained(gate)
        defer { gateRef.release() }
        if gate.trust != nil {
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            SSL_CTX_set_cert_verify_callback(context, { storeContext, argument in
                guard let storeContext, let argument else { return 0 }
                return Unmanaged<IdentityGate>.fromOpaque(argument).takeUnretainedValue().decide(storeContext)
            }, gateRef.toOpaque())
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            Glibc.close(tcp.descriptor)
            throw .tls(OpenSSLErrorQueue.drainedDescription(default: "cannot create a TLS session"))
        }
        _ = SSL_set_fd(ssl, tcp.descriptor)
        // Sized before the handshake allocates it (OpenSSL 3.0 keeps one read buffer for the connection); used
        // in full once the data plane turns read-ahead on.
        SSL_set_default_read_buffer_len(ssl, Self.readBufferLength)
        if let identity = configuration.identity {
            do {
                try identity.install(on: ssl)
            } catch {
                SSL_free(ssl)
                SSL_CTX_free(context)
                Glibc.close(tcp.descriptor)
                throw error
            }
        }
        if !IPAddressText.isNumeric(host) {
            _ = COpenSSL_SSL_set_tlsext_host_name(ssl, host)  // SNI is for names only (RFC 6066 §3)
        }
        OpenSSLErrorQueue.clear()
        let rc = SSL_connect(ssl)
        if rc != 1 {
            let error = gate.withheld.map(SecureChannelError.identityWithheld)
                ?? handshakeError(ssl: ssl, rc: rc, host: host, insecureAllowed: configuration.allowInsecureCrypto)
            SSL_free(ssl)
            SSL_CTX_free(context)
            Glibc.close(tcp.descriptor)
            throw error
        }
        guard let leaf = SSL_get1_peer_certificate(ssl) else {
            SSL_free(ssl)
            SSL_CTX_free(context)
            Glibc.close(tcp.descriptor)
            throw .tls("the gateway presented no certificate")
        }
        defer { X509_free(leaf) }
        let reasons = verifier.reasons(leaf: leaf, chain: SSL_get_peer_cert_chain(ssl), host: host)
        let report = CertificateInspector.report(for: leaf, host: host, port: port, reasons: reasons)
        return TLSClient(host: host, port: port, tcp: tcp, context: context, ssl: ssl, report: report)
    }

    /// The decision of `IdentityTrust` inside the handshake (OpenSSL's certificate verification callback).
    private final class IdentityGate {
        let verifier: CertificateVerifier
        let host: String
        let port: Int
        let trust: IdentityTrust?
        /// Set when the handshake was stopped to keep the client certificate back.
        var withheld: CertificateReport?

        init(verifier: CertificateVerifier, host: String, port: Int, trust: IdentityTrust?) {
            self.verifier = verifier
            self.host = host
            self.port = port
            self.trust = trust
        }

        func decide(_ storeContext: OpaquePointer) -> Int32 {
            guard let trust else { return 1 }
            guard let leaf = X509_STORE_CTX_get0_cert(storeContext) else { return 0 }
            let reasons = verifier.reasons(leaf: leaf, chain: X509_STORE_CTX_get0_untrusted(storeContext), host: host)
            let report = CertificateInspector.report(for: leaf, host: host, port: port, reasons: reasons)
            if trust.trusts(report) { return 1 }
            withheld = report
            return 0
        }
    }

    private init(host: String, port: Int, tcp: TCPConnector.Connection, context: OpaquePointer, ssl: OpaquePointer,
                 report: CertificateReport) {
        self.host = host
        self.port = port
        self.remoteAddress = tcp.remoteAddress
        self.isIPv6 = tcp.isIPv6
        self.descriptor = tcp.descriptor
        self.context = context
        self.ssl = ssl
        self.report = report
        self.protocolVersion = String(cString: SSL_get_version(ssl))
        self.cipher = SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? "?"
        var names: [String] = []
        if let list = SSL_get_client_CA_list(ssl) {
            for index in 0..<COpenSSL_sk_X509_NAME_num(list) {
                if let name = COpenSSL_sk_X509_NAME_value(list, index) { names.append(CertificateInspector.name(name)) }
            }
        }
        self.requestedCANames = names
    }

    deinit {
        close()
        SSL_free(ssl)
        SSL_CTX_free(context)
        COpenSSL_tls_write_batch_free(writeBatch)
    }

    /// Writes every byte (blocking, within the I/O timeout).
    public func write(_ bytes: [UInt8]) throws(SecureChannelError) {
        guard !closed else { throw .closed }
        var offset = 0
        while offset < bytes.count {
            OpenSSLErrorQueue.clear()
            let written = bytes.withUnsafeBytes { raw in
                SSL_write(ssl, raw.baseAddress! + offset, Int32(raw.count - offset))
            }
            if written > 0 {
                offset += Int(written)
                continue
            }
            throw ioError(rc: written, during: "sending to the gateway")
        }
    }

    /// Reads what is available (blocking until something is, within the I/O timeout); empty at end of stream.
    public func read(maxBytes: Int = 16 * 1024) throws(SecureChannelError) -> [UInt8] {
        guard !closed else { throw .closed }
        var buffer = [UInt8](repeating: 0, count: maxBytes)
        OpenSSLErrorQueue.clear()
        let count = buffer.withUnsafeMutableBytes { raw in SSL_read(ssl, raw.baseAddress, Int32(raw.count)) }
        if count > 0 { return Array(buffer.prefix(Int(count))) }
        let code = SSL_get_error(ssl, count)
        if code == SSL_ERROR_ZERO_RETURN || (code == SSL_ERROR_SYSCALL && errno == 0) {
            return []
        }
        throw ioError(rc: count, during: "waiting for the gateway")
    }

    /// Keying material from the TLS exporter (RFC 5705); DTLS PSK mode derives its key this way (protocol.md §4.3).
    public func exportKeyingMaterial(label: String, length: Int) throws(SecureChannelError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let labelBytes = Array(label.utf8)
        OpenSSLErrorQueue.clear()
        let ok = SSL_export_keying_material(ssl, &out, length, labelBytes.map { CChar(bitPattern: $0) }, labelBytes.count,
                                            nil, 0, 0)
        guard ok == 1 else { throw .tls(OpenSSLErrorQueue.drainedDescription(default: "keying material export failed")) }
        return out
    }

    /// The path MTU the kernel knows for this TCP connection, if any (protocol.md §3.3).
    public var pathMTU: Int? {
        let value = CLinux_tcp_pmtu(descriptor)
        return value > 0 ? Int(value) : nil
    }

    /// Sends close_notify (best effort) and closes the socket. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        OpenSSLErrorQueue.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrorQueue.clear()
        // close_notify and anything else still batched (best effort: the socket is non-blocking by then).
        if writeBatch != nil { _ = flush() }
        Glibc.close(descriptor)
    }

    private func ioError(rc: Int32, during what: String) -> SecureChannelError {
        let savedErrno = errno
        let code = SSL_get_error(ssl, rc)
        if code == SSL_ERROR_SYSCALL || code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE {
            if savedErrno == EAGAIN || savedErrno == EWOULDBLOCK { return .timedOut(what) }
            if savedErrno == EPIPE || savedErrno == ECONNRESET || savedErrno == 0 { return .closed }
            return .system("TLS I/O", errno: savedErrno)
        }
        return .tls(OpenSSLErrorQueue.drainedDescription(default: "error \(code) \(what)"))
    }

    private static func handshakeError(ssl: OpaquePointer, rc: Int32, host: String,
                                       insecureAllowed: Bool) -> SecureChannelError {
        let savedErrno = errno
        let code = SSL_get_error(ssl, rc)
        if code == SSL_ERROR_SYSCALL {
            if savedErrno == EAGAIN || savedErrno == EWOULDBLOCK { return .timedOut("during the TLS handshake with \(host)") }
            return .tls("the connection to \(host) broke during the handshake (\(SystemErrno.describe(savedErrno)))")
        }
        let reason = OpenSSLErrorQueue.drainedDescription(default: "handshake with \(host) failed")
        if !insecureAllowed, reason.contains("unsupported protocol") || reason.contains("legacy renegotiation")
            || reason.contains("dh key too small") || reason.contains("no ciphers available") {
            // What an old headend (TLS 1.0/1.1, no RFC 5746, small DH, 3DES) makes OpenSSL 3 say.
            return .tls(reason + "; the gateway may only speak old TLS: --allow-insecure-crypto would allow it (weaker)")
        }
        return .tls(reason)
    }
}
