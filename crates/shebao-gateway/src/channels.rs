//! What the gateway and payment channels agree on: the payment notification a channel sends,
//! signed with the channel's Ed25519 key over the exact body bytes.

use std::collections::HashMap;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use shebao_core::Amount;
use shebao_core::sign;
use shebao_core::wire::Channel;

use crate::GatewayError;
use crate::store::Store;

/// `Channel-Signature: <base64url Ed25519 signature over the body bytes>`.
pub const SIGNATURE_HEADER: &str = "channel-signature";

/// A channel's report that it took the money for an attempt.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentNotification {
    pub attempt_id: String,
    /// The channel's own transaction id; notifications are deduplicated on it.
    pub channel_txn_id: String,
    pub amount: Amount,
    /// RFC 3339.
    pub paid_at: String,
}

pub fn sign_body(key: &SigningKey, body: &[u8]) -> String {
    sign::b64(&key.sign(body).to_bytes())
}

pub fn verify_body(key: &VerifyingKey, body: &[u8], signature: &str) -> bool {
    let Ok(bytes) = sign::b64_decode(signature) else {
        return false;
    };
    let Ok(bytes) = <[u8; 64]>::try_from(bytes) else {
        return false;
    };
    key.verify(body, &Signature::from_bytes(&bytes)).is_ok()
}

/// The public keys of the channels whose notifications the gateway accepts.
#[derive(Debug, Default)]
pub struct ChannelKeys(HashMap<Channel, VerifyingKey>);

impl ChannelKeys {
    pub async fn load(store: &Store) -> Result<Self, GatewayError> {
        let mut keys = HashMap::new();
        for (channel, public_key) in store.channel_public_keys().await? {
            let channel: Channel =
                match serde_json::from_value(serde_json::Value::String(channel.clone())) {
                    Ok(channel) => channel,
                    Err(_) => {
                        tracing::warn!(%channel, "ignoring the key of an unknown channel");
                        continue;
                    }
                };
            let key = sign::verifying_key_from_b64(&public_key)
                .map_err(|_| GatewayError::Key("channel public key does not decode"))?;
            keys.insert(channel, key);
        }
        Ok(Self(keys))
    }

    pub fn get(&self, channel: Channel) -> Option<&VerifyingKey> {
        self.0.get(&channel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_verify_only_the_signed_bytes() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let signature = sign_body(&key, b"{\"a\":1}");
        assert!(verify_body(&key.verifying_key(), b"{\"a\":1}", &signature));
        assert!(!verify_body(&key.verifying_key(), b"{\"a\":2}", &signature));
        assert!(!verify_body(
            &key.verifying_key(),
            b"{\"a\":1}",
            "not-a-signature"
        ));
    }
}
