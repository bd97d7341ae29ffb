/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit big-endian words.
public enum InternetChecksum {
    /// Adds `bytes` to `sum` as big-endian 16-bit words (an odd last byte is padded with zero). `sum` is kept
    /// unfolded; `finish` folds it.
    public static func add(_ bytes: UnsafeRawBufferPointer, to sum: UInt64 = 0) -> UInt64 {
        var total = sum
        var index = 0
        let count = bytes.count
        // Eight bytes at a time: the sum of 32-bit big-endian halves folds to the same 16-bit result.
        while index + 8 <= count {
            let word = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            total &+= (word >> 32) &+ (word & 0xffff_ffff)
            index += 8
        }
        while index + 2 <= count {
            total &+= UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < count { total &+= UInt64(bytes[index]) << 8 }
        return total
    }

    /// Folds a sum to 16 bits and complements it: the value that goes in the checksum field.
    public static func finish(_ sum: UInt64) -> UInt16 {
        var value = sum
        while value > 0xffff { value = (value & 0xffff) &+ (value >> 16) }
        return ~UInt16(value)
    }

    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt16 { finish(add(bytes)) }
}
