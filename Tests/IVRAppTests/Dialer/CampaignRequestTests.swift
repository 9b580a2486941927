import Foundation
@testable import IVRApp
import Testing

/// A campaign from JSON rows or CSV: every row pending and due, numbers normalized; each mistake named.
@Suite struct CampaignRequestTests {
    let now = Date(timeIntervalSince1970: 1_773_000_000)

    @Test func rowsBecomePendingCampaignRows() throws {
        let request = CampaignRequest(flow: "reminder", rows: [.init(to: "+4915112345678", vars: ["name": "Ana"]),
                                                               .init(to: " 4915112345679 ")],
                                      rate: "2/s", window: "09:00-18:00", timeZone: "Europe/Berlin", maxAttempts: 3,
                                      retryAfter: "30m")
        let (campaign, rows) = try request.build(now: now, knownFlow: { $0 == "reminder" })
        #expect(campaign.rate == "2/s" && campaign.window == "09:00-18:00" && campaign.timeZone == "Europe/Berlin")
        #expect(campaign.maxAttempts == 3 && campaign.retryAfter == 1800 && campaign.state == .running)
        #expect(rows.map(\.recipient) == ["4915112345678", "4915112345679"])
        #expect(rows.map(\.campaignRow) == [1, 2])
        #expect(rows.allSatisfy { $0.state == .pending && $0.origin == .campaign && $0.campaignID == campaign.id })
        #expect(rows[0].variablesJSON == #"{"name":"Ana"}"#)
    }

    @Test func mistakesAreNamed() {
        func error(_ r: CampaignRequest) -> String {
            do {
                _ = try r.build(now: now, knownFlow: { $0 == "reminder" })
                return "built"
            } catch {
                return error.description
            }
        }
        let row = CampaignRequest.Row(to: "4915112345678")
        #expect(error(CampaignRequest(flow: "x", rows: [row])) == "no flow named 'x'")
        #expect(error(CampaignRequest(flow: "reminder", rows: [row, .init(to: "12ab")])).hasPrefix("row 2: 'to' must be"))
        #expect(error(CampaignRequest(flow: "reminder", rows: [row, row])) == "row 2: 4915112345678 is already on row 1")
        for window in ["25:00-26:00", "24:00-08:00", "9-18", "09:00-09:00", "09:00"] {
            #expect(error(CampaignRequest(flow: "reminder", rows: [row], window: window)).hasPrefix("window must be"))
        }
        #expect(error(CampaignRequest(flow: "reminder", rows: [row], timeZone: "Nowhere/City")).contains("Nowhere/City"))
        #expect(error(CampaignRequest(flow: "reminder", rows: [row], rate: "0/s")).hasPrefix("rate must be"))
        #expect(error(CampaignRequest(flow: "reminder", rows: [row], maxAttempts: 11)) == "max_attempts must be 1-10, got 11")
    }

    @Test func csvWithQuotesAndAHeader() throws {
        let csv = "\u{FEFF}to,name,slot\r\n+4915112345678,\"Ana, B.\",\"10 \"\"am\"\"\"\r\n\r\n4915112345679,Bo,11\n"
        let rows = try CampaignCSV.rows(csv)
        #expect(rows == [.init(to: "+4915112345678", vars: ["name": "Ana, B.", "slot": "10 \"am\""]),
                         .init(to: "4915112345679", vars: ["name": "Bo", "slot": "11"])])
        #expect(throws: CampaignRequestError.csv(line: 2, "1 fields, the header has 2")) {
            try CampaignCSV.rows("to,name\n4915112345678\n")
        }
        #expect(throws: CampaignRequestError.csv(line: 2, "a quoted field is not closed")) {
            try CampaignCSV.rows("to\n\"4915112345678\n")
        }
    }

    @Test func aRepeatedColumnNameIsRefused() {
        #expect(throws: CampaignRequestError.csv(line: 1, "column 3 repeats the name 'slot' of column 2")) {
            try CampaignCSV.rows("to,slot,slot\n4915112345678,a,b\n")
        }
        #expect(throws: CampaignRequestError.csv(line: 1, "column 2 repeats the name 'to' of column 1")) {
            try CampaignCSV.rows("To,to\n4915112345678,a\n")
        }
    }

    /// Refused while reading, at the first line past the limit: the rest of a huge body is never parsed.
    @Test func aListLongerThanTheLimitIsRefusedAtTheFirstLineTooMany() {
        let max = CampaignRequest.maxRows
        let text = "to\n" + String(repeating: "4915112345678\n", count: max + 5)
        #expect(throws: CampaignRequestError.csv(line: max + 2,
                                                 "more than \(max) rows; split the list into several campaigns")) {
            try CampaignCSV.rows(text)
        }
        #expect((try? CampaignCSV.rows("to\n" + String(repeating: "4915112345678\n", count: max)))?.count == max)
    }

    /// A misspelt setting would be dropped and the campaign run without it (calling at any hour): refused by name.
    @Test func unknownFieldsAndQueryParametersAreRefused() throws {
        func message(_ body: String, type: String = "application/json", query: [String: String] = [:]) -> String {
            do {
                _ = try ConsoleRoutes.campaignRequest(Data(body.utf8), contentType: type, query: query)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        let row = #"[{"to":"4915112345678","vars":{"slot":"10"}}]"#
        #expect(message(#"{"flow":"reminder","rows":\#(row),"window":"09:00-18:00"}"#) == "accepted")
        #expect(message(#"{"flow":"reminder","rows":\#(row),"windows":"09:00-18:00"}"#).hasPrefix("unknown field 'windows'; the fields are "))
        #expect(message(#"{"flow":"reminder","rows":[{"to":"4915112345678","var":{}}]}"#)
            == "rows[0]: unknown field 'var'; a row has 'to' and 'vars'")
        #expect(message("to\n4915112345678\n", type: "text/csv", query: ["flow": "reminder", "window": "09:00-18:00"]) == "accepted")
        #expect(message("to\n4915112345678\n", type: "text/csv", query: ["flow": "reminder", "windw": "09:00-18:00"])
            == "unknown query parameter 'windw'; the settings are flow, max_attempts, name, phone_number_id, rate, retry_after, tz, window")
    }
}
