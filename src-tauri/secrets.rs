//! Secrets on this device: the device key and each remembered person's identity token. They
//! live in the OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows) behind [`SecretStore`]. Without a keyring they live in memory until the app quits;
//! they are never written to a plain file.

use std::sync::Arc;

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use shebao_core::sign;
use zeroize::Zeroizing;

/// The keyring "service" every entry of this app is filed under.
const SERVICE: &str = "cn.shebao.app";

/// Where the secrets are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SecretStoreKind {
    /// The OS keyring.
    Os,
    /// No keyring could be reached: secrets last until the app quits.
    SessionOnly,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No keyring on this machine (or it is locked): the caller falls back to memory.
    #[error("keyring unavailable: {0}")]
    Unavailable(String),
}

/// A place for small secrets, one text per account name.
pub trait SecretStore: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, SecretError>;
    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError>;
    /// Removes the secret; removing one that is not there is not an error.
    fn delete(&self, account: &str) -> Result<(), SecretError>;
}

/// The OS keyring through `keyring` 4 (its `v1` store choice: Keychain on macOS, Credential
/// Manager on Windows, the Secret Service on other Unix systems).
// LIMITATION: keyring 4's v1 stores do not cover Android and iOS; there the app keeps secrets for the session only.
pub struct KeyringStore;

impl KeyringStore {
    fn entry(account: &str) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, account).map_err(unavailable)
    }
}

fn unavailable(error: keyring::Error) -> SecretError {
    SecretError::Unavailable(error.to_string())
}

