//! The app's side of protocol v1: every request signed with the device key, every response
//! checked against the gateway's trusted keys and bound to the request's own nonce. A response
//! that fails verification is a network error, never data.

pub mod api;

use std::sync::RwLock;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::Rng;
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shebao_core::ErrorCode;
use shebao_core::sign::{
    self, AuthorizationHeader, RequestParts, ResponseParts, ResponseSignatureHeader,
};
use shebao_core::wire::{self, KeySet, KeyUse, Problem, header};

/// How many times a retryable request is sent at most.
const MAX_ATTEMPTS: u32 = 3;
/// The wait before the n-th resend is n times this, plus up to 250 ms of jitter.
const BACKOFF: Duration = Duration::from_millis(300);
/// A whole exchange; longer than the gateway's longest long-poll (25 s).
const TIMEOUT: Duration = Duration::from_secs(40);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How far a stale-timestamp refusal's `server_time` may be from its own signature time.
const CLOCK_AGREEMENT_SECONDS: i64 = 5;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The gateway refused with a problem+json body (verified).
    #[error("gateway refused: {}", .0.code)]
    Api(Box<Problem>),
    /// No verified answer: connection, timeout, bad signature, unexpected body.
    #[error("network: {0}")]
    Network(String),
}

impl ClientError {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api(problem) => Some(problem.code),
            Self::Network(_) => None,
        }
    }
}

fn network(what: impl std::fmt::Display) -> ClientError {
    ClientError::Network(what.to_string())
}

/// The gateway keys a client trusts: response keys by key id, certificate keys by index.
#[derive(Debug, Clone)]
pub struct TrustedKeys {
    response: Vec<(String, VerifyingKey)>,
    certificate: Vec<(u8, VerifyingKey)>,
}

impl TrustedKeys {
    pub fn from_key_set(set: &KeySet) -> Result<Self, ClientError> {
        let mut trusted = Self {
            response: Vec::new(),
            certificate: Vec::new(),
        };
        for entry in &set.keys {
            let key = sign::verifying_key_from_b64(&entry.public_key)
                .map_err(|_| network("trusted key does not decode"))?;
            match (&entry.key_use, entry.index) {
                (KeyUse::Response, _) => trusted.response.push((entry.kid.clone(), key)),
                (KeyUse::Certificate, Some(index)) => trusted.certificate.push((index, key)),
                (KeyUse::Certificate, None) => {
                    return Err(network("certificate key without an index"));
                }
            }
        }
        Ok(trusted)
    }

    fn get(&self, kid: &str) -> Option<&VerifyingKey> {
        self.response
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, key)| key)
    }

    /// The certificate key with this index, if trusted.
    pub fn certificate_key(&self, index: u8) -> Option<&VerifyingKey> {
        self.certificate
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, key)| key)
    }
}

/// Enrolls a device's public key with the gateway and returns its device id.
pub async fn enroll(origin: &str, key: &SigningKey) -> Result<String, ClientError> {
    let http = http_client()?;
    let url = Url::parse(origin)
        .and_then(|o| o.join("/v1/devices"))
        .map_err(network)?;
    let body = wire::EnrollDevice {
        public_key: sign::public_key_b64(key),
    };
    let response = http.post(url).json(&body).send().await.map_err(network)?;
    if response.status() != StatusCode::CREATED {
        return Err(network(format!(
            "enrollment answered {}",
            response.status()
        )));
    }
    let enrolled: wire::DeviceEnrolled = response.json().await.map_err(network)?;
    Ok(enrolled.device_id)
}

fn http_client() -> Result<reqwest::Client, ClientError> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(network)
}

/// A signed client for one gateway and one enrolled device.
pub struct Client {
    http: reqwest::Client,
    origin: Url,
    host: String,
    /// The enrolled device whose key signs: replaced when the app enrolls anew (after
    /// clearing the device, say).
    device: RwLock<SigningDevice>,
    trusted: TrustedKeys,
    clock_offset: AtomicI64,
}

struct SigningDevice {
    id: String,
    key: SigningKey,
}

/// A request before it is signed: what a retry re-signs byte for byte.
struct Outgoing<'a> {
    method: Method,
    target: &'a str,
    body: Vec<u8>,
    idempotency_key: Option<&'a str>,
    identity_token: Option<&'a str>,
    /// A natural person's login (`Session-Token`), for the account's endpoints.
    session_token: Option<&'a str>,
}

impl Client {
    pub fn new(
        origin: &str,
        device_id: String,
        key: SigningKey,
        trusted: TrustedKeys,
    ) -> Result<Self, ClientError> {
        let origin = Url::parse(origin).map_err(network)?;
        let host = match (origin.host_str(), origin.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(network("gateway origin has no host")),
        };
        Ok(Self {
            http: http_client()?,
            origin,
            host,
            device: RwLock::new(SigningDevice { id: device_id, key }),
            trusted,
            clock_offset: AtomicI64::new(0),
        })
    }

    /// Signs from now on as another enrolled device.
    pub fn replace_device(&self, device_id: String, key: SigningKey) {
        let mut device = self
            .device
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *device = SigningDevice { id: device_id, key };
    }

