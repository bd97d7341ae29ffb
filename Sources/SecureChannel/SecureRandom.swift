import COpenSSL

/// Cryptographically strong random bytes (OpenSSL's DRBG).
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let ok = RAND_bytes(&out, Int32(count))
        precondition(ok == 1, "RAND_bytes failed: the system has no entropy source")
        return out
    }
}
