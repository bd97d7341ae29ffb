import GatewayProtocol

/// The parsers of gateway input, one per fuzz target (issue: hostile gateways). Each must end every input in a
/// value or a typed error: a trap, a hang or unbounded memory is the bug the fuzzer looks for.
enum FuzzTarget: String, CaseIterable {
    case auth, http, connect, cstp, profile, authflow, ssoblob

    func run(_ bytes: [UInt8]) {
        switch self {
        case .auth:
            _ = try? AuthDocumentParser.parse(bytes)
        case .http:
            // Split where the first byte says, as data arrives from TLS in pieces.
            var parser = HTTPResponseParser(limits: HTTPLimits(maxBodyBytes: 64 * 1024),
                                            requestMethod: bytes.first.map { $0 & 1 == 0 ? "GET" : "CONNECT" } ?? "GET")
            let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
            do {
                if try parser.feed(bytes[..<cut]) == nil, try parser.feed(bytes[cut...]) == nil {
                    _ = try parser.finish()
                }
            } catch {}
        case .connect:
            // Header lines as a CONNECT reply brings them.
            var headers = HTTPHeaders()
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.add(String(line[..<colon]), String(line[line.index(after: colon)...]))
            }
            if let configuration = try? TunnelConfiguration(headers: headers) {
                _ = try? DTLSPlan.from(configuration.dtls)
                _ = try? DTLSPlan.from(configuration.dtls, offered: .auto)
                _ = configuration.rekeyInterval
                _ = HeaderRedaction.describe(headers.fields)
                _ = ScriptEnvironment(reason: "connect", configuration: configuration, tunDevice: "tun0",
                                      gatewayAddress: "198.18.0.1", pid: 1, mtu: configuration.mtu ?? 1400)
            }
        case .cstp:
            var decoder = CSTPDecoder(capacity: 64 * 1024)
            var offset = 0
            while offset < bytes.count {
                let size = min(bytes.count - offset, 1 + Int(bytes[offset]) * 7)
                decoder.append(Array(bytes[offset..<(offset + size)]))
                offset += size
                do {
                    while try decoder.next() != nil {}
                } catch {
                    return
                }
            }
        case .profile:
            _ = try? AnyConnectProfile.parse(bytes)
        case .authflow:
            var flow = AuthFlow(configuration: AuthConfiguration(url: GatewayURL(host: "198.18.0.1", port: 4443)))
            _ = flow.start()
            let status = bytes.first.map { [200, 200, 200, 302, 401, 404][Int($0) % 6] } ?? 200
            let response = HTTPResponse(status: status, reason: "OK",
                                        headers: HTTPHeaders([("Location", "/next"), ("Set-Cookie", "webvpn=x")]),
                                        body: Array(bytes.dropFirst()))
            if case .chooseGroup(let choice)? = try? flow.receive(response), let option = choice.defaultOption {
                _ = try? flow.chooseGroup(option)
            }
        case .ssoblob:
            // The external-browser SSO callback: the blob as text, as decoded records, and inside a request line
            // as the localhost listener reads it (issue 11).
            _ = try? SSOCallbackBlob.parse(String(decoding: bytes, as: UTF8.self))
            _ = try? SSOCallbackBlob.parse(bytes: bytes)
            let head = Array("GET /api/sso/".utf8) + bytes + Array(" HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
            if let length = SSOCallbackRequest.headLength(head) {
                _ = SSOCallbackRequest.answer(head: Array(head.prefix(length)))
            }
        }
    }
}