    /// The id of the device that signs (the `kid`).
    pub fn device_id(&self) -> String {
        self.device
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .id
            .clone()
    }

    pub fn trusted_keys(&self) -> &TrustedKeys {
        &self.trusted
    }

    pub fn origin(&self) -> &str {
        self.origin.as_str().trim_end_matches('/')
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        target: &str,
        identity_token: Option<&str>,
    ) -> Result<T, ClientError> {
        let request = Outgoing {
            method: Method::GET,
            target,
            body: Vec::new(),
            idempotency_key: None,
            identity_token,
            session_token: None,
        };
        self.send(&request, true).await
    }

    /// POSTs `body`. With an idempotency key the request is retried on network failure,
    /// re-signed over the same bytes; without one it is sent once.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        target: &str,
        body: &B,
        idempotency_key: Option<&str>,
        identity_token: Option<&str>,
    ) -> Result<T, ClientError> {
        let request = Outgoing {
            method: Method::POST,
            target,
            body: serde_json::to_vec(body).map_err(network)?,
            idempotency_key,
            identity_token,
            session_token: None,
        };
        self.send(&request, idempotency_key.is_some()).await
    }

    /// POSTs body bytes fixed beforehand (a journaled request, or its replay after a restart)
    /// under their idempotency key; retried like [`Client::post`] with a key.
    pub async fn post_bytes<T: DeserializeOwned>(
        &self,
        target: &str,
        body: Vec<u8>,
        idempotency_key: &str,
        identity_token: Option<&str>,
    ) -> Result<T, ClientError> {
        let request = Outgoing {
            method: Method::POST,
            target,
            body,
            idempotency_key: Some(idempotency_key),
            identity_token,
            session_token: None,
        };
        self.send(&request, true).await
    }

    /// GETs `target` as the natural person logged in with `session_token`.
    pub async fn get_as_account<T: DeserializeOwned>(
        &self,
        target: &str,
        session_token: &str,
    ) -> Result<T, ClientError> {
        let request = Outgoing {
            method: Method::GET,
            target,
            body: Vec::new(),
            idempotency_key: None,
            identity_token: None,
            session_token: Some(session_token),
        };
        self.send(&request, true).await
    }

    /// POSTs `body` under an idempotency key as the natural person logged in with
    /// `session_token`; retried like [`Client::post`] with a key.
    pub async fn post_as_account<B: Serialize, T: DeserializeOwned>(
        &self,
        target: &str,
        body: &B,
        idempotency_key: &str,
        session_token: &str,
    ) -> Result<T, ClientError> {
        let request = Outgoing {
            method: Method::POST,
            target,
            body: serde_json::to_vec(body).map_err(network)?,
            idempotency_key: Some(idempotency_key),
            identity_token: None,
            session_token: Some(session_token),
        };
        self.send(&request, true).await
    }

    /// DELETEs `target` as the natural person logged in with `session_token` (sent once: a
    /// lost answer is not retried, the caller decides). An empty answer (`204`) reads as `()`.
    pub async fn delete_as_account(
        &self,
        target: &str,
        session_token: &str,
    ) -> Result<(), ClientError> {
        let request = Outgoing {
            method: Method::DELETE,
            target,
            body: Vec::new(),
            idempotency_key: None,
            identity_token: None,
            session_token: Some(session_token),
        };
        self.send(&request, false).await
    }

    /// Starts from a known difference between the gateway's clock and ours, in seconds (the
    /// one learned in an earlier run, say); a refusal of our timestamp corrects it anyway.
    pub fn with_clock_offset(self, seconds: i64) -> Self {
        self.clock_offset.store(seconds, Ordering::Relaxed);
        self
    }

    /// The gateway's clock minus ours, in seconds, as last learned.
    pub fn clock_offset(&self) -> i64 {
        self.clock_offset.load(Ordering::Relaxed)
    }

    /// Sends `request`, retrying a retryable one after a network failure (at most
    /// `MAX_ATTEMPTS` sends, with jittered back-off), each send signed afresh over the same
    /// body bytes. A gateway refusing the timestamp corrects the clock offset once and resends.
    async fn send<T: DeserializeOwned>(
        &self,
        request: &Outgoing<'_>,
        retryable: bool,
    ) -> Result<T, ClientError> {
        let mut corrected_clock = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.send_once(request).await {
                Err(Refusal::StaleClock { server_time }) if !corrected_clock => {
                    corrected_clock = true;
                    let offset = server_time - unix_now();
                    tracing::warn!(offset, "gateway refused our clock; correcting once");
                    self.clock_offset.store(offset, Ordering::Relaxed);
                }
                Err(Refusal::StaleClock { .. }) => {
                    return Err(network("gateway still refuses the corrected clock"));
                }
                Err(Refusal::Client(ClientError::Network(what)))
                    if retryable && attempt < MAX_ATTEMPTS =>
                {
                    tracing::warn!(target_path = request.target, attempt, error = %what, "retrying request");
                    let jitter = rand::thread_rng().gen_range(0..250);
                    tokio::time::sleep(BACKOFF * attempt + Duration::from_millis(jitter)).await;
                }
                Err(Refusal::Client(error)) => return Err(error),
                Ok(answer) => return Ok(answer),
            }
        }
    }

    async fn send_once<T: DeserializeOwned>(&self, request: &Outgoing<'_>) -> Result<T, Refusal> {
        let ts = unix_now() + self.clock_offset.load(Ordering::Relaxed);
        let nonce = sign::new_nonce();
        let parts = RequestParts {
            method: request.method.as_str(),
            host: &self.host,
            target: request.target,
            ts,
            nonce: &nonce,
            idempotency_key: request.idempotency_key,
            body: &request.body,
        };
        let authorization = {
            let device = self
                .device
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            AuthorizationHeader {
                kid: device.id.clone(),
                ts,
                nonce: nonce.clone(),
                sig: parts.sign(&device.key),
            }
        };
        let url = self.origin.join(request.target).map_err(network)?;

        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .header(header::AUTHORIZATION, authorization.to_header_value());
        if let Some(key) = request.idempotency_key {
            builder = builder.header(header::IDEMPOTENCY_KEY, key);
        }
        if let Some(token) = request.identity_token {
            builder = builder.header(header::IDENTITY_TOKEN, token);
        }
        if let Some(token) = request.session_token {
            builder = builder.header(header::SESSION_TOKEN, token);
        }
        if request.method == Method::POST {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(request.body.clone());
        }
        let started = std::time::Instant::now();
        let response = builder.send().await.map_err(network)?;

        let status = response.status();
        let request_id = header_text(&response, header::REQUEST_ID)?;
        let signature = header_text(&response, header::SIGNATURE)?;
        let body = response.bytes().await.map_err(network)?;
        let in_window = self.verify(status.as_u16(), &nonce, &request_id, &signature, &body)?;
        tracing::info!(
            request_id = %request_id,
            method = %request.method,
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "gateway answered"
        );

        let problem = (!status.is_success())
            .then(|| serde_json::from_slice::<Problem>(&body))
            .transpose()
            .map_err(|_| network("unexpected error body"))?;
        // A `204 No Content` answer reads as JSON `null` (what `()` deserialises from).
        let answer: &[u8] = if body.is_empty() { b"null" } else { &body };
        match (in_window, problem) {
            (Ok(()), None) => serde_json::from_slice(answer)
                .map_err(|_| network("unexpected response body").into()),
            (Ok(()), Some(problem)) => Err(stale_clock(&problem)
                .unwrap_or_else(|| Refusal::Client(ClientError::Api(Box::new(problem))))),
            // Our own clock is off: the answer is signed over our nonce by a trusted key, so
            // it is fresh; only the gateway's word on the time is taken from it.
            (Err(signed_at), Some(problem)) => match stale_clock(&problem) {
                Some(Refusal::StaleClock { server_time })
                    if (server_time - signed_at).abs() <= CLOCK_AGREEMENT_SECONDS =>
                {
                    Err(Refusal::StaleClock { server_time })
                }
                _ => Err(network("response signature outside the time window").into()),
            },
            (Err(_), None) => Err(network("response signature outside the time window").into()),
        }
    }

    /// Checks the response signature: a trusted key, over the request's own nonce. `Ok(Err(ts))`
    /// when it verifies but was signed at `ts`, outside the window around our clock.
    fn verify(
        &self,
        status: u16,
        nonce: &str,
        request_id: &str,
        signature: &str,
        body: &[u8],
    ) -> Result<Result<(), i64>, ClientError> {
        let header = ResponseSignatureHeader::parse(signature)
            .map_err(|_| network("malformed response signature"))?;
        let key = self
            .trusted
            .get(&header.kid)
            .ok_or_else(|| network("response signed by an untrusted key"))?;
        let parts = ResponseParts {
            status,
            request_nonce: nonce,
            ts: header.ts,
            request_id,
            body,
        };
        parts
            .verify(key, &header.sig)
            .map_err(|_| network("response signature does not verify"))?;
        let now = unix_now() + self.clock_offset.load(Ordering::Relaxed);
        if (now - header.ts).abs() > sign::WINDOW_SECONDS {
            return Ok(Err(header.ts));
        }
        Ok(Ok(()))
    }
}

/// Why one send did not give an answer.
enum Refusal {
    /// The gateway refused the request's timestamp and said what time it is.
    StaleClock {
        server_time: i64,
    },
    Client(ClientError),
}

impl From<ClientError> for Refusal {
    fn from(error: ClientError) -> Self {
        Self::Client(error)
    }
}

fn stale_clock(problem: &Problem) -> Option<Refusal> {
    match (problem.code, problem.server_time) {
        (ErrorCode::TimestampOutOfWindow, Some(server_time)) => {
            Some(Refusal::StaleClock { server_time })
        }
        _ => None,
    }
}

fn header_text(response: &reqwest::Response, name: &str) -> Result<String, ClientError> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| network(format!("response without {name}")))
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A fresh idempotency key: a lower-case UUID v4.
pub fn new_idempotency_key() -> String {
    uuid::Uuid::new_v4().to_string()
}
