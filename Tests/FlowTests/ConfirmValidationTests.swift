@testable import Flow
import Testing

/// Scenario: `ivrd validate` checks a menu's confirmation band: the mode's spelling, thresholds in
/// 0 ... 1, confirm_above not above accept_above, each as file:line: step 'x': message.
@Suite struct ConfirmValidationTests {
    static func diagnostics(_ band: String, option: String = "") -> [String] {
        loadText("""
        name: m
        start: menu
        steps:
          menu:
            menu:
              prompt: choose
              options:
                "1": { say: [sales], goto: done\(option) }
        \(band)
          done:
            hangup: done
        """, file: "band.yaml").diagnostics.map(\.description)
    }

    @Test func aGoodBandHasNoDiagnostics() {
        #expect(Self.diagnostics("      confirm: always\n      confirm_above: 0.3\n      accept_above: 0.95").isEmpty)
    }

    @Test func badModeAndRangesAreErrorsWithTheirLines() {
        #expect(Self.diagnostics("      confirm: sometimes") == [
            "band.yaml:9: step 'menu': 'confirm' must be one of: auto, always, never, got 'sometimes'"])
        #expect(Self.diagnostics("      accept_above: 1.5") == [
            "band.yaml:9: step 'menu': 'accept_above' must be from 0 to 1, got 1.5"])
        #expect(Self.diagnostics("      confirm_above: high") == [
            "band.yaml:9: step 'menu': 'confirm_above' must be a number from 0 to 1, got 'high'"])
    }

    @Test func thresholdsMustBeOrdered() {
        #expect(Self.diagnostics("      accept_above: 0.6\n      confirm_above: 0.7") == [
            "band.yaml:10: step 'menu': 'confirm_above' (0.7) must not be above 'accept_above' (0.6): below confirm_above a word is no match, from it up to accept_above the caller is asked to confirm"])
    }

    @Test func confirmOnAKeyOnlyOptionIsAWarning() {
        let out = loadText("""
        name: m
        start: menu
        steps:
          menu:
            menu:
              prompt: choose
              options:
                "1": { goto: done, confirm: "Sales?" }
          done:
            hangup: done
        """, file: "band.yaml").diagnostics.map(\.description)
        #expect(out == ["band.yaml:8: step 'menu': warning: 'confirm' on option '1' has no effect: the option has no 'say' words, and keys are never confirmed"])
    }
}
