import Foundation
@testable import IVRApp
import Store
import Testing

/// Scenario: a caller who knows the flow types a secret code while the welcome still plays (barge-in),
/// finishes it in the gather after it, and picks a plan from a menu whose choice is also secret. No key
/// of the code, no digits and no menu key leaves the call: key events, step exits and variables are masked.
@Suite struct TypedAheadSecretTests {
    static let flow = """
        name: secrets
        numbers: ["106540352242922"]
        redact: [code, plan]
        start: hello
        steps:
          hello:
            play:
              prompts: [welcome]
              barge_in: true
            next: code
          code:
            gather:
              prompt: enter_code
              into: code
              min_digits: 4
              max_digits: 4
              timeout: 20s
            next: plan
          plan:
            menu:
              prompt: main_menu
              options:
                "2": { goto: end }
              into: plan
              timeout: 10s
          end:
            hangup: completed
        """

    @Test func theTypedAheadKeyTheDigitsAndTheMenuKeyAreMasked() throws {
        let d = try RunnerDriver(flow: Self.flow)
        d.start()
        d.press("1")        // while the welcome plays: typed ahead into the gather
        for key: Character in ["2", "3", "4"] { d.press(key) }
        d.finishPlays()     // the menu's prompt
        d.press("2")
        #expect(d.hungUp)
        #expect(d.events(.key) == ["***", "***", "***", "***", "***"])
        #expect(d.events(.exit).prefix(3) == ["hello: key ***", "code: digits ***", "plan: key ***"], "\(d.events(.exit))")
        let leaked = d.everythingRecorded.filter { $0.contains("1234") || $0.contains("key 1") || $0.contains("key 2") }
        #expect(leaked.isEmpty, "\(leaked)")
        #expect(d.everythingRecorded.contains("code=\"***\"") && d.everythingRecorded.contains("plan=\"***\""))
    }
}
