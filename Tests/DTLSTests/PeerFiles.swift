import DTLS
import Foundation

/// A P-256 key and self-signed certificate made by the openssl CLI, with its SHA-256 fingerprint.
struct PeerFiles {
    let directory: URL
    let key: String
    let cert: String
    let fingerprint: [UInt8]

    init(name: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("dtls-interop-\(getpid())-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        key = directory.appendingPathComponent("key.pem").path
        cert = directory.appendingPathComponent("cert.pem").path
        _ = try DTLSInteropTests.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                          "-nodes", "-subj", "/CN=peer", "-days", "1", "-keyout", key, "-out", cert])
        let line = try DTLSInteropTests.openssl(["x509", "-in", cert, "-noout", "-fingerprint", "-sha256"])
        let text = line.split(separator: "=").last.map(String.init) ?? line
        fingerprint = try DTLSFingerprint.parse(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
