import GatewayProtocol
import SecureChannel
import Store

/// Phase 4 (DESIGN.md §1): the gateway's profile, fetched over a new TLS session when missing or changed.
/// Core packages are listed, never downloaded or run.
extension ConnectionEngine {
    func downloadProfile(_ session: AuthenticatedSession) async throws(EngineError) {
        startPhase(.download)
        var detail: [(String, EventValue)] = []
        if !session.result.corePackages.isEmpty {
            detail.append(("core_packages_ignored", .list(session.result.corePackages.map { .string($0.uri) })))
        }
        let modules = ManifestFile.moduleProfiles(in: session.result.profiles)
        if !modules.isEmpty {
            detail.append(("module_profiles_skipped", .list(modules.map {
                .object([("service_type", .string($0.serviceType ?? "")), ("uri", .string($0.uri))])
            })))
        }
        guard let manifest = ManifestFile.vpnProfile(in: session.result.profiles) else {
            emitPhase(.download, .skipped, detail: detail + [("reason", "the gateway names no profile")])
            return
        }
        // Per gateway, not per saved name: a second entry for the same host:port sees it (issue 13, item 16).
        let key = HostPortKey.make(host: options.url.host, port: options.url.port)
        let expected = manifest.hash?.uppercased()
        detail.append(("uri", .string(manifest.uri)))
        let stored: String?
        do {
            stored = try options.store?.profileSHA1(hostPort: key)
        } catch {
            stored = nil
            emit(.log("cannot read the stored profile: \(error)"))
        }
        if let stored, let expected, stored.uppercased() == expected {
            emitPhase(.download, .skipped, detail: detail + [("reason", "the stored profile is current"), ("sha1", .string(expected))])
            return
        }

        // On the login's connection when the gateway kept it alive; otherwise a new TLS session, whose certificate
        // is checked again (a "once" decision still covers it).
        var headers = HTTPHeaders()
        headers.add("Host", session.url.hostHeader)
        headers.add("User-Agent", options.userAgent)
        headers.add("Cookie", "webvpn=\(session.result.cookie.reveal())")
        headers.add("Accept", "*/*")
        headers.add("Accept-Encoding", "identity")
        headers.add("X-Transcend-Version", "1")
        let path = manifest.uri.hasPrefix("/") ? manifest.uri : "/" + manifest.uri
        let request = HTTPRequest(method: "GET", path: path, headers: headers)
        let response: HTTPResponse
        do {
            response = try await exchange(request)
        } catch {
            if case .cancelled = error { throw error }
            throw .protocolError(.download, "the gateway names a profile (\(manifest.uri)) but its download failed: "
                                 + error.summary)
        }
        guard response.status == 200 else {
            throw .protocolError(.download, "the gateway names a profile (\(manifest.uri)) but answered its download "
                                 + "with HTTP \(response.status) \(response.reason)")
        }
        let sha1 = Hex.encode(Digest.sha1(response.body), uppercase: true)
        if let expected, sha1 != expected {
            throw .protocolError(.download, "the profile \(manifest.uri) has SHA-1 \(sha1), not the \(expected) the "
                                 + "gateway announced; not used")
        }
        let profile: AnyConnectProfile
        do {
            profile = try AnyConnectProfile.parse(response.body)
        } catch {
            throw .protocolError(.download, "the profile \(manifest.uri): \(error)")
        }
        let xml = String(decoding: response.body, as: UTF8.self)
        let saved: EventValue
        if acceptedOnce {
            saved = .string("no: the certificate was accepted once")
            if !profile.hosts.isEmpty {
                emit(.log("the profile of \(key) lists \(profile.hosts.count) gateway(s); none saved, because its "
                          + "certificate was accepted only once"))
            }
        } else if let store = options.store {
            do {
                let changes = try store.saveProfile(hostPort: key, uri: manifest.uri, sha1: sha1, xml: xml,
                                                    hosts: profile.hosts)
                saved = Self.describe(changes)
                if let sentence = Self.sentence(changes, origin: key) { emit(.log(sentence)) }
            } catch {
                saved = .string("no: \(error)")
                emit(.log("could not save to the store: \(error)"))
            }
        } else {
            saved = .string("no: no store")
        }
        emitPhase(.download, .done, detail: detail + [
            ("sha1", .string(sha1)), ("bytes", .int(response.body.count)),
            ("replaced", .bool(stored != nil)),
            ("hosts", .list(profile.hosts.map { .object([("name", .string($0.name)), ("url", .string($0.url))]) })),
            ("saved", saved),
        ])
    }

    static func describe(_ changes: ProfileEntryChanges) -> EventValue {
        .object([
            ("added", .list(changes.added.map(EventValue.string))),
            ("changed", .list(changes.changed.map(EventValue.string))),
            ("removed", .list(changes.removed.map(EventValue.string))),
            ("refused", .list(changes.refused.map { .object([("name", .string($0.name)), ("reason", .string($0.reason))]) })),
        ])
    }

    /// What a profile did to the saved gateways, for people (the log pane, text events); nil when nothing.
    static func sentence(_ changes: ProfileEntryChanges, origin: String) -> String? {
        guard !changes.isEmpty else { return nil }
        func names(_ list: [String]) -> String { list.map { "'\($0)'" }.joined(separator: ", ") }
        var parts: [String] = []
        if !changes.added.isEmpty { parts.append("added \(names(changes.added))") }
        if !changes.changed.isEmpty { parts.append("changed the address of \(names(changes.changed))") }
        if !changes.removed.isEmpty { parts.append("removed \(names(changes.removed))") }
        if !changes.refused.isEmpty {
            parts.append("refused " + changes.refused.map { "'\($0.name)' (\($0.reason))" }.joined(separator: ", "))
        }
        return "the profile of \(origin) " + parts.joined(separator: "; ")
    }
}
