//! The gateway's signing keys: created on first start, kept in the database, published as the
//! key set the app trusts for response signatures and certificate payloads.

use std::collections::HashMap;

use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use shebao_core::sign::{self, ResponseParts, ResponseSignatureHeader};
use shebao_core::wire::{KeySet, KeyUse, PublicKeyEntry};

use crate::GatewayError;
use crate::clock::rfc3339;
use crate::store::{Store, StoredKey};

/// The first response key's id.
const RESPONSE_KID: &str = "gw-resp-1";
/// How long a new response key is valid.
const RESPONSE_KEY_LIFETIME_SECONDS: i64 = 10 * 365 * 24 * 3600;
/// The first certificate key's id and its index in the certificate QR payload.
const CERTIFICATE_KID: &str = "gw-cert-1";
const CERTIFICATE_KEY_INDEX: u8 = 1;
/// How long a new certificate key signs certificates.
const CERTIFICATE_KEY_LIFETIME_SECONDS: i64 = 10 * 365 * 24 * 3600;

/// The keys that sign responses and certificates, and the published key set.
pub struct GatewayKeys {
    response_kid: String,
    response_key: SigningKey,
    certificate_index: u8,
    certificate_key: SigningKey,
    /// Every published certificate key by its index, for verifying certificates issued with
    /// older keys too.
    certificate_keys: HashMap<u8, VerifyingKey>,
    pub key_set: KeySet,
}

impl GatewayKeys {
    /// The `Shebao-Signature` header value for a response.
    pub fn sign_response(&self, parts: &ResponseParts<'_>) -> String {
        ResponseSignatureHeader {
            kid: self.response_kid.clone(),
            ts: parts.ts,
            sig: parts.sign(&self.response_key),
        }
        .to_header_value()
    }

    /// The key new certificates are signed with, and its index in the key set.
    pub fn certificate_signer(&self) -> (u8, &SigningKey) {
        (self.certificate_index, &self.certificate_key)
    }

    /// The published certificate key with this index.
    pub fn certificate_key(&self, index: u8) -> Option<&VerifyingKey> {
        self.certificate_keys.get(&index)
    }
}

/// A new key of `key_use`, valid from `now` for `lifetime` seconds.
fn new_key(
    kid: &str,
    key_use: KeyUse,
    key_index: Option<u8>,
    now: i64,
    lifetime: i64,
) -> StoredKey {
    let key = SigningKey::generate(&mut OsRng);
    StoredKey {
        kid: kid.to_owned(),
        key_use,
        key_index,
        secret_key: sign::b64(key.as_bytes()),
        public_key: sign::public_key_b64(&key),
        not_before: now,
        not_after: now + lifetime,
    }
}

/// The newest key of `key_use` that is already valid.
fn signer(stored: &[StoredKey], key_use: KeyUse, now: i64) -> Option<&StoredKey> {
    stored
        .iter()
        .filter(|key| key.key_use == key_use && key.not_before <= now)
        .max_by_key(|key| key.not_before)
}

fn secret(key: &StoredKey, unusable: &'static str) -> Result<SigningKey, GatewayError> {
    let secret: [u8; 32] = sign::b64_decode(&key.secret_key)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(GatewayError::Key(unusable))?;
    Ok(SigningKey::from_bytes(&secret))
}

/// Loads the stored keys, creating the first response key and the first certificate key when
/// there is none (a database from before certificates gets its certificate key here).
pub async fn load_or_create(store: &Store, now: i64) -> Result<GatewayKeys, GatewayError> {
    let mut stored = store.gateway_keys().await?;
    let mut attempted = false;
    if !stored.iter().any(|key| key.key_use == KeyUse::Response) {
        let key = new_key(
            RESPONSE_KID,
            KeyUse::Response,
            None,
            now,
            RESPONSE_KEY_LIFETIME_SECONDS,
        );
        if store.insert_gateway_key(&key).await? {
            tracing::info!(kid = RESPONSE_KID, "created the gateway response key");
        }
        attempted = true;
    }
    if !stored.iter().any(|key| key.key_use == KeyUse::Certificate) {
        let key = new_key(
            CERTIFICATE_KID,
            KeyUse::Certificate,
            Some(CERTIFICATE_KEY_INDEX),
            now,
            CERTIFICATE_KEY_LIFETIME_SECONDS,
        );
        if store.insert_gateway_key(&key).await? {
            tracing::info!(kid = CERTIFICATE_KID, "created the gateway certificate key");
        }
        attempted = true;
    }
    // Reread even when another gateway won the race to create a key: its key is the one.
    if attempted {
        stored = store.gateway_keys().await?;
    }

    // The newest key of each use that is already valid signs; every key is published.
    let response = signer(&stored, KeyUse::Response, now)
        .ok_or(GatewayError::Key("no response key is valid yet"))?;
    let certificate = signer(&stored, KeyUse::Certificate, now)
        .ok_or(GatewayError::Key("no certificate key is valid yet"))?;
    let certificate_index = certificate
        .key_index
        .ok_or(GatewayError::Key("a certificate key has no index"))?;
    let mut certificate_keys = HashMap::new();
    for key in stored
        .iter()
        .filter(|key| key.key_use == KeyUse::Certificate)
    {
        let index = key
            .key_index
            .ok_or(GatewayError::Key("a certificate key has no index"))?;
        let public = sign::verifying_key_from_b64(&key.public_key)
            .map_err(|_| GatewayError::Key("certificate public key does not decode"))?;
        if certificate_keys.insert(index, public).is_some() {
            return Err(GatewayError::Key("two certificate keys share an index"));
        }
    }
    let keys = stored
        .iter()
        .map(|key| PublicKeyEntry {
            kid: key.kid.clone(),
            key_use: key.key_use.clone(),
            index: key.key_index,
            public_key: key.public_key.clone(),
            not_before: rfc3339(key.not_before),
            not_after: rfc3339(key.not_after),
        })
        .collect();
    Ok(GatewayKeys {
        response_kid: response.kid.clone(),
        response_key: secret(response, "response key does not decode")?,
        certificate_index,
        certificate_key: secret(certificate, "certificate key does not decode")?,
        certificate_keys,
        key_set: KeySet { keys },
    })
}
