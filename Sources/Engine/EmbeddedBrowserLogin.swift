import Foundation
import GatewayProtocol
import Glibc

/// The embedded-browser SSO login (issue 11, item 3): a real Chromium, driven through its DevTools protocol over
/// `--remote-debugging-pipe`, opens the gateway's `sso-v2-login` URL in a fresh profile; the person (or, in
/// tests, the page itself) logs in; when a navigation reaches `sso-v2-login-final` the token cookie is read
/// (openconnect cstp.c, `cstp_sso_detect_done`, does the same with its webview). Blocking: run it off the
/// cooperative pool (`Blocking.run`).
public struct EmbeddedBrowserLogin: Sendable {
    /// Browsers looked for on PATH when none is named, in this order.
    public static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    public let browserPath: String?
    public let headless: Bool
    /// A base directory: each run makes a fresh `swiftgate-sso-XXXXXX` profile inside it and removes it after.
    public let userDataDirectory: String
    /// pin-sha256 values (base64 SHA-256 of the SPKI) the browser accepts whatever their chain: the keys the
    /// person already trusted for this gateway in Swiftgate.
    public let trustedKeyHashes: [String]

    public init(browserPath: String?, headless: Bool, userDataDirectory: String, trustedKeyHashes: [String] = []) {
        self.browserPath = browserPath
        self.headless = headless
        self.userDataDirectory = userDataDirectory
        self.trustedKeyHashes = trustedKeyHashes
    }

