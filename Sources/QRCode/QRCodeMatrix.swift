import CQRencode

/// A QR code as a square of dark and light modules, made by libqrencode; no C type leaves this file.
public struct QRCodeMatrix: Sendable, Equatable {
    /// Modules per side (21 for version 1, +4 per version).
    public let size: Int
    /// Row-major, `true` = dark.
    public let modules: [Bool]

    public init(size: Int, modules: [Bool]) {
        precondition(modules.count == size * size, "a QR code is square")
        self.size = size
        self.modules = modules
    }

    public func isDark(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Encodes `text` (a URL) with error correction level L, the smallest code; nil for text libqrencode
    /// cannot encode (longer than version 40 holds).
    public static func encode(_ text: String) -> QRCodeMatrix? {
        guard !text.isEmpty, text.utf8.count <= 2953 else { return nil }
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_L) else { return nil }
        defer { QRcode_free(code) }
        let size = Int(code.pointee.width)
        guard size > 0, let data = code.pointee.data else { return nil }
        // Bit 0 of each byte is the module's colour (qrencode.h, "Symbol data").
        let modules = (0..<(size * size)).map { data[$0] & 1 == 1 }
        return QRCodeMatrix(size: size, modules: modules)
    }
}
