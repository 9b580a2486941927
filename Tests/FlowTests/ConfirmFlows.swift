@testable import Flow

/// The menu the confirmation-band scenarios run (one scenario per file: EngineConfirm*Tests).
enum ConfirmFlows {
    static func menu(band: String = "", bargeIn: Bool = true, retries: Int = 1) throws -> Flow {
        try mustLoad("""
        name: m
        language: en-us
        start: menu
        steps:
          menu:
            menu:
              prompt: choose
              options:
                "1": { say: [sales, buy], goto: sales }
                "2": { say: [support], goto: support, confirm: "Do you need help with something you bought?" }
              timeout: 4s
              retries: \(retries)
              invalid: wrong
              barge_in: \(bargeIn)
              into: choice
              on_failure: fail
        \(band)
          sales:
            hangup: sales
          support:
            hangup: support
          fail:
            hangup: no_choice
        """)
    }

    static let menuListen = FlowAction.listen(digits: true, keywords: ["sales", "buy", "support"], language: "en-us")
    static let yesNoListen = FlowAction.listen(digits: true, keywords: ["yes", "no"], language: "en-us")
    static func question(_ text: String) -> FlowAction {
        .say(text: text, voice: "rms", language: "en-us", bargeIn: true)
    }
}
