//! The gateway's signing keys: created on first start, kept in the database, published as the
//! key set the app trusts for response signatures.

use ed25519_dalek::SigningKey;
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

/// The key that signs responses, and the published key set.
pub struct GatewayKeys {
    response_kid: String,
    response_key: SigningKey,
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
}

/// Loads the stored keys, creating the first response key when there is none.
pub async fn load_or_create(store: &Store, now: i64) -> Result<GatewayKeys, GatewayError> {
    let mut stored = store.gateway_keys().await?;
    if !stored.iter().any(|key| key.key_use == KeyUse::Response) {
        let key = SigningKey::generate(&mut OsRng);
        let created = StoredKey {
            kid: RESPONSE_KID.to_owned(),
            key_use: KeyUse::Response,
            key_index: None,
            secret_key: sign::b64(key.as_bytes()),
            public_key: sign::public_key_b64(&key),
            not_before: now,
            not_after: now + RESPONSE_KEY_LIFETIME_SECONDS,
        };
        store.insert_gateway_key(&created).await?;
        tracing::info!(kid = RESPONSE_KID, "created the gateway response key");
        stored = store.gateway_keys().await?;
    }

    // The newest response key that is already valid signs; every key is published.
    let signer = stored
        .iter()
        .filter(|key| key.key_use == KeyUse::Response && key.not_before <= now)
        .max_by_key(|key| key.not_before)
        .ok_or(GatewayError::Key("no response key is valid yet"))?;
    let secret: [u8; 32] = sign::b64_decode(&signer.secret_key)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(GatewayError::Key("response key does not decode"))?;
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
        response_kid: signer.kid.clone(),
        response_key: SigningKey::from_bytes(&secret),
        key_set: KeySet { keys },
    })
}
