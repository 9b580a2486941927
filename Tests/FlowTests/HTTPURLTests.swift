import Foundation
@testable import Flow
import Testing

/// URLs of `http` steps: template values are percent-encoded for the part of the URL they sit in,
/// and the step's limits (http_allow, redirects) travel with the request.
@Suite struct HTTPURLTests {
    func callOut(url: String, vars: String, extra: String = "", topLevel: String = "") throws -> HTTPCallOut {
        var d = Driver(try mustLoad("""
            name: u
            start: a
            \(topLevel)
            vars: \(vars)
            steps:
              a:
                http:
                  url: "\(url)"
                  \(extra)
                next: b
              b:
                hangup: done
            """))
        for action in d.send(.started, at: 0) { if case let .http(r) = action { return r } }
        throw TestFailure(message: "no http action")
    }

    @Test func pathValuesCannotAddSegmentsAndQueryValuesCannotAddParameters() throws {
        let r = try callOut(url: "https://api.example.com/v1/{{vars.id}}/x?q={{vars.q}}&lang=en#{{vars.f}}",
                            vars: #"{ id: "../../admin", q: "a b&admin=1", f: "x y" }"#)
        #expect(r.url == "https://api.example.com/v1/..%2F..%2Fadmin/x?q=a%20b%26admin%3D1&lang=en#x%20y")
    }

    @Test func unicodeAndReservedCharactersAreEncodedAsUTF8() throws {
        let r = try callOut(url: "https://api.example.com/n/{{vars.name}}", vars: #"{ name: "José/ñ?#%" }"#)
        #expect(r.url == "https://api.example.com/n/Jos%C3%A9%2F%C3%B1%3F%23%25")
    }

    @Test func aHostValueKeepsOnlyHostCharactersAndAWholeURLValueIsInsertedForTheEdgeToCheck() throws {
        let host = try callOut(url: "https://{{vars.h}}/x", vars: #"{ h: "evil.example/@good.example" }"#)
        #expect(host.url == "https://evil.example%2F%40good.example/x")
        #expect(throws: CallOutURLError.badHost("evil.example%2f%40good.example")) { try CallOutURL.parse(host.url) }
        let whole = try callOut(url: "{{vars.u}}?id={{vars.id}}", vars: #"{ u: "https://api.example.com/a", id: "1&x=2" }"#)
        #expect(whole.url == "https://api.example.com/a?id=1%26x%3D2")
    }

    @Test func theStepsLimitsTravelWithTheRequest() throws {
        let r = try callOut(url: "https://api.example.com/x", vars: "{}", extra: "redirects: 2",
                            topLevel: #"http_allow: [API.example.com, "*.example.org"]"#)
        #expect(r.allowHosts == ["api.example.com", "*.example.org"])
        #expect(r.maxRedirects == 2)
        #expect(try callOut(url: "https://api.example.com/x", vars: "{}").maxRedirects == 0)
    }

    @Test func aSimulatorFixtureWithAnAbsurdStatusIsRefusedNotTrappedOn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flow-http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, status) in [("huge", "1e300"), ("fraction", "200.5"), ("negative", "-1")] {
            let path = dir.appendingPathComponent("\(name).json").path
            try #"{"GET https://x.example/": {"status": \#(status), "body": {}}}"#.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: FlowError.self) { try HTTPFixtures.load(path: path) }
        }
        let ok = dir.appendingPathComponent("ok.json").path
        try #"{"GET https://x.example/": {"status": 404, "body": {}}}"#.write(toFile: ok, atomically: true, encoding: .utf8)
        #expect(try HTTPFixtures.load(path: ok).response(method: "GET", url: "https://x.example/")?.status == 404)
    }
}
