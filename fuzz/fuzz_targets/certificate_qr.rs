//! The certificate QR text and its 92 signed bytes, as a verifier reads them from a scan.
//! Whatever is accepted must encode back to what was read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shebao_core::certificate::{QR_PATH, SignedCertificate};

fuzz_target!(|data: &[u8]| {
    if let Ok(certificate) = SignedCertificate::from_bytes(data) {
        assert_eq!(
            certificate.to_bytes().as_slice(),
            data,
            "bytes do not round-trip"
        );
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok((origin, certificate)) = SignedCertificate::parse_qr_text(text) else {
        return;
    };
    let encoded = text.trim().rsplit_once(QR_PATH).map(|(_, encoded)| encoded);
    assert_eq!(
        Some(certificate.to_base32().as_str()),
        encoded,
        "base32 does not round-trip"
    );
    let (origin_again, again) = SignedCertificate::parse_qr_text(&certificate.qr_text(&origin))
        .unwrap_or_else(|error| panic!("a re-encoded QR text is refused: {error}"));
    assert_eq!(again, certificate);
    assert_eq!(origin_again, origin.trim_end_matches('/'));
});
