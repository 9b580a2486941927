import IVRTesting
import Testing
import WhatsApp

@Suite struct WebhookDecoderTests {
    func decode(_ fixture: String) throws -> [WebhookEvent] {
        try WebhookDecoder.decode(Array(try Fixtures.data(fixture)))
    }

    @Test func connectCarriesTheOfferAndBusinessNumber() throws {
        let events = try decode("connect.json")
        guard case let .connect(c)? = events.first, events.count == 1 else {
            Issue.record("expected one connect, got \(events)")
            return
        }
        #expect(c.callID == "wacid.HBgLMTMxNzU1NTEyMzQVAgARGBI3RkE1")
        #expect(c.business.phoneNumberID == "106540352242922")
        #expect(c.business.wabaID == "102290129340398")
        #expect(c.from == "13175551234")
        #expect(c.callerName == "Ana Caller")
        #expect(c.sdpType == "offer")
        #expect(c.sdp == (try Fixtures.string("whatsapp-offer.sdp")))
        #expect(c.ctaPayload == "menu-2")
        #expect(events.first?.dedupeKey?.event == "connect")
    }

    @Test func terminateToleratesStatusCasingAndKeepsErrors() throws {
        guard case let .terminate(t)? = try decode("terminate.json").first else {
            Issue.record("expected terminate")
            return
        }
        #expect(t.status == .completed)
        #expect(t.durationSeconds == 87)
        #expect(t.startTime == "1764070003")
        #expect(t.errors == [WebhookError(code: 138021, message: "Media receive timeout", details: "no media for 30 s")])
        #expect(TerminateStatus("failed") == .failed)
        #expect(TerminateStatus("Not Answered") == .other("Not Answered"))
    }

    @Test func callStatusesInAnyCasing() throws {
        let events = try decode("call-statuses.json")
        #expect(events.count == 2)
        guard case let .callStatus(first) = events[0], case let .callStatus(second) = events[1] else {
            Issue.record("expected call statuses")
            return
        }
        #expect(first.status == .ringing)
        #expect(second.status == .accepted)
        #expect(events[0].dedupeKey?.event == "status:RINGING")
    }

    @Test func messageStatuses() throws {
        let events = try decode("message-statuses.json")
        guard case let .messageStatus(delivered) = events[0], case let .messageStatus(failed) = events[1] else {
            Issue.record("expected message statuses")
            return
        }
        #expect(delivered.status == .delivered)
        #expect(delivered.timestamp == "1764070200")
        #expect(failed.status == .failed)
        #expect(failed.errors.first?.code == 131026)
    }

    @Test func unknownFieldsAndCallEventsAreKeptAsUnknown() throws {
        #expect(try decode("unknown-field.json")
            == [.unknown(UnknownEvent(field: "account_update", kind: "account_update", subjectID: nil))])
        let body = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{"metadata":{"phone_number_id":"9"},"calls":[{"id":"wacid.X","event":"call_recording_available"}]}}]}]}"#
        #expect(try WebhookDecoder.decode(Array(body.utf8))
            == [.unknown(UnknownEvent(field: "calls", kind: "call_recording_available", subjectID: "wacid.X"))])
    }

    @Test func truncatedJSONIsRefusedAtTheDocument() throws {
        let full = Array(try Fixtures.data("connect.json"))
        let error = #expect(throws: WebhookDecodingError.self) {
            try WebhookDecoder.decode(Array(full.prefix(full.count / 2)))
        }
        #expect(error?.path == "$")
        #expect(error?.message.hasPrefix("malformed JSON") == true)
    }

    @Test func wrongTypesNameTheFailingPath() {
        let body = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"calls","value":{"calls":"nope"}}]}]}"#
        let error = #expect(throws: WebhookDecodingError.self) { try WebhookDecoder.decode(Array(body.utf8)) }
        #expect(error?.path == "entry[0].changes[0].value.calls")
        #expect(error?.message.hasPrefix("expected an array") == true)
    }

    @Test func missingKeysNameTheFailingPath() {
        let body = #"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"calls","value":{"calls":[{"event":"connect"}]}}]}]}"#
        let error = #expect(throws: WebhookDecodingError.self) { try WebhookDecoder.decode(Array(body.utf8)) }
        #expect(error?.description == "invalid webhook payload at entry[0].changes[0].value.calls[0].id: required key is missing")
    }

    @Test func connectWithoutAnOfferIsRefused() {
        let body = #"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"calls","value":{"metadata":{"phone_number_id":"9"},"calls":[{"id":"wacid.X","event":"connect","from":"1234567"}]}}]}]}"#
        let error = #expect(throws: WebhookDecodingError.self) { try WebhookDecoder.decode(Array(body.utf8)) }
        #expect(error?.path == "entry[0].changes[0].value.calls[0].session")
        #expect(error?.message == "required for event 'connect' but missing or empty")
    }

    @Test func connectWithoutBusinessNumberIsRefused() {
        let body = #"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"calls","value":{"calls":[{"id":"wacid.X","event":"connect","from":"1","session":{"sdp":"v=0"}}]}}]}]}"#
        let error = #expect(throws: WebhookDecodingError.self) { try WebhookDecoder.decode(Array(body.utf8)) }
        #expect(error?.path == "entry[0].changes[0].value.metadata.phone_number_id")
    }
}
