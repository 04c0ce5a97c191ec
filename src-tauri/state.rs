//! What the app holds while it runs: the embedded gateway, the signed client, the confirmed
//! person's identity token (memory only), and the idempotency keys of the user's intents.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use serde::Serialize;
use shebao_client::{Client, ClientError, TrustedKeys};
use shebao_core::sign;
use shebao_core::wire::{KeySet, KeyUse};
use shebao_gateway::{Database, GatewayConfig, RunningGateway};
use tracing_appender::non_blocking::WorkerGuard;
use zeroize::Zeroizing;

use crate::secrets::{self, DeviceCredential, SecretStoreKind};

type SetupError = Box<dyn std::error::Error>;

#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    pub sandbox: bool,
    pub sandbox_date: Option<NaiveDate>,
    pub gateway_origin: String,
    pub secret_store: SecretStoreKind,
}

/// The person confirmed on this device in this run.
pub struct Session {
    pub identity_token: Zeroizing<String>,
}

pub struct AppState {
    pub info: AppInfo,
    pub client: Client,
    pub session: Mutex<Option<Session>>,
    /// One idempotency key per intent ("declare these payables", "pay this declaration"),
    /// so that a repeated press replays the first request instead of making a second one.
    intents: Mutex<HashMap<String, String>>,
    /// Serialises the money-moving commands: a second press waits for the first and then
    /// gets the first one's answer.
    pub money_lock: tokio::sync::Mutex<()>,
    pub pay_links: Mutex<HashMap<String, String>>,
    /// The certificate font (an app resource).
    pub font_path: PathBuf,
    _gateway: RunningGateway,
    _log_guard: WorkerGuard,
}

/// `SHEBAO_SANDBOX_DATE=YYYY-MM-DD`, if set.
pub fn sandbox_date_from_env() -> Result<Option<NaiveDate>, SetupError> {
    match std::env::var("SHEBAO_SANDBOX_DATE") {
        Ok(text) => Ok(Some(NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(
            |_| format!("SHEBAO_SANDBOX_DATE must be YYYY-MM-DD, got {text:?}"),
        )?)),
        Err(_) => Ok(None),
    }
}

impl AppState {
    pub async fn start(
        data_dir: PathBuf,
        sandbox_date: Option<NaiveDate>,
        font_path: PathBuf,
        log_guard: WorkerGuard,
    ) -> Result<Self, SetupError> {
        let gateway = shebao_gateway::start(GatewayConfig {
            database: Database::Sqlite(data_dir.join("sandbox-gateway.sqlite3")),
            database_max_connections: None,
            sandbox: true,
            sandbox_date,
            bind: std::net::SocketAddr::from(([127, 0, 0, 1], sandbox_port(&data_dir))),
            tax_office: None,
            verify_origin: None,
        })
        .await?;
        tracing::info!(origin = %gateway.origin, "embedded sandbox gateway started");
        let port = gateway.origin.rsplit(':').next().unwrap_or_default();
        if let Err(error) = std::fs::write(data_dir.join(PORT_FILE), port) {
            tracing::warn!(%error, "could not remember the sandbox gateway's port");
        }

        let fingerprint = gateway_fingerprint(&gateway.key_set);
        let (device, secret_store) = device_for(&gateway.origin, &fingerprint).await?;
        let trusted = TrustedKeys::from_key_set(&gateway.key_set)?;
        let client = Client::new(&gateway.origin, device.device_id, device.key, trusted)?;

        let info = AppInfo {
            sandbox: true,
            sandbox_date: gateway.sandbox_date,
            gateway_origin: gateway.origin.clone(),
            secret_store,
        };
        Ok(Self {
            info,
            client,
            session: Mutex::new(None),
            intents: Mutex::new(HashMap::new()),
            money_lock: tokio::sync::Mutex::new(()),
            pay_links: Mutex::new(HashMap::new()),
            font_path,
            _gateway: gateway,
            _log_guard: log_guard,
        })
    }

