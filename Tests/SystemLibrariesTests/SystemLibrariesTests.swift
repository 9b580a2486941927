import COpenSSL
import COpus
import CSRTP
import CSndFile
import Foundation
import Testing

/// The thin system-library targets link and their shims work.
@Suite struct SystemLibrariesTests {
    @Test func opusEncodesAndDecodesOneFrameThroughShims() throws {
        var err: Int32 = 0
        let enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err)
        #expect(err == OPUS_OK)
        let encoder = try #require(enc)
        defer { opus_encoder_destroy(encoder) }
        #expect(copus_encoder_set_bitrate(encoder, 24000) == OPUS_OK)
        #expect(copus_encoder_set_inband_fec(encoder, 1) == OPUS_OK)
        var bitrate: Int32 = 0
        #expect(copus_encoder_get_bitrate(encoder, &bitrate) == OPUS_OK)
        #expect(bitrate == 24000)
        let pcm = (0..<960).map { Int16(8000 * sin(Double($0) * 2 * .pi * 440 / 48000)) }
        var packet = [UInt8](repeating: 0, count: 1500)
        let n = opus_encode(encoder, pcm, 960, &packet, 1500)
        #expect(n > 0)
        let dec = opus_decoder_create(48000, 1, &err)
        let decoder = try #require(dec)
        defer { opus_decoder_destroy(decoder) }
        var out = [Int16](repeating: 0, count: 960)
        #expect(opus_decode(decoder, packet, n, &out, 960, 0) == 960)
    }

    @Test func srtpLinksAndItsPolicyShimsWork() {
        // srtp_init itself is called once per process by the SRTP module (and tested there).
        #expect(String(cString: srtp_get_version_string()).hasPrefix("libsrtp2"))
        var policy = srtp_crypto_policy_t()
        csrtp_policy_aes_cm_128_hmac_sha1_80(&policy)
        #expect(policy.cipher_key_len == 30)
        #expect(csrtp_max_trailer_len() >= 16)
    }

    @Test func sndfileReportsVersion() {
        let version = String(cString: sf_version_string())
        #expect(version.hasPrefix("libsndfile"))
    }

    @Test func openSSLHasDTLSAndShims() throws {
        let ctx = try #require(SSL_CTX_new(DTLS_client_method()))
        defer { SSL_CTX_free(ctx) }
        let ssl = try #require(SSL_new(ctx))
        defer { SSL_free(ssl) }
        #expect(copenssl_op_no_query_mtu() != 0)
        _ = copenssl_ssl_set_options(ssl, copenssl_op_no_query_mtu())
        #expect(copenssl_dtls_set_link_mtu(ssl, 1200) == 1)
    }
}
