import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses gateway XML into a `MarkupElement` tree with Foundation's `XMLParser`, within limits.
///
/// A DOCTYPE is refused before parsing: AnyConnect documents never carry one, and refusing it removes entity
/// expansion ("billion laughs") and external entities from the attack surface.
public enum MarkupParser {
    public struct Limits: Sendable {
        public var maxBytes = 1024 * 1024
        public var maxDepth = 32
        public var maxElements = 20_000
        public init() {}
    }

    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(MarkupError) -> MarkupElement {
        guard bytes.contains(where: { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }) else { throw .empty }
        guard bytes.count <= limits.maxBytes else { throw .tooLarge(limit: limits.maxBytes) }
        if containsDeclaration(bytes) { throw .documentTypeForbidden }
        // Foundation's XMLParser traps on names that are not UTF-8 (found by the `auth` fuzz target); AnyConnect
        // documents are UTF-8, so anything else is refused before parsing.
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw .malformed(line: 0, column: 0, reason: "the document is not valid UTF-8")
        }
        // It also dereferences the missing data of a processing instruction such as `<?x?>` (found by fuzzing):
        // only the XML declaration, at the start, is accepted.
        if hasStrayProcessingInstruction(bytes) {
            throw .malformed(line: 0, column: 0, reason: "processing instructions other than the XML declaration")
        }

        let builder = TreeBuilder(limits: limits)
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = builder
        let ok = parser.parse()
        if let failure = builder.failure { throw failure }
        guard ok, let root = builder.root else {
            let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "not well-formed"
            throw .malformed(line: parser.lineNumber, column: parser.columnNumber, reason: reason)
        }
        return root
    }

    /// A `<?` anywhere but an `<?xml ` declaration at the very start (after white space or a BOM).
    private static func hasStrayProcessingInstruction(_ bytes: [UInt8]) -> Bool {
        var start = 0
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { start = 3 }
        while start < bytes.count, [32, 9, 10, 13].contains(bytes[start]) { start += 1 }
        let declaration = Array("<?xml".utf8)
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "?") {
                let isDeclaration = index == start && bytes[index...].starts(with: declaration)
                    && index + 5 < bytes.count && [32, 9, 10, 13].contains(bytes[index + 5])
                if !isDeclaration { return true }
            }
            index += 1
        }
        return false
    }

    /// `<!DOCTYPE` or `<!ENTITY`, in any case.
    private static func containsDeclaration(_ bytes: [UInt8]) -> Bool {
        let lt = UInt8(ascii: "<"), bang = UInt8(ascii: "!")
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == lt, bytes[index + 1] == bang {
                let word = bytes[(index + 2)..<min(bytes.count, index + 9)].map { $0 | 0x20 }
                if word.starts(with: Array("doctype".utf8)) || word.starts(with: Array("entity".utf8)) { return true }
            }
            index += 1
        }
        return false
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        let limits: Limits
        var stack: [MarkupElement] = []
        var root: MarkupElement?
        var failure: MarkupError?
        var count = 0

        init(limits: Limits) { self.limits = limits }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            count += 1
            if stack.count >= limits.maxDepth { fail(parser, .tooDeep(limit: limits.maxDepth)); return }
            if count > limits.maxElements { fail(parser, .tooManyElements(limit: limits.maxElements)); return }
            stack.append(MarkupElement(name: elementName, attributes: attributeDict))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            guard let done = stack.popLast() else { return }
            if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
        }

        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            fail(parser, .documentTypeForbidden)
        }

        private func fail(_ parser: XMLParser, _ error: MarkupError) {
            if failure == nil { failure = error }
            parser.abortParsing()
        }
    }
}
