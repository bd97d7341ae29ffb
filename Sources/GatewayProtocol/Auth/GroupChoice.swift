/// The gateway's group list, put to the front end (or answered from `--group`).
public struct GroupChoice: Sendable, Equatable, Codable {
    public var label: String
    public var options: [FormOption]
    /// The gateway's default: the `selected` option, else the first.
    public var defaultOption: FormOption?
    public var message: String?

    public init(label: String, options: [FormOption], defaultOption: FormOption?, message: String?) {
        self.label = label
        self.options = options
        self.defaultOption = defaultOption
        self.message = message
    }

    /// Finds what a user typed: an option's value first, then its label, then either ignoring case.
    public func match(_ wanted: String) -> FormOption? {
        options.first { $0.value == wanted } ?? options.first { $0.label == wanted }
            ?? options.first { $0.value.lowercased() == wanted.lowercased() || $0.label.lowercased() == wanted.lowercased() }
    }
}
