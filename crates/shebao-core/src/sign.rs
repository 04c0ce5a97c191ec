//! Protocol v1 signatures (suite `SHEBAO1-ED25519`): the strings to sign for requests and
//! responses, the header formats, and Ed25519 signing and verification over them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SUITE: &str = "SHEBAO1-ED25519";
pub const RESPONSE_SUITE: &str = "SHEBAO1-ED25519-RESPONSE";
/// How far a request's or response's `ts` may be from the verifier's clock, in seconds.
pub const WINDOW_SECONDS: i64 = 300;
/// How long the gateway remembers a `(kid, nonce)` pair, in seconds.
pub const NONCE_MEMORY_SECONDS: i64 = 600;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("malformed signature header")]
    Malformed,
    #[error("signature does not verify")]
    Invalid,
}

/// Base64url without padding, the protocol's encoding for keys, nonces and signatures.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn b64_decode(text: &str) -> Result<Vec<u8>, SignError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| SignError::Malformed)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// 16 random bytes, base64url (22 characters).
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    b64(&bytes)
}

pub fn public_key_b64(key: &SigningKey) -> String {
    b64(key.verifying_key().as_bytes())
}

pub fn verifying_key_from_b64(text: &str) -> Result<VerifyingKey, SignError> {
    let bytes: [u8; 32] = b64_decode(text)?
        .try_into()
        .map_err(|_| SignError::Malformed)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| SignError::Malformed)
}

/// The parts of a request that its signature covers.
#[derive(Debug, Clone)]
pub struct RequestParts<'a> {
    pub method: &'a str,
    /// The `Host` header as sent; lower-cased here.
    pub host: &'a str,
    /// Path and query, byte for byte as sent.
    pub target: &'a str,
    pub ts: i64,
    pub nonce: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub body: &'a [u8],
}

impl RequestParts<'_> {
    /// The eight lines of the request string to sign, each ending in `\n`.
    pub fn string_to_sign(&self) -> String {
        format!(
            "{SUITE}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
            self.method.to_ascii_uppercase(),
            self.host.to_ascii_lowercase(),
            self.target,
            self.ts,
            self.nonce,
            self.idempotency_key.unwrap_or(""),
            sha256_hex(self.body),
        )
    }

    pub fn sign(&self, key: &SigningKey) -> String {
        b64(&key.sign(self.string_to_sign().as_bytes()).to_bytes())
    }

    pub fn verify(&self, key: &VerifyingKey, sig: &str) -> Result<(), SignError> {
        verify_b64(key, self.string_to_sign().as_bytes(), sig)
    }
}

/// The parts of a response that its signature covers.
#[derive(Debug, Clone)]
pub struct ResponseParts<'a> {
    pub status: u16,
    /// The nonce of the request this answers.
    pub request_nonce: &'a str,
    pub ts: i64,
    pub request_id: &'a str,
    pub body: &'a [u8],
}

impl ResponseParts<'_> {
    pub fn string_to_sign(&self) -> String {
        format!(
            "{RESPONSE_SUITE}\n{}\n{}\n{}\n{}\n{}\n",
            self.status,
            self.request_nonce,
            self.ts,
            self.request_id,
            sha256_hex(self.body),
        )
    }

    pub fn sign(&self, key: &SigningKey) -> String {
        b64(&key.sign(self.string_to_sign().as_bytes()).to_bytes())
    }

    pub fn verify(&self, key: &VerifyingKey, sig: &str) -> Result<(), SignError> {
        verify_b64(key, self.string_to_sign().as_bytes(), sig)
    }
}

fn verify_b64(key: &VerifyingKey, message: &[u8], sig: &str) -> Result<(), SignError> {
    let bytes: [u8; 64] = b64_decode(sig)?
        .try_into()
        .map_err(|_| SignError::Malformed)?;
    key.verify(message, &Signature::from_bytes(&bytes))
        .map_err(|_| SignError::Invalid)
}

