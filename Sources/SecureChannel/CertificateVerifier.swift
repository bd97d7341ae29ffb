import COpenSSL
import Glibc
import GatewayProtocol

/// Validates a peer chain after the handshake: the chain against the system store plus `--cafile`, then the
/// host name or IP (protocol.md §6.1). Every failure is collected in words instead of stopping at the first, so
/// the trust prompt can show all of them.
final class CertificateVerifier {
    private let store: OpaquePointer

    init(configuration: TLSConfiguration) throws(SecureChannelError) {
        guard let store = X509_STORE_new() else { throw .tls("cannot allocate a certificate store") }
        self.store = store
        OpenSSLErrorQueue.clear()
        if configuration.useSystemTrust { Self.addSystemTrust(to: store) }
        if let caFile = configuration.caFile {
            guard X509_STORE_load_file(store, caFile) == 1 else {
                throw .trustAnchors(path: caFile, reason: OpenSSLErrorQueue.drainedDescription(default: "not a PEM file"))
            }
        }
        OpenSSLErrorQueue.clear()
    }

    deinit { X509_STORE_free(store) }

    /// The system's anchors. Where the certificate directory has OpenSSL's subject-hash links (Debian's
    /// /etc/ssl/certs, made by update-ca-certificates), only that directory is used: a chain's issuer is read from
    /// disk when a handshake needs it, instead of parsing the whole bundle up front as X509_STORE_set_default_paths
    /// does (147 certificates here: tens of ms and about a megabyte held for the whole session; issue 12, items 4
    /// and 5). SSL_CERT_FILE or SSL_CERT_DIR naming other files, or a directory without hash links, keep OpenSSL's
    /// defaults. Variables that name the default files themselves (set for every program on some machines, this
    /// project's CI among them: SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt) change nothing: the bundle is the
    /// one update-ca-certificates keeps in step with the hash links.
    private static func addSystemTrust(to store: OpaquePointer) {
        let defaultFile = String(cString: X509_get_default_cert_file())
        let directory = String(cString: X509_get_default_cert_dir())
        if namesDefault(variable: String(cString: X509_get_default_cert_file_env()), defaultPath: defaultFile),
           namesDefault(variable: String(cString: X509_get_default_cert_dir_env()), defaultPath: directory),
           hasHashLinks(directory), X509_STORE_load_path(store, directory) == 1 {
            return
        }
        _ = X509_STORE_set_default_paths(store)
    }

    /// Whether the environment variable is unset, or names the same file as `defaultPath` (links followed).
    private static func namesDefault(variable: String, defaultPath: String) -> Bool {
        guard let value = getenv(variable) else { return true }
        var named = stat(), standard = stat()
        guard stat(value, &named) == 0, stat(defaultPath, &standard) == 0 else { return false }
        return named.st_dev == standard.st_dev && named.st_ino == standard.st_ino
    }

    /// Whether `directory` holds at least one `XXXXXXXX.N` entry (8 hex digits, a dot, a digit): the names
    /// OpenSSL's directory lookup opens.
    private static func hasHashLinks(_ directory: String) -> Bool {
        guard let dir = opendir(directory) else { return false }
        defer { closedir(dir) }
        var seen = 0
        while seen < 10_000, let entry = readdir(dir) {
            seen += 1
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 2, parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit),
               !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber) {
                return true
            }
        }
        return false
    }

    /// The reasons the chain is not trusted for `host`; empty when it is.
    func reasons(leaf: OpaquePointer, chain: OpaquePointer?, host: String) -> [String] {
        guard let context = X509_STORE_CTX_new() else { return ["cannot allocate a verification context"] }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, leaf, chain) == 1 else {
            return [OpenSSLErrorQueue.drainedDescription(default: "cannot start verification")]
        }
        let param = X509_STORE_CTX_get0_param(context)
        _ = X509_VERIFY_PARAM_set_flags(param, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        _ = X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER)
        // Fail closed (issue 13, item 9): a host that cannot be set is a reason, not a silently skipped check;
        // a partial wildcard (`f*.example.com`) matches nothing, as browsers and RFC 6125 §7.2 advise.
        X509_VERIFY_PARAM_set_hostflags(param, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        let hostSet = IPAddressText.isNumeric(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host)
            : X509_VERIFY_PARAM_set1_host(param, host, host.utf8.count)  // the length: an embedded NUL fails
        guard hostSet == 1 else {
            return [OpenSSLErrorQueue.drainedDescription(default: "cannot check the certificate against the host '\(host)'")]
        }
        let collector = Collector()
        let unmanaged = Unmanaged.passRetained(collector)
        defer { unmanaged.release() }
        _ = COpenSSL_X509_STORE_CTX_set_app_data(context, unmanaged.toOpaque())
        X509_STORE_CTX_set_verify_cb(context) { ok, context in
            guard ok == 0, let context, let raw = COpenSSL_X509_STORE_CTX_get_app_data(context) else { return ok }
            let collector = Unmanaged<Collector>.fromOpaque(raw).takeUnretainedValue()
            let code = X509_STORE_CTX_get_error(context)
            let text = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
            collector.add(text)
            return 1  // keep going: collect every reason
        }
        let verified = X509_verify_cert(context)
        if verified != 1 && collector.reasons.isEmpty {
            // An internal error (< 0) or a failure no callback saw: never "no reasons", which means trusted.
            collector.add(OpenSSLErrorQueue.drainedDescription(default: "the certificate could not be verified (internal error \(verified))"))
        }
        OpenSSLErrorQueue.clear()
        return collector.reasons
    }

    private final class Collector {
        var reasons: [String] = []
        func add(_ reason: String) {
            if !reasons.contains(reason) { reasons.append(reason) }
        }
    }
}
