//! What the app holds while it runs: the embedded gateway, the signed client, the secrets
//! (keyring), the local journal of state-changing requests, and the confirmed person.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shebao_client::{Client, ClientError, TrustedKeys};
use shebao_core::wire::{KeySet, KeyUse, PersonSummary};
use shebao_core::{ErrorCode, sign};
use shebao_gateway::{GatewayConfig, RunningGateway};
use tracing_appender::non_blocking::WorkerGuard;
use zeroize::Zeroizing;

use crate::certificates::SharedAlbum;
use crate::error::CommandError;
use crate::journal::{self, Journal, JournaledRequest, ReplayedOutcome};
use crate::secrets::{DeviceCredential, SecretStore, SecretStoreKind, Secrets, StoredPerson};
use crate::settings::{GatewaySetting, Settings};

type SetupError = Box<dyn std::error::Error>;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AppInfo {
    pub sandbox: bool,
    pub sandbox_date: Option<NaiveDate>,
    pub gateway_origin: String,
    pub secret_store: SecretStoreKind,
}

/// A person remembered on this device, as the people screen lists them (masked only).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RememberedPerson {
    /// The random local id (never derived from their documents).
    pub person_id: String,
    #[serde(flatten)]
    pub person: PersonSummary,
    /// The person the money commands act for now.
    pub current: bool,
}

/// The person confirmed on this device, as the commands use them.
#[derive(Clone)]
pub struct Session {
    /// A random local id (never derived from their documents).
    pub person_id: String,
    pub identity_token: Zeroizing<String>,
}

/// How the app starts (the Tauri setup and the tests fill it in).
/// What "clear this device" did at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct DeviceCleared {
    /// The gateway refuses the old device key from now on; false when it could not be told
    /// (unreachable), the key being deleted here all the same.
    pub device_revoked: bool,
}

pub struct StartOptions {
    /// The app data folder: journal, logs, the sandbox gateway's database.
    pub data_dir: PathBuf,
    pub sandbox_date: Option<NaiveDate>,
    /// The certificate font (an app resource).
    pub font_path: PathBuf,
    /// Where certificates are saved: the album plugin (Pictures/社保缴费助手 on desktop).
    pub album: SharedAlbum,
    pub log_guard: Option<WorkerGuard>,
    /// The OS keyring in the app; a memory store in unit tests.
    pub secret_store: Arc<dyn SecretStore>,
}

