import Foundation

/// One element of a parsed gateway XML document: a small tree with no behaviour of its own.
public struct MarkupElement: Sendable, Equatable {
    public var name: String
    public var attributes: [String: String]
    public var children: [MarkupElement]
    /// The element's own character data, concatenated.
    public var text: String

    public init(name: String, attributes: [String: String] = [:], children: [MarkupElement] = [], text: String = "") {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    public func child(_ name: String) -> MarkupElement? { children.first { $0.name == name } }
    public func children(_ name: String) -> [MarkupElement] { children.filter { $0.name == name } }

    /// The first element with this name at any depth, this one included.
    public func descendant(_ name: String) -> MarkupElement? {
        if self.name == name { return self }
        for child in children {
            if let found = child.descendant(name) { return found }
        }
        return nil
    }

    /// The element's text without surrounding white space.
    public var trimmedText: String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
