import Foundation
@testable import IVRApp
import Testing

/// The calls list's filters: an unreadable value is refused by name (400), never ignored, so a typo cannot show
/// an empty list that looks like "no calls".
@Suite struct CallQueryInputTests {
    let now = Date(timeIntervalSince1970: 1_773_000_000)

    @Test func aDirectionOtherThanWhatsAppsTwoIsRefused() throws {
        #expect(try ConsoleFormat.callQuery(["direction": "BUSINESS_INITIATED"], now: now).direction == "BUSINESS_INITIATED")
        do {
            _ = try ConsoleFormat.callQuery(["direction": "inbound"], now: now)
            Issue.record("direction=inbound was accepted")
        } catch {
            #expect("\(error)".contains("direction: inbound is not one of USER_INITIATED, BUSINESS_INITIATED"), "\(error)")
        }
    }
}