    /// The sandbox's today, or today in China (UTC+8).
    pub fn today(&self) -> NaiveDate {
        self.info.sandbox_date.unwrap_or_else(|| {
            let now = chrono::Utc::now();
            chrono::FixedOffset::east_opt(8 * 3600)
                .map(|china| now.with_timezone(&china).date_naive())
                .unwrap_or_else(|| now.date_naive())
        })
    }

    pub fn identity_token(&self) -> Option<Zeroizing<String>> {
        let session = self.session.lock().ok()?;
        session.as_ref().map(|s| s.identity_token.clone())
    }

    /// Settles an intent after its call: a network failure keeps the key (the next press
    /// replays the same request); a refusal forgets it, so that trying again after the
    /// situation changed sends a new request instead of replaying the stored refusal.
    pub fn settle_intent<T>(&self, intent: &str, result: &Result<T, ClientError>) {
        if matches!(result, Err(ClientError::Api(_))) {
            let mut intents = self
                .intents
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            intents.remove(intent);
        }
    }

    /// The idempotency key of `intent`, made on first use.
    pub fn intent_key(&self, intent: &str) -> String {
        let mut intents = self
            .intents
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        intents
            .entry(intent.to_owned())
            .or_insert_with(shebao_client::new_idempotency_key)
            .clone()
    }
}

/// The port the embedded gateway listened on last time (kept in the data folder), so that pay
/// links and certificate verification links keep working across restarts; a free port chosen
/// by the system when there is none yet or it is taken.
fn sandbox_port(data_dir: &std::path::Path) -> u16 {
    let saved = std::fs::read_to_string(data_dir.join(PORT_FILE))
        .ok()
        .and_then(|text| text.trim().parse::<u16>().ok())
        .filter(|port| *port != 0);
    let free = |port: u16| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok();
    saved.filter(|port| free(*port)).unwrap_or(0)
}

const PORT_FILE: &str = "sandbox-gateway.port";

/// Identifies a gateway by its response keys, so a device is enrolled once per gateway.
fn gateway_fingerprint(key_set: &KeySet) -> String {
    let keys: Vec<&str> = key_set
        .keys
        .iter()
        .filter(|k| k.key_use == KeyUse::Response)
        .map(|k| k.public_key.as_str())
        .collect();
    sign::sha256_hex(keys.join(",").as_bytes())[..16].to_owned()
}

/// The device credential for this gateway: from the keyring, or enrolled now and saved there.
async fn device_for(
    origin: &str,
    fingerprint: &str,
) -> Result<(DeviceCredential, SecretStoreKind), SetupError> {
    let lookup_fingerprint = fingerprint.to_owned();
    let stored =
        tokio::task::spawn_blocking(move || secrets::load_device(&lookup_fingerprint)).await?;
    match stored {
        Ok(Some(device)) => return Ok((device, SecretStoreKind::Os)),
        Ok(None) => {}
        Err(error) => {
            tracing::warn!(%error, "keyring unavailable; the device key lasts until the app quits");
            let device = enroll(origin).await?;
            return Ok((device, SecretStoreKind::SessionOnly));
        }
    }

    let device = enroll(origin).await?;
    let save_fingerprint = fingerprint.to_owned();
    let to_save = DeviceCredential {
        device_id: device.device_id.clone(),
        key: device.key.clone(),
    };
    let saved =
        tokio::task::spawn_blocking(move || secrets::save_device(&save_fingerprint, &to_save))
            .await?;
    match saved {
        Ok(()) => Ok((device, SecretStoreKind::Os)),
        Err(error) => {
            tracing::warn!(%error, "could not save the device key to the keyring");
            Ok((device, SecretStoreKind::SessionOnly))
        }
    }
}

async fn enroll(origin: &str) -> Result<DeviceCredential, SetupError> {
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let device_id = shebao_client::enroll(origin, &key).await?;
    tracing::info!(device_id = %device_id, "device enrolled");
    Ok(DeviceCredential { device_id, key })
}
