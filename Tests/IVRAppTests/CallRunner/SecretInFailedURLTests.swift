import AsyncHTTPClient
import Foundation
@testable import IVRApp
import Store
import Testing

/// Scenario: an `http` step builds its URL from a secret code, and the URL is refused before any request
/// (it is not absolute). The refusal quotes the URL; as recorded, in the http event and in the step's exit,
/// the code is masked.
@Suite struct SecretInFailedURLTests {
    static let flow = """
        name: secret-url
        numbers: ["106540352242922"]
        redact: [code]
        start: code
        steps:
          code:
            gather:
              prompt: enter_code
              into: code
              min_digits: 4
              max_digits: 4
              timeout: 20s
            next: check
          check:
            http:
              url: "{{vars.code}}/confirm"
              on_error: end
            next: end
          end:
            hangup: completed
        """

    @Test func theRefusalQuotingTheURLIsRecordedWithTheCodeMasked() async throws {
        let d = try RunnerDriver(flow: Self.flow)
        d.start()
        d.finishPlays()
        for key: Character in ["9", "8", "7", "6"] { d.press(key) }
        let request = try #require(d.httpRequests.first)
        #expect(request.url == "9876/confirm")  // the real request, as the edge receives it
        let result = await FlowHTTP(client: HTTPClient.shared).perform(request)
        guard case let .failure(error) = result else {
            Issue.record("a relative URL was not refused: \(result)")
            return
        }
        #expect(error.reason.contains("9876"))  // the edge's own reason quotes it...
        d.httpDone(request, result)
        #expect(d.hungUp)
        #expect(d.events(.http) == ["GET ***/confirm"])
        let exit = try #require(d.events(.exit).first { $0.hasPrefix("check:") })
        #expect(exit.hasPrefix("check: http error (call-out refused: '***/confirm'"), "\(exit)")
        let leaked = d.everythingRecorded.filter { $0.contains("9876") }  // ...what is recorded does not
        #expect(leaked.isEmpty, "\(leaked)")
    }
}