/// `Authorization: SHEBAO1-ED25519 kid=..,ts=..,nonce=..,sig=..`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationHeader {
    pub kid: String,
    pub ts: i64,
    pub nonce: String,
    pub sig: String,
}

impl AuthorizationHeader {
    pub fn to_header_value(&self) -> String {
        format!(
            "{SUITE} kid={},ts={},nonce={},sig={}",
            self.kid, self.ts, self.nonce, self.sig
        )
    }

    /// Parses the header strictly: suite, one space, the four parameters in order, no spaces.
    pub fn parse(value: &str) -> Result<Self, SignError> {
        let params = value
            .strip_prefix(SUITE)
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or(SignError::Malformed)?;
        let [kid, ts, nonce, sig] = parse_params(params, ["kid", "ts", "nonce", "sig"])?;
        let kid_ok = !kid.is_empty()
            && kid.len() <= 64
            && kid
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let nonce_ok = nonce.len() == 22 && b64_decode(nonce).is_ok_and(|n| n.len() == 16);
        let sig_ok = sig.len() == 86;
        if !kid_ok || !nonce_ok || !sig_ok {
            return Err(SignError::Malformed);
        }
        Ok(Self {
            kid: kid.to_owned(),
            ts: parse_ts(ts)?,
            nonce: nonce.to_owned(),
            sig: sig.to_owned(),
        })
    }
}

/// `Shebao-Signature: SHEBAO1-ED25519 kid=..,ts=..,sig=..`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseSignatureHeader {
    pub kid: String,
    pub ts: i64,
    pub sig: String,
}

impl ResponseSignatureHeader {
    pub fn to_header_value(&self) -> String {
        format!("{SUITE} kid={},ts={},sig={}", self.kid, self.ts, self.sig)
    }

    pub fn parse(value: &str) -> Result<Self, SignError> {
        let params = value
            .strip_prefix(SUITE)
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or(SignError::Malformed)?;
        let [kid, ts, sig] = parse_params(params, ["kid", "ts", "sig"])?;
        Ok(Self {
            kid: kid.to_owned(),
            ts: parse_ts(ts)?,
            sig: sig.to_owned(),
        })
    }
}

fn parse_params<'a, const N: usize>(
    params: &'a str,
    names: [&str; N],
) -> Result<[&'a str; N], SignError> {
    let mut values = [""; N];
    let mut parts = params.split(',');
    for (value, name) in values.iter_mut().zip(names) {
        let part = parts.next().ok_or(SignError::Malformed)?;
        *value = part
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('='))
            .ok_or(SignError::Malformed)?;
        if value.is_empty() || value.contains(' ') {
            return Err(SignError::Malformed);
        }
    }
    if parts.next().is_some() {
        return Err(SignError::Malformed);
    }
    Ok(values)
}

