//! 验真 in the app: read the QR of a certificate image, check its signature against the
//! certificate keys the app trusts, then ask the gateway for the certificate's status
//! (`GET /C/{payload}` with `Accept: application/json`, see docs/api.md). Each way an image
//! can fail gets its own verdict: no QR at all, a QR that is no certificate's, a certificate
//! QR whose payload was changed (tampered), one signed with a key index the app does not know.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use shebao_client::TrustedKeys;
use shebao_core::certificate::{QR_PATH, SignedCertificate};
use shebao_core::{Amount, YearMonth};

/// What verifying an image found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Signature verified and the gateway says the certificate is valid.
    Valid,
    /// Signature verified; the gateway says its payment was refunded.
    Refunded,
    /// Signature verified; a newer certificate replaced it.
    Superseded,
    /// Signature verified, but the gateway issued no certificate with this content.
    NotFound,
    /// Signature verified; the gateway could not be asked for the status.
    StatusUnavailable,
    /// A certificate QR whose payload does not match its signature (or no longer parses).
    Tampered,
    /// Signed with a certificate key index the app does not trust.
    UnknownKey,
    /// A QR code, but not a certificate's.
    NotACertificate,
    /// No readable QR code in the image (or not an image at all).
    NoQrCode,
}

/// The verdict with what the signed payload says (only when its signature verified).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Verification {
    pub verdict: Verdict,
    pub number: Option<String>,
    pub amount: Option<Amount>,
    pub period_start: Option<YearMonth>,
    pub period_end: Option<YearMonth>,
    pub issued_on: Option<chrono::NaiveDate>,
    pub key_index: Option<u8>,
    /// The verification origin written in the QR (lower case), when it is a certificate QR.
    pub verify_origin: Option<String>,
    /// The origin is this machine's loopback (the sandbox's own address): a phone scanning
    /// the QR cannot reach it.
    pub origin_local_only: bool,
}

impl Verification {
    fn refused(verdict: Verdict, verify_origin: Option<String>) -> Self {
        let origin_local_only = verify_origin.as_deref().is_some_and(is_loopback);
        Self {
            verdict,
            number: None,
            amount: None,
            period_start: None,
            period_end: None,
            issued_on: None,
            key_index: None,
            verify_origin,
            origin_local_only,
        }
    }
}

/// The local part: the QR and the signature. `Ok` holds a certificate whose signature
/// verified, to be looked up at the gateway; `Err` is the final verdict.
pub fn check_image(
    image: &[u8],
    trusted: &TrustedKeys,
) -> Result<(SignedCertificate, Verification), Verification> {
    let text = shebao_certificate::decode_qr_from_png(image)
        .map_err(|_| Verification::refused(Verdict::NoQrCode, None))?;
    check_qr_text(&text, trusted)
}

/// [`check_image`] on a QR text already read.
pub fn check_qr_text(
    text: &str,
    trusted: &TrustedKeys,
) -> Result<(SignedCertificate, Verification), Verification> {
    let Some((claimed_origin, _)) = text.trim().rsplit_once(QR_PATH) else {
        return Err(Verification::refused(Verdict::NotACertificate, None));
    };
    let claimed_origin = claimed_origin.to_ascii_lowercase();
    if !claimed_origin.starts_with("http://") && !claimed_origin.starts_with("https://") {
        return Err(Verification::refused(Verdict::NotACertificate, None));
    }
    // A link of the certificate form whose payload no longer parses was changed.
    let (origin, signed) = SignedCertificate::parse_qr_text(text)
        .map_err(|_| Verification::refused(Verdict::Tampered, Some(claimed_origin.clone())))?;
    let origin = origin.to_ascii_lowercase();
    let payload = *signed.payload();
    let Some(key) = trusted.certificate_key(payload.key_index) else {
        let mut refused = Verification::refused(Verdict::UnknownKey, Some(origin));
        refused.key_index = Some(payload.key_index);
        return Err(refused);
    };
    if signed.verify(key).is_err() {
        return Err(Verification::refused(Verdict::Tampered, Some(origin)));
    }
    let origin_local_only = is_loopback(&origin);
    let verification = Verification {
        verdict: Verdict::StatusUnavailable,
        number: Some(payload.number.to_string()),
        amount: Some(Amount::from_fen(i64::from(payload.amount_fen))),
        period_start: Some(payload.first_month),
        period_end: Some(payload.last_month),
        issued_on: Some(payload.issued_on),
        key_index: Some(payload.key_index),
        verify_origin: Some(origin),
        origin_local_only,
    };
    Ok((signed, verification))
}

/// The gateway's verdict, as `GET /C/{payload}` answers it in JSON.
#[derive(Deserialize)]
struct GatewayVerification {
    verdict: String,
}

/// Asks the gateway the app talks to for the certificate's status. Any failure (network, an
/// answer that does not parse) leaves [`Verdict::StatusUnavailable`].
pub async fn gateway_status(gateway_origin: &str, signed: &SignedCertificate) -> Verdict {
    let url = format!(
        "{}{QR_PATH}{}",
        gateway_origin.trim_end_matches('/'),
        signed.to_base32()
    );
    let answer = async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?;
        client
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await?
            .error_for_status()?
            .json::<GatewayVerification>()
            .await
    }
    .await;
    match answer {
        Ok(answer) => gateway_verdict(&answer.verdict),
        Err(error) => {
            tracing::warn!(%error, "certificate status not available");
            Verdict::StatusUnavailable
        }
    }
}