pub struct AppState {
    pub info: AppInfo,
    pub client: Client,
    /// The gateway's fingerprint: scopes the journal and the secrets.
    gateway: String,
    /// `None` when no keyring could be reached: tokens live in memory only.
    secrets: Option<Secrets>,
    pub journal: Journal,
    session: Mutex<Option<Session>>,
    /// Serialises the money-moving commands (and the replay at start): a second press waits
    /// for the first and then gets the first one's answer.
    pub money_lock: Arc<tokio::sync::Mutex<()>>,
    pub pay_links: Mutex<HashMap<String, String>>,
    pub font_path: PathBuf,
    pub album: SharedAlbum,
    pub data_dir: PathBuf,
    gateway_server: Mutex<Option<RunningGateway>>,
    settings: Mutex<Settings>,
    _log_guard: Option<WorkerGuard>,
    /// The natural person logged in on this device (个人办税登录), if any.
    pub accounts: crate::accounts::AccountLogin,
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

pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn journal_failed(error: journal::JournalError) -> CommandError {
    tracing::error!(%error, "journal unavailable");
    CommandError::new("journal_failed", "the local journal could not be written")
}

impl AppState {
    pub async fn start(options: StartOptions) -> Result<Self, SetupError> {
        let data_dir = options.data_dir;
        let settings = Settings::read(&data_dir)?;
        let (gateway_server, origin, key_set) = match &settings.gateway {
            GatewaySetting::Sandbox => {
                let server = start_sandbox(&data_dir, options.sandbox_date).await?;
                let (origin, key_set) = (server.origin.clone(), server.key_set.clone());
                (Some(server), origin, key_set)
            }
            GatewaySetting::Remote { origin, keys } => {
                tracing::info!(origin = %origin, "using a remote gateway");
                (None, origin.trim_end_matches('/').to_owned(), keys.clone())
            }
        };
        let sandbox_date = gateway_server.as_ref().and_then(|s| s.sandbox_date);

        let fingerprint = gateway_fingerprint(&key_set);
        let secrets = Secrets::new(options.secret_store, &fingerprint);
        let (device, secrets) = device_for(&origin, secrets).await?;
        let trusted = TrustedKeys::from_key_set(&key_set)?;
        let client = Client::new(&origin, device.device_id, device.key, trusted)?;
        let journal = Journal::open(&data_dir).await?;
        journal.age_out(unix_now()).await?;

        let info = AppInfo {
            sandbox: gateway_server.is_some(),
            sandbox_date,
            gateway_origin: origin,
            secret_store: if secrets.is_some() {
                SecretStoreKind::Os
            } else {
                SecretStoreKind::SessionOnly
            },
        };
        let state = Self {
            info,
            client,
            gateway: fingerprint,
            secrets,
            journal,
            session: Mutex::new(None),
            money_lock: Arc::new(tokio::sync::Mutex::new(())),
            pay_links: Mutex::new(HashMap::new()),
            font_path: options.font_path,
            album: options.album,
            data_dir,
            gateway_server: Mutex::new(gateway_server),
            settings: Mutex::new(settings),
            _log_guard: options.log_guard,
            accounts: crate::accounts::AccountLogin::default(),
        };
        state.restore_session().await;
        Ok(state)
    }

