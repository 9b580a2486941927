import AsyncHTTPClient
import Flow
import Foundation
import Hummingbird
@testable import IVRApp
import Logging
import NIOCore
import ServiceLifecycle
import Testing
import Wire

/// A local HTTP server on 127.0.0.1 for the call-out tests: `/ok`, `/echo/**` (answers with the
/// request target it saw) and `/go?to=URL` (a 302 to URL).
final class CallOutTarget: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    var base: String { "http://127.0.0.1:\(port)" }

    static func start() async throws -> CallOutTarget {
        let router = Router()
        router.get("ok") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true}"#))) }
        router.get("echo/**") { request, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: request.uri.description)))
        }
        router.post("go") { request, _ in redirect(request) }
        router.get("go") { request, _ in redirect(request) }
        var logger = Logger(label: "call-out-target")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  portContinuation.yield(channel.localAddress?.port ?? 0)
                                  portContinuation.finish()
                              }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var port = 0
        for await p in ports { port = p }
        return CallOutTarget(port: port, group: group, task: task)
    }

    static func redirect(_ request: Request) -> Response {
        Response(status: .found, headers: [.location: request.uri.queryParameters.get("to") ?? "/ok"])
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

@Suite(.serialized) struct CallOutTests {
    func http(allow: [String] = [], resolve: (@Sendable (String) async throws(CallOutError) -> [IPAddress])? = nil)
        -> FlowHTTP {
        var h = FlowHTTP(client: .shared, policy: CallOutPolicy(globalAllow: allow))
        if let resolve { h.resolve = resolve }
        return h
    }

    func request(_ url: String, method: String = "GET", allow: [String] = [], redirects: Int = 0) -> HTTPCallOut {
        HTTPCallOut(id: "t-1", method: method, url: url, timeout: .seconds(30), allowHosts: allow, maxRedirects: redirects)
    }

    func failure(_ r: Result<(Int, [UInt8]), CallOutError>) -> String? {
        if case let .failure(e) = r { return e.reason }
        return nil
    }

    @Test func anAllowedLoopbackServerAnswers() async throws {
        let target = try await CallOutTarget.start()
        let byFlow = await http().perform(request(target.base + "/ok", allow: ["127.0.0.1"]))
        let byConfig = await http(allow: ["127.0.0.1"]).perform(request(target.base + "/ok"))
        let byName = await http(allow: ["localhost"]).perform(request("http://localhost:\(target.port)/ok"))
        await target.stop()
        for r in [byFlow, byConfig, byName] {
            guard case let .success((status, body)) = r else {
                Issue.record("expected an answer, got \(r)")
                continue
            }
            #expect(status == 200)
            #expect(String(decoding: body, as: UTF8.self) == #"{"ok":true}"#)
        }
    }

    @Test func templateValuesArriveEncodedAndCannotChangeThePath() async throws {
        let target = try await CallOutTarget.start()
        let flow = try #require(FlowLoader.load(bytes: Array("""
            name: enc
            start: a
            http_allow: [127.0.0.1]
            vars: { code: "../admin?x=1&y=2#frag" }
            steps:
              a:
                http:
                  url: "\(target.base)/echo/{{vars.code}}?q={{vars.code}}"
                next: b
              b:
                hangup: done
            """.utf8), path: "enc.yaml", promptsDirectory: nil).flow)
        var engine = FlowEngine(flow: flow, call: CallInfo(callID: "c", from: "1", phoneNumberID: "2"),
                                now: Instant(nanoseconds: 0))
        engine.handle(.started, now: Instant(nanoseconds: 0))
        var actions: [FlowAction] = []
        while let a = engine.pollAction() { actions.append(a) }
        guard case let .http(callOut)? = actions.first(where: { if case .http = $0 { true } else { false } }) else {
            Issue.record("expected an http action, got \(actions)")
            await target.stop()
            return
        }
        #expect(callOut.url == target.base + "/echo/..%2Fadmin%3Fx%3D1%26y%3D2%23frag?q=..%2Fadmin%3Fx%3D1%26y%3D2%23frag")
        #expect(callOut.allowHosts == ["127.0.0.1"])
        let r = await http().perform(callOut)
        await target.stop()
        guard case let .success((status, body)) = r else {
            Issue.record("expected an answer, got \(r)")
            return
        }
        #expect(status == 200)
        #expect(String(decoding: body, as: UTF8.self)
            == "/echo/..%2Fadmin%3Fx%3D1%26y%3D2%23frag?q=..%2Fadmin%3Fx%3D1%26y%3D2%23frag")
    }

    @Test func loopbackWithoutAllowIsRefusedBeforeConnecting() async throws {
        let target = try await CallOutTarget.start()
        let r = await http().perform(request(target.base + "/ok"))
        let named = await http().perform(request("http://localhost:\(target.port)/ok"))
        let otherListed = await http(allow: ["api.example.com"]).perform(request(target.base + "/ok"))
        await target.stop()
        #expect(failure(r) == "call-out to 127.0.0.1 refused: a loopback address; list the host in http_allow or flows.http_allow to allow it")
        #expect(failure(named)?.hasPrefix("call-out to localhost (") == true)
        #expect(failure(named)?.contains("a loopback address") == true)
        #expect(failure(otherListed) == "call-out to 127.0.0.1 refused: the host is not in http_allow (the flow's) or flows.http_allow (the daemon's)")
    }

    @Test func metadataAndBadSchemesAndUserInfoAreRefused() async {
        let h = http()
        #expect(failure(await h.perform(request("http://169.254.169.254/latest/meta-data/")))
            == "call-out to 169.254.169.254 refused: a link-local address; list the host in http_allow or flows.http_allow to allow it")
        #expect(failure(await h.perform(request("http://[::ffff:169.254.169.254]/")))?.contains("a link-local address") == true)
        #expect(failure(await h.perform(request("http://[fd00::1]/")))?.contains("a private (unique local) address") == true)
        #expect(failure(await h.perform(request("http+unix://%2Fvar%2Frun%2Fdocker.sock/info")))
            == "call-out refused: scheme 'http+unix' is not allowed: only http and https")
        #expect(failure(await h.perform(request("file:///etc/passwd")))
            == "call-out refused: scheme 'file' is not allowed: only http and https")
        #expect(failure(await h.perform(request("https://user:pw@api.example.com/x")))
            == "call-out refused: user info ('user@' before the host) is not allowed in a call-out URL")
        #expect(failure(await h.perform(request("https://api.example.com@10.0.0.1/x")))
            == "call-out refused: user info ('user@' before the host) is not allowed in a call-out URL")
    }

    @Test func aNameResolvingToAPrivateAddressIsRefusedAndTheCheckedAddressIsTheOneUsed() async {
        let h = http(resolve: { host throws(CallOutError) in
            host == "rebind.test" ? [IPAddress("93.184.216.34"), IPAddress("10.0.0.7")].compactMap { $0 } : []
        })
        #expect(failure(await h.perform(request("https://rebind.test/x")))
            == "call-out to rebind.test (10.0.0.7) refused: a private address; list the host in http_allow or flows.http_allow to allow it")
        #expect(failure(await h.perform(request("https://nothing.test/x")))
            == "call-out to nothing.test refused: the name has no address")
    }

    @Test func redirectsAreNotFollowedUnlessTheStepAllowsThem() async throws {
        let target = try await CallOutTarget.start()
        let allow = ["127.0.0.1"]
        let toOK = target.base + "/go?to=" + URLEncoding.encode(target.base + "/ok")
        let notFollowed = await http().perform(request(toOK, allow: allow))
        let followed = await http().perform(request(toOK, method: "POST", allow: allow, redirects: 1))
        let toMetadata = target.base + "/go?to=" + URLEncoding.encode("http://169.254.169.254/latest")
        let refused = await http().perform(request(toMetadata, allow: allow, redirects: 3))
        let toFile = target.base + "/go?to=" + URLEncoding.encode("file:///etc/passwd")
        let badScheme = await http().perform(request(toFile, allow: allow, redirects: 3))
        let loop = target.base + "/go?to=" + URLEncoding.encode(toOK)
        let tooMany = await http().perform(request(loop, allow: allow, redirects: 1))
        await target.stop()
        if case let .success((status, _)) = notFollowed { #expect(status == 302) } else { Issue.record("\(notFollowed)") }
        if case let .success((status, body)) = followed {
            #expect(status == 200)
            #expect(String(decoding: body, as: UTF8.self) == #"{"ok":true}"#)
        } else { Issue.record("\(followed)") }
        // With an allow-list set, the metadata address is refused because it is not on it.
        #expect(failure(refused)
            == "call-out to 169.254.169.254 refused: the host is not in http_allow (the flow's) or flows.http_allow (the daemon's)")
        #expect(failure(badScheme) == "redirect refused: scheme 'file' is not allowed: only http and https")
        if case let .success((status, _)) = tooMany { #expect(status == 302) } else { Issue.record("\(tooMany)") }
    }

    @Test func urlsAreTakenApartStrictly() throws {
        let u = try CallOutURL.parse("HTTPS://API.Example.com:8443/a/b?c=d#frag")
        #expect(u == CallOutURL(scheme: "https", host: "api.example.com", port: 8443, target: "/a/b?c=d"))
        #expect(u.string == "https://api.example.com:8443/a/b?c=d")
        #expect(try CallOutURL.parse("http://[::1]:8080").string == "http://[::1]:8080/")
        #expect(try CallOutURL.parse("http://h.example?x=1").target == "/?x=1")
        #expect(throws: CallOutURLError.badPort("99999")) { try CallOutURL.parse("http://h.example:99999/") }
        #expect(throws: CallOutURLError.badHost("bad_host")) { try CallOutURL.parse("http://bad_host/") }
        #expect(throws: CallOutURLError.noHost) { try CallOutURL.parse("http:///x") }
        #expect(throws: CallOutURLError.badCharacter("U+20")) { try CallOutURL.parse("http://h.example/a b") }
        #expect(throws: CallOutURLError.notAbsolute("/relative")) { try CallOutURL.parse("/relative") }
        // A `.` or `..` segment, as written or percent-encoded, would let a value rendered into the
        // path (`/confirm/{{code}}` with `..`) reach another path; dots inside a segment or the query are fine.
        #expect(throws: CallOutURLError.dotSegment) { try CallOutURL.parse("https://api.example.com/confirm/..") }
        #expect(throws: CallOutURLError.dotSegment) { try CallOutURL.parse("https://api.example.com/a/%2E%2e/admin?x=1") }
        #expect(throws: CallOutURLError.dotSegment) { try CallOutURL.parse("https://api.example.com/./a") }
        #expect(try CallOutURL.parse("https://api.example.com/a..b/.x/v1.2?q=..").target == "/a..b/.x/v1.2?q=..")
        #expect(throws: CallOutURLError.dotSegment) {
            try CallOutURL.parse("https://api.example.com/a").redirect(to: "/a/../admin")
        }
        let base = try CallOutURL.parse("https://api.example.com/a")
        #expect(try base.redirect(to: "/b?c").string == "https://api.example.com/b?c")
        #expect(try base.redirect(to: "//other.example/x").string == "https://other.example/x")
    }

    @Test func addressesAreClassified() {
        func why(_ s: String) -> String? { IPAddress(s)?.restriction }
        #expect(why("93.184.216.34") == nil)
        #expect(why("2606:2800:220:1:248:1893:25c8:1946") == nil)
        #expect(why("127.0.0.53") == "a loopback address")
        #expect(why("10.1.2.3") == "a private address")
        #expect(why("172.31.255.255") == "a private address")
        #expect(why("172.32.0.1") == nil)
        #expect(why("192.168.0.1") == "a private address")
        #expect(why("100.64.0.1") == "a shared (carrier-grade NAT) address")
        #expect(why("169.254.169.254") == "a link-local address")
        #expect(why("0.0.0.0") == "a 'this network' address")
        #expect(why("224.0.0.1") == "a multicast address")
        #expect(why("255.255.255.255") == "a reserved address")
        #expect(why("::1") == "a loopback address")
        #expect(why("::") == "an unspecified address")
        #expect(why("fe80::1") == "a link-local address")
        #expect(why("fc00::1") == "a private (unique local) address")
        #expect(why("::ffff:127.0.0.1") == "a loopback address")
        #expect(why("64:ff9b::a00:1") == "a private address")
        #expect(IPAddress("not an address") == nil)
        #expect(IPAddress("::1")?.isV4 == false)
        #expect(IPAddress("10.0.0.1")?.isV4 == true)
    }

    @Test func hostPatterns() {
        #expect(HostPattern.any(["api.example.com"], match: "api.example.com"))
        #expect(!HostPattern.any(["api.example.com"], match: "evil-api.example.com"))
        #expect(HostPattern.any(["*.example.com"], match: "a.b.example.com"))
        #expect(!HostPattern.any(["*.example.com"], match: "example.com"))
        #expect(!HostPattern.any(["*.example.com"], match: "badexample.com"))
        #expect(HostPattern.any(["[::1]"], match: "::1"))
        #expect(HostPattern("*.com") == nil)
        #expect(HostPattern("not a host") == nil)
    }
}
