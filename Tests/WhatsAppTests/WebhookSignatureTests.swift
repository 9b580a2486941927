import Testing
import WhatsApp

@Suite struct WebhookSignatureTests {
    let secret = "test-app-secret"
    let body = Array(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
    // Computed independently: python3 -c "import hmac,hashlib; print(hmac.new(b'test-app-secret', body, hashlib.sha256).hexdigest())"
    let expectedHex = "c84a394cc475525991e78ff16e430b02e47f953877d2af0ade26956ce6f384dc"

    @Test func signsTheRawBody() {
        #expect(WebhookSignature.sign(body: body, secret: secret) == "sha256=" + expectedHex)
    }

    @Test func acceptsAValidSignatureInEitherCase() throws {
        try WebhookSignature.verify(body: body, header: "sha256=" + expectedHex, secret: secret)
        try WebhookSignature.verify(body: body, header: "sha256=" + expectedHex.uppercased(), secret: secret)
    }

    @Test func refusesAMissingHeader() {
        #expect(throws: SignatureError.missingHeader) {
            try WebhookSignature.verify(body: body, header: nil, secret: secret)
        }
    }

    @Test func refusesMalformedHeaders() {
        #expect(throws: SignatureError.malformed("expected 'sha256=' followed by 64 hex digits")) {
            try WebhookSignature.verify(body: body, header: "sha1=" + expectedHex, secret: secret)
        }
        #expect(throws: SignatureError.malformed("expected 64 hex digits after 'sha256=', found 10 characters")) {
            try WebhookSignature.verify(body: body, header: "sha256=0123456789", secret: secret)
        }
        let bad = "sha256=" + String(expectedHex.dropLast()) + "g"
        #expect(throws: SignatureError.malformed("digest contains a character that is not a hex digit")) {
            try WebhookSignature.verify(body: body, header: bad, secret: secret)
        }
    }

    @Test func refusesAWrongSignatureOrSecretOrBody() {
        #expect(throws: SignatureError.mismatch) {
            try WebhookSignature.verify(body: body, header: "sha256=" + expectedHex, secret: "other-secret")
        }
        #expect(throws: SignatureError.mismatch) {
            try WebhookSignature.verify(body: body + [0x20], header: "sha256=" + expectedHex, secret: secret)
        }
    }

    @Test func messagesNameTheHeader() {
        #expect(SignatureError.missingHeader.description == "signature header X-Hub-Signature-256 is missing")
        #expect(SignatureError.mismatch.description.hasPrefix("signature mismatch"))
    }

    @Test func phoneNumbersAreMaskedToLastFour() {
        #expect(Redact.phone("13175551234") == "***1234")
        #expect(Redact.phone("123") == "***")
        #expect(Redact.phone(nil) == "-")
    }
}
