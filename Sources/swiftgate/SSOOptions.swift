import ArgumentParser
import Engine

/// The single sign-on flags shared by `connect` and the interface (issue 11).
struct SSOOptions: ParsableArguments {
    @Option(name: .customLong("external-browser"),
            help: "Program that opens the SSO login URL in external-browser mode (it gets the URL as its argument; default $BROWSER, else xdg-open).")
    var externalBrowser: String?

    @Option(name: .customLong("sso-browser"), help: "Chromium-compatible browser driven for embedded-mode SSO (default: chromium on PATH).")
    var ssoBrowser: String?

    @Flag(name: .customLong("sso-headless"), help: "Run the embedded SSO browser without a window (for IdPs that need no person).")
    var ssoHeadless = false

    func apply(to options: inout ConnectOptions) {
        options.externalBrowser = externalBrowser
        options.ssoBrowser = ssoBrowser
        options.ssoHeadless = ssoHeadless
    }
}