/// The gateway's verdict word, for a certificate whose signature the app already verified.
fn gateway_verdict(word: &str) -> Verdict {
    match word {
        "valid" => Verdict::Valid,
        "refunded" => Verdict::Refunded,
        "superseded" => Verdict::Superseded,
        "not_found" => Verdict::NotFound,
        // The gateway refusing a signature the app accepted: it publishes other keys.
        "invalid_signature" => Verdict::Tampered,
        "unknown_key" => Verdict::UnknownKey,
        _ => Verdict::StatusUnavailable,
    }
}

/// `http://127.0.0.1:…`, `http://localhost…`, `http://[::1]…`: reachable from this machine only.
pub fn is_loopback(origin: &str) -> bool {
    reqwest::Url::parse(origin)
        .is_ok_and(|url| matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;
    use shebao_core::certificate::CertificatePayload;
    use shebao_core::wire::{KeySet, KeyUse, PublicKeyEntry};

    fn signing_key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn trusted(index: u8) -> TrustedKeys {
        let entry = |kid: &str, key_use, index, key: &SigningKey| PublicKeyEntry {
            kid: kid.into(),
            key_use,
            index,
            public_key: shebao_core::sign::public_key_b64(key),
            not_before: "2025-01-01T00:00:00Z".into(),
            not_after: "2035-01-01T00:00:00Z".into(),
        };
        let response = SigningKey::from_bytes(&[9u8; 32]);
        TrustedKeys::from_key_set(&KeySet {
            keys: vec![
                entry("gw-1", KeyUse::Response, None, &response),
                entry(
                    "gw-cert-1",
                    KeyUse::Certificate,
                    Some(index),
                    &signing_key(),
                ),
            ],
        })
        .unwrap()
    }

    fn signed(key_index: u8) -> SignedCertificate {
        CertificatePayload {
            key_index,
            number: 20250000000001,
            amount_fen: 99100,
            first_month: "2025-06".parse().unwrap(),
            last_month: "2025-06".parse().unwrap(),
            issued_on: chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap(),
            holder_tag: [1; 8],
        }
        .sign(&signing_key())
        .unwrap()
    }

    #[test]
    fn should_accept_a_signed_qr_and_read_its_fields() {
        let text = signed(1).qr_text("http://127.0.0.1:8787");
        let (_, found) = check_qr_text(&text, &trusted(1)).unwrap();
        assert_eq!(found.number.as_deref(), Some("20250000000001"));
        assert_eq!(found.amount, Some(Amount::from_fen(99100)));
        assert_eq!(
            found.verify_origin.as_deref(),
            Some("http://127.0.0.1:8787")
        );
        assert!(found.origin_local_only);
    }

    #[test]
    fn should_call_a_changed_payload_tampered() {
        let good = signed(1);
        let mut bytes = good.to_bytes();
        bytes[13] ^= 0x01; // the amount's last byte
        let changed = SignedCertificate::from_bytes(&bytes).unwrap();
        let text = changed.qr_text("https://v.example.cn");
        let refused = check_qr_text(&text, &trusted(1)).unwrap_err();
        assert_eq!(refused.verdict, Verdict::Tampered);
        assert_eq!(
            refused.number, None,
            "no field of an unverified payload is shown"
        );
        assert!(!refused.origin_local_only);
    }

    #[test]
    fn should_call_an_unparsable_certificate_link_tampered() {
        let text = "HTTPS://V.EXAMPLE.CN/C/AAAA";
        let refused = check_qr_text(text, &trusted(1)).unwrap_err();
        assert_eq!(refused.verdict, Verdict::Tampered);
    }

    #[test]
    fn should_name_an_unknown_key_index() {
        let text = signed(3).qr_text("https://v.example.cn");
        let refused = check_qr_text(&text, &trusted(1)).unwrap_err();
        assert_eq!(refused.verdict, Verdict::UnknownKey);
        assert_eq!(refused.key_index, Some(3));
    }

    #[test]
    fn should_say_a_pay_link_is_not_a_certificate() {
        let refused = check_qr_text(
            "http://127.0.0.1:1/sandbox/unionpay/cashier/att_1",
            &trusted(1),
        )
        .unwrap_err();
        assert_eq!(refused.verdict, Verdict::NotACertificate);
        let refused = check_qr_text("WIFI:S:home;;", &trusted(1)).unwrap_err();
        assert_eq!(refused.verdict, Verdict::NotACertificate);
    }

    #[test]
    fn should_say_when_there_is_no_qr_code_or_no_image() {
        let refused = check_image(b"not an image", &trusted(1)).unwrap_err();
        assert_eq!(refused.verdict, Verdict::NoQrCode);
    }

    #[test]
    fn should_map_the_gateway_verdicts() {
        assert_eq!(gateway_verdict("valid"), Verdict::Valid);
        assert_eq!(gateway_verdict("refunded"), Verdict::Refunded);
        assert_eq!(gateway_verdict("superseded"), Verdict::Superseded);
        assert_eq!(gateway_verdict("not_found"), Verdict::NotFound);
        assert_eq!(gateway_verdict("something new"), Verdict::StatusUnavailable);
    }

    #[test]
    fn should_know_loopback_origins() {
        assert!(is_loopback("http://127.0.0.1:8787"));
        assert!(is_loopback("http://localhost:1"));
        assert!(is_loopback("http://[::1]:1"));
        assert!(!is_loopback("https://v.example.cn"));
        assert!(!is_loopback("http://192.168.1.2:8787"));
    }
}
