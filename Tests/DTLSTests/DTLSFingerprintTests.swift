import DTLS
import Foundation
import Testing

@Suite("Certificates and fingerprint pinning")
struct DTLSFingerprintTests {
    static let wrong = [UInt8](repeating: 0xAB, count: 32)
    static let wrongText = Array(repeating: "AB", count: 32).joined(separator: ":")

    @Test("the client rejects a server certificate that does not match the SDP fingerprint")
    func clientRejectsServer() throws {
        let pair = try DTLSPair(clientExpects: Self.wrong)
        pair.start()
        let expected = "DTLS peer certificate fingerprint \(DTLSPair.certificateB.fingerprintString) "
            + "does not match the SDP a=fingerprint \(Self.wrongText)"
        #expect(pair.client.state == .failed)
        #expect(pair.clientEvents == [.failed(reason: expected)])
        #expect(pair.client.keyingMaterial == nil)
        // The client's bad_certificate alert ends the server's handshake too, with OpenSSL's reason.
        #expect(pair.server.state == .failed)
        #expect(pair.serverEvents.count == 1)
        if case let .failed(reason) = pair.serverEvents.first {
            #expect(reason.contains("alert bad certificate"))
        } else {
            Issue.record("server did not fail: \(pair.serverEvents)")
        }
    }

    @Test("the server rejects a client certificate that does not match the SDP fingerprint")
    func serverRejectsClient() throws {
        let pair = try DTLSPair(serverExpects: Self.wrong)
        pair.start()
        let expected = "DTLS peer certificate fingerprint \(DTLSPair.certificateA.fingerprintString) "
            + "does not match the SDP a=fingerprint \(Self.wrongText)"
        #expect(pair.server.state == .failed)
        #expect(pair.serverEvents == [.failed(reason: expected)])
        #expect(pair.client.state == .failed)
        if case let .failed(reason) = pair.clientEvents.first {
            #expect(reason.contains("alert bad certificate"))
        } else {
            Issue.record("client did not fail: \(pair.clientEvents)")
        }
        #expect(pair.client.keyingMaterial == nil)
    }

    @Test("the fingerprint is the SHA-256 of the DER, as 32 uppercase hex pairs joined by colons")
    func fingerprintFormat() throws {
        let certificate = try DTLSCertificate()
        #expect(certificate.fingerprint.count == 32)
        #expect(certificate.fingerprint == DTLSFingerprint.sha256(ofDER: certificate.der))
        let text = certificate.fingerprintString
        #expect(text.count == 95)
        let pairs = text.split(separator: ":")
        #expect(pairs.count == 32)
        for pair in pairs {
            #expect(pair.count == 2)
            #expect(pair.allSatisfy { "0123456789ABCDEF".contains($0) })
        }
        #expect(try DTLSFingerprint.parse(text) == certificate.fingerprint)
        #expect(try DTLSFingerprint.parse(text.lowercased()) == certificate.fingerprint)
        #expect(DTLSFingerprint.format([0x00, 0x0F, 0xA0, 0xFF]) == "00:0F:A0:FF")
    }

    @Test("each certificate has its own key and serial")
    func certificatesDiffer() throws {
        let a = try DTLSCertificate(), b = try DTLSCertificate()
        #expect(a.fingerprint != b.fingerprint)
        #expect(a.der != b.der)
    }

    @Test("malformed fingerprint text is rejected with the offending part")
    func parseErrors() {
        #expect(throws: DTLSError.invalidFingerprintText(text: "AB:CD", reason: "2 hex pairs, expected 32")) {
            try DTLSFingerprint.parse("AB:CD")
        }
        let bad = Array(repeating: "AB", count: 31).joined(separator: ":") + ":G1"
        #expect(throws: DTLSError.invalidFingerprintText(text: bad, reason: "pair 31 \"G1\" is not two hex digits")) {
            try DTLSFingerprint.parse(bad)
        }
        #expect(DTLSError.invalidFingerprintText(text: "AB:CD", reason: "2 hex pairs, expected 32").description
            == "invalid sha-256 fingerprint \"AB:CD\": 2 hex pairs, expected 32")
    }

    // Needs the openssl command-line tool, which `make test` installs (.ci/deps.sh).
    @Test("openssl x509 reads the certificate: self-signed, CN=ivrd, P-256, ECDSA-SHA256, same fingerprint")
    func opensslReadsCertificate() throws {
        let certificate = try DTLSCertificate()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dtls-cert-\(getpid()).der")
        try Data(certificate.der).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let output = try Self.run(["x509", "-inform", "DER", "-in", path.path, "-noout", "-text",
                                   "-fingerprint", "-sha256"])
        #expect(output.contains("Subject: CN = ivrd"))
        #expect(output.contains("Issuer: CN = ivrd"))
        #expect(output.contains("ecdsa-with-SHA256"))
        #expect(output.contains("prime256v1") || output.contains("P-256"))
        #expect(output.contains("Version: 3"))
        #expect(output.contains("sha256 Fingerprint=\(certificate.fingerprintString)")
            || output.contains("SHA256 Fingerprint=\(certificate.fingerprintString)"))
        let verify = try Self.run(["x509", "-inform", "DER", "-in", path.path, "-noout", "-checkend", "86400"])
        #expect(verify.contains("will not expire"))
    }

    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