    /// The browser to run: `path` (`--sso-browser PATH`: a path, or a name looked up on PATH) when given, else
    /// the first of `candidates` on PATH; nil when none is an executable file.
    public static func findBrowser(_ path: String?) -> String? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let names = path.map { [$0] } ?? candidates
        for name in names where !name.isEmpty {
            if name.contains("/") {
                if isExecutableFile(name) { return name }
                continue
            }
            for directory in searchPath.split(separator: ":") where !directory.isEmpty {
                let full = "\(directory)/\(name)"
                if isExecutableFile(full) { return full }
            }
        }
        return nil
    }

    /// Whether a browser window could be shown: an X11 or Wayland display is named in `environment`.
    public static func canShowWindow(environment: [String: String]) -> Bool {
        !(environment["DISPLAY"] ?? "").isEmpty || !(environment["WAYLAND_DISPLAY"] ?? "").isEmpty
    }

    /// Opens `loginURL` and watches the main frame's navigations until one reaches `finalURL` with the
    /// `tokenCookie` set (→ `.token`), or the `errorCookie` is set on any page (→ `.gatewayError` with its
    /// text), within `timeoutSeconds` (from the call, browser start included), polling `cancelled` at least
    /// four times a second. The browser's process group is killed and its profile removed on every path.
    public func run(loginURL: String, finalURL: String, tokenCookie: String, errorCookie: String?,
                    timeoutSeconds: Int, cancelled: @Sendable () -> Bool) throws(EmbeddedBrowserError)
        -> EmbeddedBrowserOutcome {
        let deadline = Monotonic.after(seconds: Double(max(1, timeoutSeconds)))
        // The login URL comes from the gateway: only a web page may be opened, never file:, javascript:,
        // chrome: or data: (a hostile gateway must not make the browser read local files or run its script).
        guard let scheme = URLComponents(string: loginURL)?.scheme?.lowercased(), scheme == "https" || scheme == "http",
              URLComponents(string: loginURL)?.host?.isEmpty == false else {
            throw .loginPageFailed("the gateway's login address is not an http(s) URL")
        }
        guard let path = Self.findBrowser(browserPath) else {
            throw .browserNotFound(searched: browserPath ?? Self.candidates.joined(separator: ", ") + " on PATH")
        }
        let (process, pipe) = try BrowserProcess.launch(path: path, headless: headless, baseDirectory: userDataDirectory,
                                                       trustedKeyHashes: trustedKeyHashes)
        defer {
            pipe.close()
            process.stop()
        }
        let watch = Watch(finalURL: finalURL, tokenCookie: tokenCookie,
                          errorCookie: errorCookie.flatMap { $0.isEmpty ? nil : $0 })
        var started = false
        func check() throws(EmbeddedBrowserError) {
            if cancelled() { throw .cancelled }
            if Monotonic.now() >= deadline {
                throw .timedOut(seconds: timeoutSeconds, reachedFinalPage: watch.reachedFinalPage)
            }
            if let status = process.exitedStatus() {
                let why = started ? "it exited (\(Self.describe(status)))"
                    : "it exited while starting (\(Self.describe(status)))\(Self.suffix(process.startupComplaint()))"
                throw .browserExited(why)
            }
        }
        do throws(EmbeddedBrowserError) {
            // A blank page first, so that no navigation of the login (an IdP that logs in at once) happens
            // before Page events are on.
            let created = try pipe.call("Target.createTarget", ["url": "about:blank"], until: deadline, check: check)
            guard let targetID = created["targetId"] as? String else { throw EmbeddedBrowserError.protocolError("Target.createTarget gave no targetId") }
            started = true
            try closeOtherPages(pipe: pipe, keeping: targetID, until: deadline, check: check)
            let attached = try pipe.call("Target.attachToTarget", ["targetId": targetID, "flatten": true],
                                         until: deadline, check: check)
            guard let session = attached["sessionId"] as? String else { throw EmbeddedBrowserError.protocolError("Target.attachToTarget gave no sessionId") }
            watch.targetID = targetID
            watch.session = session
            // Page events only: navigations as they commit, which is what openconnect's webview compares. The
            // Network domain would also show every redirect hop, but its events carry the IdP form's POST body
            // (the person's password) and every cookie into this process; nothing here needs them.
            _ = try pipe.call("Page.enable", session: session, until: deadline, check: check)
            let navigation = try pipe.call("Page.navigate", ["url": loginURL], session: session, until: deadline, check: check)
            if let failure = navigation["errorText"] as? String, !failure.isEmpty {
                throw EmbeddedBrowserError.loginPageFailed(EmbeddedBrowserRules.printable(failure, limit: 120))
            }
            return try loop(pipe: pipe, watch: watch, deadline: deadline, check: check)
        } catch {
            // A browser that died mid-call shows up first as a closed pipe; say how it ended if it did.
            // It closes its pipe as it exits, a moment before it can be reaped.
            if case .browserExited = error {
                process.waitForExit(seconds: 1)
                try check()
            }
            throw error
        }
    }

    private func loop(pipe: DevToolsPipe, watch: Watch, deadline: UInt64,
                      check: DevToolsPipe.Check) throws(EmbeddedBrowserError) -> EmbeddedBrowserOutcome {
        while true {
            // At the final page without the token yet (a cookie set by script just after), look again twice a
            // second; otherwise wait for the next navigation.
            let until = watch.reachedFinalPage ? min(deadline, Monotonic.after(seconds: 0.5)) : deadline
            let event = try pipe.nextEvent(until: until, check: check)
            if let event {
                guard try watch.observe(event) else { continue }
            } else if !watch.reachedFinalPage {
                continue
            }
            let reply = try pipe.call("Storage.getCookies", until: deadline, check: check)
            switch watch.decide(cookies: Self.cookies(in: reply)) {
            case .keepGoing: continue
            case .outcome(let outcome): return outcome
            case .badToken(let why): throw .protocolError(why)
            }
        }
    }

    /// A shown browser opens its start page (about:blank) in a window of its own; only the login's page is
    /// left, so the person sees one tab.
    private func closeOtherPages(pipe: DevToolsPipe, keeping targetID: String, until deadline: UInt64,
                                 check: DevToolsPipe.Check) throws(EmbeddedBrowserError) {
        guard !headless else { return }
        let reply = try pipe.call("Target.getTargets", until: deadline, check: check)
        let pages = (reply["targetInfos"] as? [[String: Any]] ?? []).filter { $0["type"] as? String == "page" }
        for page in pages {
            guard let other = page["targetId"] as? String, other != targetID else { continue }
            _ = try? pipe.call("Target.closeTarget", ["targetId": other], until: deadline, check: check)
        }
    }

    private static func cookies(in reply: [String: Any]) -> [EmbeddedBrowserRules.Cookie] {
        guard let list = reply["cookies"] as? [[String: Any]] else { return [] }
        return list.compactMap { entry in
            guard let name = entry["name"] as? String, let value = entry["value"] as? String else { return nil }
            return EmbeddedBrowserRules.Cookie(name: name, value: value, domain: entry["domain"] as? String ?? "")
        }
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
    }

    private static func describe(_ status: Int32) -> String {
        (status & 0x7f) == 0 ? "status \((status >> 8) & 0xff)" : "signal \(status & 0x7f)"
    }

    private static func suffix(_ complaint: String) -> String {
        complaint.isEmpty ? "" : ": \(complaint)"
    }

    /// What the login has seen so far, from the DevTools events of its one page.
    private final class Watch {
        let finalURL: String
        let tokenCookie: String
        let errorCookie: String?
        var targetID = ""
        var session = ""
        var reachedFinalPage = false

        init(finalURL: String, tokenCookie: String, errorCookie: String?) {
            self.finalURL = finalURL
            self.tokenCookie = tokenCookie
            self.errorCookie = errorCookie
        }

        /// True when `event` is a navigation of the main frame (cookies are then looked at).
        func observe(_ event: [String: Any]) throws(EmbeddedBrowserError) -> Bool {
            let method = event["method"] as? String ?? ""
            let params = event["params"] as? [String: Any] ?? [:]
            let eventSession = event["sessionId"] as? String
            switch method {
            case "Page.frameNavigated" where eventSession == session:
                guard let frame = params["frame"] as? [String: Any], frame["parentId"] == nil else { return false }
                let url = frame["url"] as? String ?? ""
                // A page that failed to load is reported with its URL in unreachableUrl.
                let seen = [url, url + (frame["urlFragment"] as? String ?? ""), frame["unreachableUrl"] as? String ?? ""]
                note(seen)
                return true
            case "Page.navigatedWithinDocument" where eventSession == session:
                guard params["frameId"] as? String == targetID else { return false }
                note([params["url"] as? String ?? ""])
                return true
            case "Target.detachedFromTarget" where params["sessionId"] as? String == session,
                 "Target.targetDestroyed" where params["targetId"] as? String == targetID,
                 "Inspector.detached" where eventSession == session:
                throw .browserExited("the login page was closed")
            case "Target.targetCrashed" where params["targetId"] as? String == targetID,
                 "Inspector.targetCrashed" where eventSession == session:
                throw .browserExited("the login page crashed")
            default:
                return false
            }
        }

        private func note(_ urls: [String]) {
            if urls.contains(where: { !$0.isEmpty && EmbeddedBrowserRules.isFinalPage($0, finalURL: finalURL) }) {
                reachedFinalPage = true
            }
        }

        func decide(cookies: [EmbeddedBrowserRules.Cookie]) -> EmbeddedBrowserRules.Decision {
            EmbeddedBrowserRules.decide(cookies: cookies, tokenCookie: tokenCookie, errorCookie: errorCookie,
                                        atFinalPage: reachedFinalPage, finalHost: URLComponents(string: finalURL)?.host)
        }
    }
}
