//! The device key in the OS keyring (Secret Service on Linux, Keychain, Windows Credential
//! Manager). Without a keyring the key lives in memory until the app quits; it is never
//! written to a plain file.

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use shebao_core::sign;
use zeroize::Zeroizing;

const SERVICE: &str = "cn.shebao.app";

/// Where the device key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretStoreKind {
    /// The OS keyring.
    Os,
    /// No keyring could be reached: the key lasts until the app quits.
    SessionOnly,
}

/// A device enrolled with one gateway.
pub struct DeviceCredential {
    pub device_id: String,
    pub key: SigningKey,
}

#[derive(Serialize, Deserialize)]
struct StoredDevice {
    device_id: String,
    secret: String,
}

/// Looks up the device enrolled with the gateway identified by `gateway_fingerprint`.
/// `Err` means the keyring can't be used at all.
pub fn load_device(gateway_fingerprint: &str) -> Result<Option<DeviceCredential>, keyring::Error> {
    let entry = keyring::Entry::new(SERVICE, &account(gateway_fingerprint))?;
    let text = match entry.get_password() {
        Ok(text) => Zeroizing::new(text),
        Err(keyring::Error::NoEntry) => return Ok(None),
        Err(error) => return Err(error),
    };
    let Ok(stored) = serde_json::from_str::<StoredDevice>(&text) else {
        tracing::warn!("stored device credential does not parse; enrolling again");
        return Ok(None);
    };
    let secret = Zeroizing::new(sign::b64_decode(&stored.secret).unwrap_or_default());
    let Ok(bytes) = <[u8; 32]>::try_from(secret.as_slice()) else {
        tracing::warn!("stored device key has the wrong length; enrolling again");
        return Ok(None);
    };
    Ok(Some(DeviceCredential {
        device_id: stored.device_id,
        key: SigningKey::from_bytes(&bytes),
    }))
}

pub fn save_device(
    gateway_fingerprint: &str,
    device: &DeviceCredential,
) -> Result<(), keyring::Error> {
    let entry = keyring::Entry::new(SERVICE, &account(gateway_fingerprint))?;
    let stored = StoredDevice {
        device_id: device.device_id.clone(),
        secret: sign::b64(device.key.as_bytes()),
    };
    let text = Zeroizing::new(serde_json::to_string(&stored).unwrap_or_default());
    entry.set_password(&text)
}

fn account(gateway_fingerprint: &str) -> String {
    format!("device:{gateway_fingerprint}")
}
