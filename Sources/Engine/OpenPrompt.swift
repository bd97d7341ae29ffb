import Synchronization

/// One question put to the front end, answered by whichever comes first: the person, or a stop (SIGTERM, quit).
/// A stop never waits for a prompt to close (issue 13, item 13): the engine goes on to its teardown and the
/// front end's late answer is dropped.
final class OpenPrompt<Answer: Sendable>: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Answer?, Never>)
        /// Answered (or cancelled) before anyone waited.
        case answered(Answer?)
        case done
    }

    private let state = Mutex<State>(.idle)

    /// Puts the question; nil when `resolve(nil)` (a stop) came first, even before the question was asked.
    func ask(_ question: @escaping @Sendable () async -> Answer) async -> Answer? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Answer?, Never>) in
            let early: Answer?? = state.withLock { state in
                if case .answered(let answer) = state {
                    state = .done
                    return .some(answer)
                }
                state = .waiting(continuation)
                return .none
            }
            if let early {
                continuation.resume(returning: early)
                return
            }
            Task { self.resolve(await question()) }
        }
    }

    /// Answers the question (once; later answers are dropped).
    func resolve(_ answer: Answer?) {
        state.withLock { state in
            switch state {
            case .idle: state = .answered(answer)
            case .waiting(let continuation):
                continuation.resume(returning: answer)
                state = .done
            case .answered, .done: break
            }
        }
    }
}

/// Cancels whatever prompt is open, type-erased for the engine.
struct PromptCancel: Sendable {
    let cancel: @Sendable () -> Void
}
