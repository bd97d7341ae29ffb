/// What a modal dialog says after a key: still open, answered, or backed out of.
public enum DialogResult<Answer: Sendable>: Sendable {
    case pending
    case done(Answer)
    case cancelled
}

extension DialogResult: Equatable where Answer: Equatable {}
