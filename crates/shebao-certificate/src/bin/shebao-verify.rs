//! `shebao-verify <certificate.png> <keys.json>`: verifies a saved 缴费证明 offline. Reads the
//! QR in the image with an independent decoder (rqrr), checks its Ed25519 signature against the
//! certificate keys of a gateway key set (the JSON of `/.well-known/shebao-keys`), and prints
//! what the signed payload says as JSON. Exit status: 0 valid, 1 not valid, 2 unusable input.

use std::process::ExitCode;

use serde_json::json;
use shebao_core::certificate::SignedCertificate;
use shebao_core::sign::verifying_key_from_b64;
use shebao_core::wire::{KeySet, KeyUse};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [image, keys] = args.as_slice() else {
        eprintln!("usage: shebao-verify <certificate.png> <keys.json>");
        return ExitCode::from(2);
    };
    match verify(image, keys) {
        Ok((report, valid)) => {
            println!("{report}");
            if valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(message) => {
            eprintln!("shebao-verify: {message}");
            ExitCode::from(2)
        }
    }
}

fn verify(image: &str, keys: &str) -> Result<(serde_json::Value, bool), String> {
    let png = std::fs::read(image).map_err(|e| format!("cannot read {image}: {e}"))?;
    let key_set: KeySet = std::fs::read(keys)
        .map_err(|e| format!("cannot read {keys}: {e}"))
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| format!("{keys}: {e}")))?;

    let qr_text = shebao_certificate::decode_qr_from_png(&png)
        .map_err(|e| format!("no readable QR code in {image}: {e}"))?;
    let Ok((origin, signed)) = SignedCertificate::parse_qr_text(&qr_text) else {
        return Ok((json!({ "qr_text": qr_text, "verdict": "malformed" }), false));
    };
    let payload = signed.payload();
    let key = key_set
        .keys
        .iter()
        .find(|k| k.key_use == KeyUse::Certificate && k.index == Some(payload.key_index))
        .and_then(|k| verifying_key_from_b64(&k.public_key).ok());
    let verdict = match key {
        None => "unknown_key",
        Some(key) if signed.verify(&key).is_ok() => "valid",
        Some(_) => "invalid_signature",
    };
    let report = json!({
        "qr_text": qr_text,
        "verify_origin": origin,
        "verdict": verdict,
        "key_index": payload.key_index,
        "number": payload.number.to_string(),
        "amount_fen": payload.amount_fen,
        "first_month": payload.first_month.to_string(),
        "last_month": payload.last_month.to_string(),
        "issued_on": payload.issued_on.to_string(),
    });
    Ok((report, verdict == "valid"))
}