fn parse_ts(text: &str) -> Result<i64, SignError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > 12 {
        return Err(SignError::Malformed);
    }
    text.parse().map_err(|_| SignError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    fn vector_key() -> SigningKey {
        let bytes: [u8; 32] = hex::decode(SECRET).unwrap().try_into().unwrap();
        SigningKey::from_bytes(&bytes)
    }

    #[test]
    fn should_derive_the_vector_public_key() {
        assert_eq!(
            public_key_b64(&vector_key()),
            "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
        );
    }

    #[test]
    fn should_reproduce_the_post_request_vector() {
        let body = br#"{"payable_ids":["pay_01"]}"#;
        assert_eq!(
            sha256_hex(body),
            "ac76a5f9be9392f064fbdbbc39980ad6527bcd5b9e614cb53520dd85b21f6a18"
        );
        let parts = RequestParts {
            method: "POST",
            host: "127.0.0.1:8080",
            target: "/v1/declarations",
            ts: 1767225600,
            nonce: "AAECAwQFBgcICQoLDA0ODw",
            idempotency_key: Some("3f1c6c2e-5a7b-4c8e-9d0f-1a2b3c4d5e6f"),
            body,
        };
        let sig = parts.sign(&vector_key());
        assert_eq!(
            sig,
            "fev7r6gecnRmc0CFgU0WFmi27THtOqNE04uev7vpKdh0VlRlmO4XpnaF7FwOBKjXZ2FLTALqTh1PAN0oXBxSCw"
        );
        parts.verify(&vector_key().verifying_key(), &sig).unwrap();
    }

    #[test]
    fn should_reproduce_the_get_request_vector() {
        let parts = RequestParts {
            method: "GET",
            host: "gw.example.cn",
            target: "/v1/payment-orders/ord_7?wait=25",
            ts: 1767225601,
            nonce: "EBESExQVFhcYGRobHB0eHw",
            idempotency_key: None,
            body: b"",
        };
        assert!(
            parts.string_to_sign().ends_with(
                "\n\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            )
        );
        assert_eq!(
            parts.sign(&vector_key()),
            "ts5PFwy1hcdOZJAOvbQh9zcq-nNV-dGYOXKw7XH7JjdIh4zA7FSAn5P2WV9eourhFtLq6_NEf3zldH3pGWYyBA"
        );
    }

    #[test]
    fn should_reproduce_the_response_vector() {
        let parts = ResponseParts {
            status: 201,
            request_nonce: "AAECAwQFBgcICQoLDA0ODw",
            ts: 1767225602,
            request_id: "req_01",
            body: br#"{"id":"dec_01"}"#,
        };
        assert_eq!(
            parts.sign(&vector_key()),
            "1W8Jfs2QGWVe7xZmoGEFZF_ps5k1isXqoWqdFDIVkwIBoCCtWH8Ec0CbGkxY4VrLX4S-gWCq5WYYRu11SKC5Cw"
        );
    }

    #[test]
    fn should_refuse_a_tampered_body() {
        let key = vector_key();
        let mut parts = RequestParts {
            method: "POST",
            host: "127.0.0.1:8080",
            target: "/v1/declarations",
            ts: 1767225600,
            nonce: "AAECAwQFBgcICQoLDA0ODw",
            idempotency_key: None,
            body: b"{}",
        };
        let sig = parts.sign(&key);
        parts.body = b"{ }";
        assert_eq!(
            parts.verify(&key.verifying_key(), &sig),
            Err(SignError::Invalid)
        );
    }

    #[test]
    fn should_round_trip_the_authorization_header() {
        let header = AuthorizationHeader {
            kid: "dev_01".into(),
            ts: 1767225600,
            nonce: "AAECAwQFBgcICQoLDA0ODw".into(),
            sig: "fev7r6gecnRmc0CFgU0WFmi27THtOqNE04uev7vpKdh0VlRlmO4XpnaF7FwOBKjXZ2FLTALqTh1PAN0oXBxSCw"
                .into(),
        };
        let value = header.to_header_value();
        assert_eq!(AuthorizationHeader::parse(&value), Ok(header));
    }

    #[test]
    fn should_refuse_headers_with_spaces_or_reordered_parameters() {
        let good = "SHEBAO1-ED25519 kid=dev_01,ts=1,nonce=AAECAwQFBgcICQoLDA0ODw,sig=fev7r6gecnRmc0CFgU0WFmi27THtOqNE04uev7vpKdh0VlRlmO4XpnaF7FwOBKjXZ2FLTALqTh1PAN0oXBxSCw";
        assert!(AuthorizationHeader::parse(good).is_ok());
        for bad in [
            good.replace(",ts", ", ts"),
            good.replace("kid=dev_01,ts=1", "ts=1,kid=dev_01"),
            good.replace("SHEBAO1-ED25519 ", "SHEBAO1-ED25519  "),
            good.replace("ts=1", "ts=-1"),
            good.replace("kid=dev_01", "kid=dev.01"),
            format!("{good},extra=1"),
        ] {
            assert_eq!(
                AuthorizationHeader::parse(&bad),
                Err(SignError::Malformed),
                "{bad}"
            );
        }
    }
}