    /// Stops the embedded gateway and closes the journal.
    pub async fn shutdown(&self) {
        let server = self.gateway_server.lock().ok().and_then(|mut s| s.take());
        if let Some(server) = server {
            server.shutdown().await;
        }
        self.journal.close().await;
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

    /// The secrets of this gateway; `None` without a keyring.
    pub fn secrets(&self) -> Option<Secrets> {
        self.secrets.clone()
    }

    /// The fingerprint of the gateway this state talks to.
    pub fn gateway(&self) -> &str {
        &self.gateway
    }

    pub fn session(&self) -> Option<Session> {
        let session = self.session.lock().ok()?;
        session.clone()
    }

    /// The confirmed person, or the refusal every person-bound command gives without one.
    pub fn require_session(&self) -> Result<Session, CommandError> {
        self.session().ok_or_else(CommandError::not_confirmed)
    }

    fn set_session(&self, session: Option<Session>) {
        let mut current = self
            .session
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = session;
    }

    /// Makes the last person confirmed on this gateway the current one, if their token is in
    /// the keyring.
    async fn restore_session(&self) {
        let Some(secrets) = self.secrets.clone() else {
            return;
        };
        let people = self.journal.people(&self.gateway).await.unwrap_or_default();
        let Some(person_id) = people.into_iter().next() else {
            return;
        };
        let lookup = person_id.clone();
        let stored = tokio::task::spawn_blocking(move || secrets.load_person(&lookup)).await;
        if let Ok(Ok(Some(person))) = stored {
            self.set_session(Some(Session {
                person_id,
                identity_token: Zeroizing::new(person.identity_token),
            }));
        }
    }

    /// Remembers a person just confirmed: the same local id as before when they were
    /// confirmed here already, their token in the keyring, and makes them current.
    pub async fn confirmed(
        &self,
        person: &PersonSummary,
        identity_token: String,
    ) -> Result<Session, CommandError> {
        let stored = StoredPerson {
            identity_token,
            name_masked: person.name_masked.clone(),
            id_number_masked: person.id_number_masked.clone(),
            insured: person.insured,
        };
        let known = self
            .journal
            .people(&self.gateway)
            .await
            .map_err(journal_failed)?;
        let mut person_id = None;
        if let Some(secrets) = self.secrets.clone() {
            let summary = stored.clone();
            let found = tokio::task::spawn_blocking(move || {
                known.into_iter().find(|id| {
                    secrets.load_person(id).ok().flatten().is_some_and(|p| {
                        p.name_masked == summary.name_masked
                            && p.id_number_masked == summary.id_number_masked
                    })
                })
            })
            .await;
            person_id = found.ok().flatten();
        }
        let person_id =
            person_id.unwrap_or_else(|| format!("person_{}", uuid::Uuid::new_v4().simple()));

        if let Some(secrets) = self.secrets.clone() {
            let (id, to_save) = (person_id.clone(), stored.clone());
            let saved = tokio::task::spawn_blocking(move || secrets.save_person(&id, &to_save))
                .await
                .map_err(|_| CommandError::new("internal", "keyring task stopped"))?;
            if let Err(error) = saved {
                tracing::warn!(%error, "identity token kept for this session only");
            }
        }
        self.journal
            .remember_person(&self.gateway, &person_id, unix_now())
            .await
            .map_err(journal_failed)?;
        let session = Session {
            person_id,
            identity_token: Zeroizing::new(stored.identity_token),
        };
        self.set_session(Some(session.clone()));
        Ok(session)
    }

    /// Notes in the keyring that a remembered person is insured now (after 参保登记), so the
    /// people list and the next start say so. Without a keyring there is nothing to note.
    pub async fn mark_insured(&self, person_id: &str) {
        let Some(secrets) = self.secrets.clone() else {
            return;
        };
        let id = person_id.to_owned();
        let updated = tokio::task::spawn_blocking(move || {
            let Some(mut stored) = secrets.load_person(&id)? else {
                return Ok(());
            };
            stored.insured = true;
            secrets.save_person(&id, &stored)
        })
        .await;
        if !matches!(updated, Ok(Ok(()))) {
            tracing::warn!("could not note the registration in the keyring");
        }
    }

    /// The people remembered on this device for this gateway, most recently confirmed first,
    /// with their masked name and number from the keyring (those whose entry is gone are left
    /// out). Empty without a keyring: only the current session's person is known then.
    pub async fn remembered_people(&self) -> Result<Vec<RememberedPerson>, CommandError> {
        let current = self.session().map(|s| s.person_id);
        let Some(secrets) = self.secrets.clone() else {
            return Ok(Vec::new());
        };
        let ids = self
            .journal
            .people(&self.gateway)
            .await
            .map_err(journal_failed)?;
        let people = tokio::task::spawn_blocking(move || {
            ids.into_iter()
                .filter_map(|id| {
                    let person = secrets.load_person(&id).ok().flatten()?;
                    Some((id, person))
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|_| CommandError::new("internal", "keyring task stopped"))?;
        Ok(people
            .into_iter()
            .map(|(person_id, person)| RememberedPerson {
                current: current.as_deref() == Some(person_id.as_str()),
                person_id,
                person: PersonSummary {
                    name_masked: person.name_masked,
                    id_number_masked: person.id_number_masked,
                    insured: person.insured,
                },
            })
            .collect())
    }

    /// Makes a remembered person the current one (their token from the keyring), and the most
    /// recently used.
    pub async fn switch_person(&self, person_id: &str) -> Result<PersonSummary, CommandError> {
        let secrets = self
            .secrets
            .clone()
            .ok_or_else(|| CommandError::domain(shebao_core::ErrorCode::NotFound))?;
        let known = self
            .journal
            .people(&self.gateway)
            .await
            .map_err(journal_failed)?;
        if !known.iter().any(|id| id == person_id) {
            return Err(CommandError::domain(shebao_core::ErrorCode::NotFound));
        }
        let id = person_id.to_owned();
        let person = tokio::task::spawn_blocking(move || secrets.load_person(&id))
            .await
            .map_err(|_| CommandError::new("internal", "keyring task stopped"))?
            .map_err(|error| CommandError::new("keyring_unavailable", error.to_string()))?
            .ok_or_else(|| CommandError::domain(shebao_core::ErrorCode::NotFound))?;
        self.journal
            .remember_person(&self.gateway, person_id, unix_now())
            .await
            .map_err(journal_failed)?;
        self.set_session(Some(Session {
            person_id: person_id.to_owned(),
            identity_token: Zeroizing::new(person.identity_token),
        }));
        Ok(PersonSummary {
            name_masked: person.name_masked,
            id_number_masked: person.id_number_masked,
            insured: person.insured,
        })
    }

    /// Signs a person out of this device: their token leaves the keyring and the journal
    /// forgets them.
    pub async fn sign_out(&self, person_id: &str) -> Result<(), CommandError> {
        crate::accounts::person_signed_out(self, self.secrets.clone(), person_id).await;
        if let Some(secrets) = self.secrets.clone() {
            let id = person_id.to_owned();
            tokio::task::spawn_blocking(move || secrets.delete_person(&id))
                .await
                .map_err(|_| CommandError::new("internal", "keyring task stopped"))?
                .map_err(|error| CommandError::new("keyring_unavailable", error.to_string()))?;
        }
        self.journal
            .forget_person(person_id, unix_now())
            .await
            .map_err(journal_failed)?;
        if self.session().is_some_and(|s| s.person_id == person_id) {
            self.set_session(None);
        }
        tracing::info!("person signed out");
        Ok(())
    }

    /// "Clear this device": every token and the device key leave the keyring, the journal is
    /// emptied, the logs deleted. The embedded sandbox's database (the stand-in for the tax
    /// bureau's side) stays.
    /// "Clear this device": revokes the device key at the gateway, then removes every
    /// person's identity token, the device key, the journal and the logs, and enrolls a fresh
    /// device for the rest of this run. The local traces go even when the gateway can't be
    /// reached; the answer says whether the old key was revoked.
    pub async fn clear_device(&self) -> Result<DeviceCleared, CommandError> {
        let _money = self.money_lock.lock().await;
        crate::accounts::end_login(self).await;
        let device_revoked = match self.client.revoke_this_device().await {
            Ok(_) => true,
            // A retry of a revocation whose first answer was lost.
            Err(error) if error.code() == Some(ErrorCode::DeviceRevoked) => true,
            Err(error) => {
                tracing::warn!(%error, "the gateway did not revoke the device key; clearing it here all the same");
                false
            }
        };
        let people = self.journal.all_people().await.map_err(journal_failed)?;
        if let Some(secrets) = self.secrets.clone() {
            let store_gateway = self.gateway.clone();
            tokio::task::spawn_blocking(move || {
                for (gateway, person_id) in &people {
                    let scoped = Secrets::new(secrets.store(), gateway);
                    scoped.delete_person(person_id)?;
                }
                Secrets::new(secrets.store(), &store_gateway).delete_device()
            })
            .await
            .map_err(|_| CommandError::new("internal", "keyring task stopped"))?
            .map_err(|error| CommandError::new("keyring_unavailable", error.to_string()))?;
        }
        self.journal.clear().await.map_err(journal_failed)?;
        self.set_session(None);
        if let Ok(mut links) = self.pay_links.lock() {
            links.clear();
        }
        crate::logging::clear(&self.data_dir.join("logs"));
        tracing::info!(device_revoked, "device cleared");

        // The old key is gone (and refused); the app goes on as a newly installed one would.
        let renewed = match self.secrets.clone() {
            Some(secrets) => device_for(&self.info.gateway_origin, secrets)
                .await
                .map(|(device, _)| device),
            None => enroll(&self.info.gateway_origin).await,
        };
        match renewed {
            Ok(device) => self.client.replace_device(device.device_id, device.key),
            Err(error) => {
                tracing::warn!(%error, "no new device enrolled; it will be at the next start")
            }
        }
        Ok(DeviceCleared { device_revoked })
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .map(|s| s.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Saves new settings. Leaving this gateway for another forgets the identity tokens of
    /// the people confirmed here (they belong to this gateway); the new gateway is used from
    /// the next start. Answers whether a restart is needed.
    pub async fn save_settings(&self, new: Settings) -> Result<bool, CommandError> {
        new.validate()?;
        let gateway_changed = new.gateway != self.settings().gateway;
        if gateway_changed {
            let _money = self.money_lock.lock().await;
            let people = self
                .journal
                .people(&self.gateway)
                .await
                .map_err(journal_failed)?;
            for person_id in people {
                self.sign_out(&person_id).await?;
            }
            crate::accounts::end_login(self).await;
        }
        new.save(&self.data_dir)?;
        let mut settings = self
            .settings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *settings = new;
        Ok(gateway_changed)
    }

    /// Sends a state-changing POST for `intent` through the journal: the intent's key (stable
    /// across presses, reloads and restarts), the request written before it leaves, finished
    /// when the answer comes. A refusal forgets the intent's key, so trying again after the
    /// situation changed sends a new request; a network failure keeps it, so the next try (or
    /// the next start) replays the same request.
    pub async fn send_journaled<B: Serialize, T: DeserializeOwned>(
        &self,
        session: &Session,
        intent: &str,
        target: &str,
        body: &B,
    ) -> Result<T, CommandError> {
        let intent = format!("{}:{intent}", self.gateway);
        let key = self
            .journal
            .intent_key(&intent, unix_now())
            .await
            .map_err(journal_failed)?;
        let body = serde_json::to_vec(body)
            .map_err(|_| CommandError::new("internal", "request does not serialise"))?;
        let request = JournaledRequest {
            idempotency_key: key,
            person_id: Some(session.person_id.clone()),
            method: "POST".into(),
            target: target.to_owned(),
            body,
        };
        self.journal
            .record(&self.gateway, &request, unix_now())
            .await
            .map_err(journal_failed)?;

        let answer = self.send_recorded(&request, &session.identity_token).await;
        if matches!(answer, Err(ClientError::Api(_))) {
            self.journal
                .forget_intent(&intent)
                .await
                .map_err(journal_failed)?;
        }
        let answer = answer?;
        serde_json::from_value(answer)
            .map_err(|_| CommandError::new("network", "unexpected response body"))
    }

    /// Sends a journaled request and records its outcome (a network failure leaves it
    /// unfinished).
    async fn send_recorded(
        &self,
        request: &JournaledRequest,
        identity_token: &str,
    ) -> Result<serde_json::Value, ClientError> {
        let result = self
            .client
            .post_bytes::<serde_json::Value>(
                &request.target,
                request.body.clone(),
                &request.idempotency_key,
                Some(identity_token),
            )
            .await;
        let finished = match &result {
            Ok(answer) => Some(("answered".to_owned(), answer_id(answer))),
            Err(ClientError::Api(problem)) => Some((problem.code.as_str().to_owned(), None)),
            Err(ClientError::Network(_)) => None,
        };
        if let Some((outcome, id)) = finished {
            let key = &request.idempotency_key;
            if let Err(error) = self
                .journal
                .finish(key, &outcome, id.as_deref(), unix_now())
                .await
            {
                tracing::error!(%error, "could not mark a journaled request finished");
            }
        }
        result
    }

    /// Sends again every request the journal holds unfinished for this gateway (a crash or a
    /// lost network cut them off): same key, same bytes, signed afresh. Runs at start while
    /// the money commands wait.
    pub async fn replay_unfinished(&self) {
        let unfinished = match self.journal.unfinished(&self.gateway).await {
            Ok(unfinished) => unfinished,
            Err(error) => {
                tracing::error!(%error, "journal unreadable; nothing replayed");
                return;
            }
        };
        for request in unfinished {
            let token = match &request.person_id {
                Some(person_id) => self.person_token(person_id).await,
                None => None,
            };
            let Some(token) = token else {
                tracing::warn!(
                    kind = journal::kind_of(&request.target),
                    "unfinished request without a remembered identity; left for later"
                );
                continue;
            };
            if let Err(error) = self.journal.mark_replayed(&request.idempotency_key).await {
                tracing::error!(%error, "could not mark a request replayed");
            }
            let result = self.send_recorded(&request, &token).await;
            tracing::info!(
                kind = journal::kind_of(&request.target),
                answered = result.is_ok(),
                "unfinished request sent again"
            );
        }
    }

    /// The identity token of a remembered person: the current session's, else the keyring's.
    async fn person_token(&self, person_id: &str) -> Option<Zeroizing<String>> {
        if let Some(session) = self.session().filter(|s| s.person_id == person_id) {
            return Some(session.identity_token);
        }
        let secrets = self.secrets.clone()?;
        let id = person_id.to_owned();
        let stored = tokio::task::spawn_blocking(move || secrets.load_person(&id)).await;
        stored.ok()?.ok()?.map(|p| Zeroizing::new(p.identity_token))
    }

    /// What the replay at start did, once: later calls answer what is new since.
    pub async fn take_replayed_outcomes(&self) -> Result<Vec<ReplayedOutcome>, CommandError> {
        let _money = self.money_lock.lock().await;
        self.journal
            .take_replayed_outcomes(&self.gateway)
            .await
            .map_err(journal_failed)
    }
}

/// The id an answer names: `id` (declaration, order, attempt) or `number` (certificate).
fn answer_id(answer: &serde_json::Value) -> Option<String> {
    ["id", "number"]
        .iter()
        .find_map(|field| answer.get(*field)?.as_str().map(str::to_owned))
}

/// Starts the embedded sandbox gateway on its database in the data folder.
async fn start_sandbox(
    data_dir: &std::path::Path,
    sandbox_date: Option<NaiveDate>,
) -> Result<RunningGateway, SetupError> {
    let gateway = shebao_gateway::start(GatewayConfig::sandbox(
        data_dir.join("sandbox-gateway.sqlite3"),
        std::net::SocketAddr::from(([127, 0, 0, 1], sandbox_port(data_dir))),
        sandbox_date,
    ))
    .await?;
    tracing::info!(origin = %gateway.origin, "embedded sandbox gateway started");
    let port = gateway.origin.rsplit(':').next().unwrap_or_default();
    if let Err(error) = std::fs::write(data_dir.join(PORT_FILE), port) {
        tracing::warn!(%error, "could not remember the sandbox gateway's port");
    }
    Ok(gateway)
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
/// Without a usable keyring the secrets come back `None` and the key lasts until the app quits.
async fn device_for(
    origin: &str,
    secrets: Secrets,
) -> Result<(DeviceCredential, Option<Secrets>), SetupError> {
    let lookup = secrets.clone();
    let stored = tokio::task::spawn_blocking(move || lookup.load_device()).await?;
    match stored {
        Ok(Some(device)) => return Ok((device, Some(secrets))),
        Ok(None) => {}
        Err(error) => {
            tracing::warn!(%error, "keyring unavailable; secrets last until the app quits and an interrupted payment can't be resumed after a restart");
            let device = enroll(origin).await?;
            return Ok((device, None));
        }
    }

    let device = enroll(origin).await?;
    let to_save = DeviceCredential {
        device_id: device.device_id.clone(),
        key: device.key.clone(),
    };
    let saver = secrets.clone();
    let saved = tokio::task::spawn_blocking(move || saver.save_device(&to_save)).await?;
    match saved {
        Ok(()) => Ok((device, Some(secrets))),
        Err(error) => {
            tracing::warn!(%error, "could not save the device key to the keyring");
            Ok((device, None))
        }
    }
}

async fn enroll(origin: &str) -> Result<DeviceCredential, SetupError> {
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let device_id = shebao_client::enroll(origin, &key).await?;
    tracing::info!(device_id = %device_id, "device enrolled");
    Ok(DeviceCredential { device_id, key })
}
