/// The selected row of a list. Scrolling is derived from the selection (kept near the middle), so rendering
/// needs no mutable scroll state.
public struct ListSelection: Sendable, Equatable {
    public var index: Int

    public init(index: Int = 0) { self.index = index }

    /// Moves for a navigation action; returns whether the action was one. `page` is the rows a page moves.
    @discardableResult
    public mutating func handle(_ action: Action, count: Int, page: Int = 10) -> Bool {
        switch action {
        case .moveUp: index -= 1
        case .moveDown: index += 1
        case .pageUp: index -= max(1, page)
        case .pageDown: index += max(1, page)
        case .top: index = 0
        case .bottom: index = count - 1
        default: return false
        }
        clamp(count: count)
        return true
    }

    public mutating func clamp(count: Int) {
        index = max(0, min(index, count - 1))
    }

    /// The first row shown so that the selection is visible, near the middle when the list is long.
    public func top(count: Int, visible: Int) -> Int {
        guard count > visible, visible > 0 else { return 0 }
        return max(0, min(count - visible, index - visible / 2))
    }
}
