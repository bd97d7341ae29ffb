/// Splits the CSTP byte stream from the gateway into frames, within one buffer allocated once.
///
/// The data plane reads TLS plaintext straight into `writableSpace`, commits what it read, then calls `next`
/// until it returns nil. Frames are handed out as views into the buffer (valid until the next `commit`), so
/// no packet is copied or allocated on the way to the tun.
public struct CSTPDecoder: ~Copyable {
    private let storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0

    public init(capacity: Int = 256 * 1024) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 2 * (CSTPFraming.headerLength + CSTPFraming.maxPayload)),
                                                         alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Free space at the end of the buffer to read into (compacting first when little is left).
    public mutating func writableSpace() -> UnsafeMutableRawBufferPointer {
        if storage.count - end < CSTPFraming.headerLength + CSTPFraming.maxPayload, start > 0 {
            let pending = end - start
            if pending > 0 {
                storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: pending)
            }
            start = 0
            end = pending
        }
        return UnsafeMutableRawBufferPointer(rebasing: storage[end...])
    }

    /// Records that `count` bytes were written into `writableSpace()`.
    public mutating func commit(_ count: Int) { end += count }

    /// Appends bytes (the remainder after the CONNECT response, tests).
    public mutating func append(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let space = writableSpace()
            let count = min(space.count, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                space.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            commit(count)
            offset += count
        }
    }

    /// The next complete frame, or nil when more bytes are needed.
    public mutating func next() throws(CSTPFrameError) -> (type: UInt8, payload: UnsafeRawBufferPointer)? {
        let available = end - start
        guard available >= CSTPFraming.headerLength else { return nil }
        let base = storage.baseAddress! + start
        let header = UnsafeRawBufferPointer(start: base, count: CSTPFraming.headerLength)
        guard header[0] == 0x53, header[1] == 0x54, header[2] == 0x46, header[3] == 0x01 else {
            throw .badMagic(Array(header.prefix(4)))
        }
        guard header[7] == 0 else { throw .nonZeroReserved(header[7]) }
        let length = Int(header[4]) << 8 | Int(header[5])
        guard length <= CSTPFraming.maxPayload else { throw .tooLong(length) }
        guard available >= CSTPFraming.headerLength + length else { return nil }
        start += CSTPFraming.headerLength + length
        if start == end { start = 0; end = 0 }
        return (header[6], UnsafeRawBufferPointer(start: base + CSTPFraming.headerLength, count: length))
    }

    public var bufferedBytes: Int { end - start }
}
