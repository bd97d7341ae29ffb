/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit big-endian words.
public enum InternetChecksum {
    /// Adds `bytes` to `sum` as big-endian 16-bit words (an odd last byte is padded with zero). `sum` is kept
    /// unfolded; `finish` folds it. `bytes` must start at an even offset of what is being summed.
    ///
    /// The words are summed in the machine's own byte order, 32 bytes a turn into four sums, and the folded result
    /// is swapped once: the ones' complement sum does not depend on byte order (RFC 1071 §2(B)). This is the
    /// per-segment cost of the tun offload in both directions (verifying on the way down, filling in on the way up).
    public static func add(_ bytes: UnsafeRawBufferPointer, to sum: UInt64 = 0) -> UInt64 {
        guard let base = bytes.baseAddress else { return sum }
        let count = bytes.count
        var index = 0
        // Each turn adds at most 2 × (2^32 - 1) to a sum: no overflow below 2^31 turns.
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0
        while index + 32 <= count {
            let w0 = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let w1 = base.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
            let w2 = base.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
            let w3 = base.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
            a &+= (w0 >> 32) &+ (w0 & 0xffff_ffff)
            b &+= (w1 >> 32) &+ (w1 & 0xffff_ffff)
            c &+= (w2 >> 32) &+ (w2 & 0xffff_ffff)
            d &+= (w3 >> 32) &+ (w3 & 0xffff_ffff)
            index += 32
        }
        var native = (a & 0xffff_ffff) &+ (a >> 32) &+ (b & 0xffff_ffff) &+ (b >> 32)
            &+ (c & 0xffff_ffff) &+ (c >> 32) &+ (d & 0xffff_ffff) &+ (d >> 32)
        while index + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            native &+= (word >> 32) &+ (word & 0xffff_ffff)
            index += 8
        }
        while index + 2 <= count {
            native &+= UInt64(base.loadUnaligned(fromByteOffset: index, as: UInt16.self))
            index += 2
        }
        // The odd last byte is the word's first byte: the low half of a word loaded in little-endian order.
        if index < count { native &+= UInt64(UInt16(bigEndian: UInt16(base.load(fromByteOffset: index, as: UInt8.self)) << 8)) }
        while native > 0xffff { native = (native & 0xffff) &+ (native >> 16) }
        return sum &+ UInt64(UInt16(bigEndian: UInt16(truncatingIfNeeded: native)))
    }

    /// Folds a sum to 16 bits and complements it: the value that goes in the checksum field.
    public static func finish(_ sum: UInt64) -> UInt16 {
        var value = sum
        while value > 0xffff { value = (value & 0xffff) &+ (value >> 16) }
        return ~UInt16(value)
    }

    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt16 { finish(add(bytes)) }
}
