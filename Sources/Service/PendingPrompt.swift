/// A question waiting for a front end's answer.
struct PendingPrompt: Sendable {
    let prompt: Prompt
    let continuation: CheckedContinuation<PromptAnswer?, Never>
}
