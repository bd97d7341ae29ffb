import COpenSSL
import Foundation

/// OpenSSL's one-time costs, paid on a thread of their own while the connect command opens its store and takes
/// its locks, instead of inside the TLS phase: loading openssl.cnf and the default provider, seeding the DRBG,
/// fetching the TLS methods for a first context. Measured by a C program on the bench machine: init 1.0–1.3 ms,
/// first RAND_bytes 1.6–1.9 ms, first SSL_CTX 0.8 ms (issue 12, item 4). Everything it touches is OpenSSL's own
/// process-wide state, made once under OpenSSL's locks, so the TLS phase may start before this ends.
public enum TLSWarmUp {
    public static func start() {
        Thread.detachNewThread {
            var byte: UInt8 = 0
            _ = RAND_bytes(&byte, 1)
            if let context = SSL_CTX_new(TLS_client_method()) { SSL_CTX_free(context) }
            if let context = SSL_CTX_new(DTLS_client_method()) { SSL_CTX_free(context) }
        }
    }
}