impl SecretStore for KeyringStore {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, SecretError> {
        match Self::entry(account)?.get_password() {
            Ok(text) => Ok(Some(Zeroizing::new(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(unavailable(error)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        Self::entry(account)?
            .set_password(secret)
            .map_err(unavailable)
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(unavailable(error)),
        }
    }
}

/// Secrets in a map, for unit tests only.
#[cfg(test)]
#[derive(Default)]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

#[cfg(test)]
impl MemoryStore {
    pub fn accounts(&self) -> Vec<String> {
        self.entries
            .lock()
            .map(|entries| entries.keys().cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<Zeroizing<String>>, SecretError> {
        let entries = self.entries.lock().map_err(|_| poisoned())?;
        Ok(entries
            .get(account)
            .map(|text| Zeroizing::new(text.clone())))
    }

    fn set(&self, account: &str, secret: &str) -> Result<(), SecretError> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        entries.insert(account.to_owned(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, account: &str) -> Result<(), SecretError> {
        let mut entries = self.entries.lock().map_err(|_| poisoned())?;
        entries.remove(account);
        Ok(())
    }
}

#[cfg(test)]
fn poisoned() -> SecretError {
    SecretError::Unavailable("memory store poisoned".into())
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

/// A remembered person's identity token and the masked summary the app shows for them.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredPerson {
    pub identity_token: String,
    pub name_masked: String,
    pub id_number_masked: String,
    /// Whether the gateway found them insured at confirmation (entries written before this
    /// was kept say yes; the payables list tells the rest).
    #[serde(default = "insured_by_default")]
    pub insured: bool,
}

fn insured_by_default() -> bool {
    true
}

impl std::fmt::Debug for StoredPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredPerson")
            .field("id_number_masked", &self.id_number_masked)
            .finish_non_exhaustive()
    }
}

/// The app's secrets for one gateway, over a store.
#[derive(Clone)]
pub struct Secrets {
    store: Arc<dyn SecretStore>,
    gateway: String,
}

impl Secrets {
    /// `gateway` is the gateway's fingerprint: each gateway has its own device and tokens.
    pub fn new(store: Arc<dyn SecretStore>, gateway: &str) -> Self {
        Self {
            store,
            gateway: gateway.to_owned(),
        }
    }

    pub fn store(&self) -> Arc<dyn SecretStore> {
        self.store.clone()
    }

    fn device_account(&self) -> String {
        format!("device:{}", self.gateway)
    }

    fn person_account(&self, person_id: &str) -> String {
        format!("identity:{}:{person_id}", self.gateway)
    }

    /// The device enrolled with this gateway. `Err` means the keyring can't be used at all.
    pub fn load_device(&self) -> Result<Option<DeviceCredential>, SecretError> {
        let Some(text) = self.store.get(&self.device_account())? else {
            return Ok(None);
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

    pub fn save_device(&self, device: &DeviceCredential) -> Result<(), SecretError> {
        let stored = StoredDevice {
            device_id: device.device_id.clone(),
            secret: sign::b64(device.key.as_bytes()),
        };
        let text = Zeroizing::new(serde_json::to_string(&stored).unwrap_or_default());
        self.store.set(&self.device_account(), &text)
    }

    pub fn delete_device(&self) -> Result<(), SecretError> {
        self.store.delete(&self.device_account())
    }

    pub fn load_person(&self, person_id: &str) -> Result<Option<StoredPerson>, SecretError> {
        let Some(text) = self.store.get(&self.person_account(person_id))? else {
            return Ok(None);
        };
        Ok(serde_json::from_str(&text).ok())
    }

    pub fn save_person(&self, person_id: &str, person: &StoredPerson) -> Result<(), SecretError> {
        let text = Zeroizing::new(serde_json::to_string(person).unwrap_or_default());
        self.store.set(&self.person_account(person_id), &text)
    }

    pub fn delete_person(&self, person_id: &str) -> Result<(), SecretError> {
        self.store.delete(&self.person_account(person_id))
    }
}

/// A natural person's login on this device (个人办税登录): the session token of
/// `POST /v1/sessions`, when it ends, and who it belongs to (masked only).
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredAccountSession {
    pub session_token: String,
    /// RFC 3339, as the gateway answered it.
    pub expires_at: String,
    pub id_type: shebao_core::IdType,
    pub id_number_masked: String,
}

impl std::fmt::Debug for StoredAccountSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredAccountSession")
            .field("expires_at", &self.expires_at)
            .field("id_number_masked", &self.id_number_masked)
            .finish_non_exhaustive()
    }
}

impl Secrets {
    fn account_session_account(&self) -> String {
        format!("session:{}", self.gateway)
    }

    /// The natural person logged in on this device with this gateway, if any.
    pub fn load_account_session(&self) -> Result<Option<StoredAccountSession>, SecretError> {
        let Some(text) = self.store.get(&self.account_session_account())? else {
            return Ok(None);
        };
        Ok(serde_json::from_str(&text).ok())
    }

    pub fn save_account_session(&self, session: &StoredAccountSession) -> Result<(), SecretError> {
        let text = Zeroizing::new(serde_json::to_string(session).unwrap_or_default());
        self.store.set(&self.account_session_account(), &text)
    }

    pub fn delete_account_session(&self) -> Result<(), SecretError> {
        self.store.delete(&self.account_session_account())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> StoredPerson {
        StoredPerson {
            identity_token: "tok_secret".into(),
            name_masked: "马*燕".into(),
            id_number_masked: "640104********0022".into(),
            insured: true,
        }
    }

    fn round_trip(store: Arc<dyn SecretStore>) {
        let gateway = format!("test-{}", uuid::Uuid::new_v4().simple());
        let secrets = Secrets::new(store.clone(), &gateway);
        let other_gateway = Secrets::new(store, "another-gateway");

        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let device = DeviceCredential {
            device_id: "dev_1".into(),
            key: key.clone(),
        };
        assert!(secrets.load_device().ok().flatten().is_none());
        assert!(secrets.save_device(&device).is_ok());
        let loaded = secrets.load_device().ok().flatten();
        assert_eq!(loaded.as_ref().map(|d| d.device_id.as_str()), Some("dev_1"));
        assert_eq!(loaded.map(|d| d.key.to_bytes()), Some(key.to_bytes()));

        assert!(secrets.save_person("p1", &person()).is_ok());
        let token = secrets
            .load_person("p1")
            .ok()
            .flatten()
            .map(|p| p.identity_token);
        assert_eq!(token.as_deref(), Some("tok_secret"));
        assert!(other_gateway.load_person("p1").ok().flatten().is_none());

        assert!(secrets.delete_person("p1").is_ok());
        assert!(secrets.load_person("p1").ok().flatten().is_none());
        assert!(
            secrets.delete_person("p1").is_ok(),
            "deleting twice is fine"
        );
        assert!(secrets.delete_device().is_ok());
        assert!(secrets.load_device().ok().flatten().is_none());
    }

    #[test]
    fn should_keep_devices_and_people_per_gateway_in_memory() {
        round_trip(Arc::new(MemoryStore::default()));
    }

    /// The same against the real Secret Service: `scripts/test.sh` runs it inside
    /// `scripts/with-keyring.sh` (a private D-Bus with an unlocked gnome-keyring).
    #[test]
    #[ignore = "needs an unlocked Secret Service: dbus-run-session -- bash scripts/with-keyring.sh"]
    fn keyring_should_keep_devices_and_people_per_gateway() {
        round_trip(Arc::new(KeyringStore));
    }

    #[test]
    fn should_not_show_the_token_when_debug_printed() {
        let printed = format!("{:?}", person());
        assert!(!printed.contains("tok_secret"), "{printed}");
    }
}
