//! A test harness: a real gateway on 127.0.0.1 with its own database, a device that signs
//! requests with `shebao-core`, and response-signature checks on every signed answer.
//!
//! Every scenario runs on both backends: `on_every_backend!(name)` turns `async fn
//! name(backend: Backend)` into the tests `name::sqlite` (a temporary SQLite file) and
//! `name::postgres` (a fresh database `test_<random>` on the server `SHEBAO_TEST_POSTGRES_URL`
//! names; `scripts/with-postgres.sh` starts a throwaway one). Without that variable the
//! PostgreSQL tests say so on stderr and pass without running; `scripts/test.sh` always sets it.
//! Their databases are left for the throwaway cluster's teardown.

#![allow(dead_code)]

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use shebao_core::sign::{
    self, AuthorizationHeader, RequestParts, ResponseParts, ResponseSignatureHeader,
};
use shebao_core::wire::{KeySet, KeyUse};
use shebao_gateway::{
    AccessLimits, Database, GatewayConfig, RecoveryReport, RunningGateway, SandboxFaults, start,
};
use sqlx::{AnyPool, Connection};
use tempfile::TempDir;

/// The variable naming a PostgreSQL server (any database on it) where the tests may create
/// databases.
pub const POSTGRES_URL_VARIABLE: &str = "SHEBAO_TEST_POSTGRES_URL";

/// Which database server a test's gateways use.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// The URL of the server's administration connection.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL, when `SHEBAO_TEST_POSTGRES_URL` is set.
    pub fn postgres() -> Option<Self> {
        std::env::var(POSTGRES_URL_VARIABLE)
            .ok()
            .filter(|url| !url.trim().is_empty())
            .map(Self::Postgres)
    }
}

/// `on_every_backend!(name)` next to `async fn name(backend: Backend)`: the tests
/// `name::sqlite` and `name::postgres` run the same body. `on_every_backend!(name,
/// multi_thread)` runs them on two worker threads, for tests of concurrency.
macro_rules! on_every_backend {
    ($name:ident, multi_thread) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::support::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                match crate::support::Backend::postgres() {
                    Some(backend) => super::$name(backend).await,
                    None => eprintln!(
                        "not run on PostgreSQL: {} is not set",
                        crate::support::POSTGRES_URL_VARIABLE
                    ),
                }
            }
        }
    };
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(crate::support::Backend::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                match crate::support::Backend::postgres() {
                    Some(backend) => super::$name(backend).await,
                    None => eprintln!(
                        "not run on PostgreSQL: {} is not set",
                        crate::support::POSTGRES_URL_VARIABLE
                    ),
                }
            }
        }
    };
}
pub(crate) use on_every_backend;

/// A test's own database: a SQLite file in a temporary folder, or a fresh PostgreSQL database.
/// It outlives the gateways started on it, so a test can restart one; clones share it, so
/// several gateways can run on it at once.
#[derive(Clone)]
pub struct TestDatabase {
    /// A temporary folder (the SQLite file's, or spare on PostgreSQL).
    pub dir: Arc<TempDir>,
    pub database: Database,
}

impl TestDatabase {
    pub async fn new(backend: &Backend) -> Self {
        let dir = TempDir::new().unwrap();
        let database = match backend {
            Backend::Sqlite => Database::Sqlite(dir.path().join("gateway.sqlite3")),
            Backend::Postgres(admin_url) => {
                Database::Postgres(fresh_postgres_database(admin_url).await)
            }
        };
        Self {
            dir: Arc::new(dir),
            database,
        }
    }

    /// The URL a second connection (another gateway process, a check) opens.
    pub fn url(&self) -> String {
        match &self.database {
            Database::Sqlite(path) => path.to_str().unwrap().to_owned(),
            Database::Postgres(url) => url.clone(),
        }
    }

    /// A connection of the test's own, for checks the API doesn't expose.
    pub async fn connect(&self) -> AnyPool {
        sqlx::any::install_default_drivers();
        let url = match &self.database {
            Database::Sqlite(path) => format!("sqlite://{}", path.to_str().unwrap()),
            Database::Postgres(url) => url.clone(),
        };
        sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap()
    }
}

/// Creates `test_<random>` on the server and returns its URL.
async fn fresh_postgres_database(admin_url: &str) -> String {
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|error| {
            panic!("cannot reach the PostgreSQL server of {POSTGRES_URL_VARIABLE}: {error}")
        });
    sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    let mut url = reqwest::Url::parse(admin_url).unwrap();
    url.set_path(&format!("/{name}"));
    url.to_string()
}

pub const SANDBOX_DATE: &str = "2025-06-15";
pub const MA_XIAOYAN: (&str, &str) = ("马小燕", "640104199003150022");
pub const WANG_JIANGUO: (&str, &str) = ("王建国", "64020219850720001X");
pub const MA_FUHAI: (&str, &str) = ("马福海", "64030319781108003X");
pub const ZHANG_XIAOMEI: (&str, &str) = ("张晓梅", "640104199003150049");
/// The sandbox person who holds a 港澳台居民居住证 (residence permit) instead of a resident ID card.
pub const CHEN_JIAXIN: (&str, &str) = ("陈嘉欣", "810000199203050027");

/// Everything every test gateway logged, to check that no personal data gets there.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(|| Arc::new(Mutex::new(Vec::new())))
}

struct BufferWriter;

impl Write for BufferWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        log_buffer().lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(|| BufferWriter)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub struct TestGateway {
    gateway: Option<RunningGateway>,
    pub db: TestDatabase,
    pub origin: String,
    pub host: String,
    pub key_set: KeySet,
    pub http: reqwest::Client,
}

/// A sandbox gateway whose "today" is 2025-06-15, on a database of its own.
pub async fn sandbox(backend: &Backend) -> TestGateway {
    launch(TestDatabase::new(backend).await, true, Some(sandbox_date())).await
}

pub async fn non_sandbox(backend: &Backend) -> TestGateway {
    launch(TestDatabase::new(backend).await, false, None).await
}

pub fn sandbox_date() -> NaiveDate {
    SANDBOX_DATE.parse().unwrap()
}

/// What a gateway outside sandbox mode must be told: the tax office and the verification
/// origin printed on certificates.
pub const TEST_TAX_OFFICE: &str = "国家税务总局测试市税务局";
pub const TEST_VERIFY_ORIGIN: &str = "https://v.shebao.example";

/// The configuration `launch` starts with.
pub fn config(db: &TestDatabase, sandbox: bool, sandbox_date: Option<NaiveDate>) -> GatewayConfig {
    GatewayConfig {
        database: db.database.clone(),
        database_max_connections: None,
        sandbox,
        sandbox_date,
        bind: "127.0.0.1:0".parse().unwrap(),
        tax_office: (!sandbox).then(|| TEST_TAX_OFFICE.to_owned()),
        verify_origin: (!sandbox).then(|| TEST_VERIFY_ORIGIN.to_owned()),
        policy_path: None,
        access_limits: AccessLimits::sandbox(),
        client_address_header: None,
        agency: None,
        transmission_delay: None,
        sandbox_faults: SandboxFaults::default(),
        // Tests run recovery passes themselves (`TestGateway::recover`).
        recovery_interval: std::time::Duration::from_secs(3600),
    }
}

pub async fn launch(
    db: TestDatabase,
    sandbox: bool,
    sandbox_date: Option<NaiveDate>,
) -> TestGateway {
    let config = config(&db, sandbox, sandbox_date);
    launch_with(db, config).await
}

/// A sandbox gateway (today 2025-06-15) whose policy table is the built-in one offering only
/// monthly periods (按月), not quarterly or yearly.
pub async fn monthly_only(backend: &Backend) -> TestGateway {
    let db = TestDatabase::new(backend).await;
    let table = include_str!("../../../shebao-core/policy/ningxia.toml");
    let listed = r#"value = ["monthly", "quarterly", "yearly"]"#;
    assert!(table.contains(listed));
    let policy_path = db.dir.path().join("monthly-only.toml");
    std::fs::write(
        &policy_path,
        table.replacen(listed, r#"value = ["monthly"]"#, 1),
    )
    .unwrap();
    let mut config = config(&db, true, Some(sandbox_date()));
    config.policy_path = Some(policy_path);
    launch_with(db, config).await
}

/// A gateway started with `config`, whose database is `db`.
pub async fn launch_with(db: TestDatabase, config: GatewayConfig) -> TestGateway {
    capture_logs();
    let gateway = start(config).await.unwrap();
    let origin = gateway.origin.clone();
    TestGateway {
        host: origin.trim_start_matches("http://").to_owned(),
        key_set: gateway.key_set.clone(),
        gateway: Some(gateway),
        db,
        origin,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    }
}

/// A harness for a gateway started elsewhere (the `shebao-gateway` binary) at `origin` on
/// `db`, trusting the key set it publishes.
pub async fn attach(origin: &str, db: TestDatabase) -> TestGateway {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let key_set: KeySet = http
        .get(format!("{origin}/.well-known/shebao-keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    TestGateway {
        gateway: None,
        host: origin.trim_start_matches("http://").to_owned(),
        key_set,
        db,
        origin: origin.to_owned(),
        http,
    }
}

/// An enrolled device.
pub struct Device {
    pub id: String,
    pub key: SigningKey,
}

/// A gateway's answer, with the nonce of the request it answers.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub nonce: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or_default().to_owned()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn request_id(&self) -> String {
        self.headers["request-id"].to_str().unwrap().to_owned()
    }
}

/// What to send, and (for tampering tests) what to sign instead.
pub struct Call<'a> {
    pub method: &'a str,
    pub target: &'a str,
    pub body: Vec<u8>,
    pub idempotency_key: Option<String>,
    pub identity_token: Option<String>,
    pub session_token: Option<String>,
    /// Further headers, sent as given.
    pub headers: Vec<(String, String)>,
    pub ts: i64,
    pub nonce: String,
    pub signed_target: Option<&'a str>,
    pub signed_body: Option<Vec<u8>>,
}

impl<'a> Call<'a> {
    pub fn get(target: &'a str) -> Self {
        Self::new("GET", target, Vec::new())
    }

    pub fn post(target: &'a str, body: &Value) -> Self {
        Self::new("POST", target, serde_json::to_vec(body).unwrap())
    }

    pub fn delete(target: &'a str) -> Self {
        Self::new("DELETE", target, Vec::new())
    }

    fn new(method: &'a str, target: &'a str, body: Vec<u8>) -> Self {
        Self {
            method,
            target,
            body,
            idempotency_key: None,
            identity_token: None,
            session_token: None,
            headers: Vec::new(),
            ts: unix_now(),
            nonce: sign::new_nonce(),
            signed_target: None,
            signed_body: None,
        }
    }

    pub fn key(mut self, key: &str) -> Self {
        self.idempotency_key = Some(key.to_owned());
        self
    }

    pub fn fresh_key(self) -> Self {
        self.key(&uuid::Uuid::new_v4().to_string())
    }

    pub fn token(mut self, token: &str) -> Self {
        self.identity_token = Some(token.to_owned());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn session(mut self, token: &str) -> Self {
        self.session_token = Some(token.to_owned());
        self
    }
}

impl TestGateway {
    pub fn url(&self, target: &str) -> String {
        format!("{}{target}", self.origin)
    }

    /// Stops the gateway; its database stays for the next one.
    pub async fn shutdown(mut self) -> TestDatabase {
        if let Some(gateway) = self.gateway.take() {
            gateway.shutdown().await;
        }
        self.db
    }

    pub async fn enroll(&self) -> Device {
        let key = SigningKey::generate(&mut OsRng);
        let response = self
            .http
            .post(self.url("/v1/devices"))
            .json(&json!({"public_key": sign::public_key_b64(&key)}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        assert!(response.headers().contains_key("request-id"));
        let body: Value = response.json().await.unwrap();
        let id = body["device_id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("dev_"));
        Device { id, key }
    }

    /// The `Authorization` header for a call as signed by `device` (with `kid`).
    pub fn authorization(&self, kid: &str, key: &SigningKey, call: &Call<'_>) -> String {
        let parts = RequestParts {
            method: call.method,
            host: &self.host,
            target: call.signed_target.unwrap_or(call.target),
            ts: call.ts,
            nonce: &call.nonce,
            idempotency_key: call.idempotency_key.as_deref(),
            body: call.signed_body.as_deref().unwrap_or(&call.body),
        };
        AuthorizationHeader {
            kid: kid.to_owned(),
            ts: call.ts,
            nonce: call.nonce.clone(),
            sig: parts.sign(key),
        }
        .to_header_value()
    }

    /// Sends a call signed by `device` and checks the response signature.
    pub async fn call(&self, device: &Device, call: Call<'_>) -> Answer {
        let authorization = self.authorization(&device.id, &device.key, &call);
        let answer = self.send(&call, Some(&authorization)).await;
        self.verify(&answer)
            .unwrap_or_else(|why| panic!("response signature: {why}"));
        answer
    }

    /// Sends a call with the given `Authorization` (or none), without checking anything.
    pub async fn send(&self, call: &Call<'_>, authorization: Option<&str>) -> Answer {
        let method = reqwest::Method::from_bytes(call.method.as_bytes()).unwrap();
        let mut request = self.http.request(method, self.url(call.target));
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        if let Some(key) = &call.idempotency_key {
            request = request.header("idempotency-key", key);
        }
        if let Some(token) = &call.identity_token {
            request = request.header("identity-token", token);
        }
        if let Some(token) = &call.session_token {
            request = request.header("session-token", token);
        }
        for (name, value) in &call.headers {
            request = request.header(name, value);
        }
        if call.method == "POST" {
            request = request
                .header("content-type", "application/json")
                .body(call.body.clone());
        }
        let response = request.send().await.unwrap();
        Answer {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.unwrap().to_vec(),
            nonce: call.nonce.clone(),
        }
    }

    /// Checks `Shebao-Signature` against the key set and the request's nonce.
    pub fn verify(&self, answer: &Answer) -> Result<(), String> {
        self.verify_with_nonce(answer, &answer.nonce)
    }

    pub fn verify_with_nonce(&self, answer: &Answer, nonce: &str) -> Result<(), String> {
        let value = answer
            .headers
            .get("shebao-signature")
            .ok_or("no Shebao-Signature")?
            .to_str()
            .map_err(|_| "not text")?;
        let header = ResponseSignatureHeader::parse(value).map_err(|_| "malformed")?;
        let entry = self
            .key_set
            .keys
            .iter()
            .find(|entry| entry.kid == header.kid && entry.key_use == KeyUse::Response)
            .ok_or("untrusted kid")?;
        let key = sign::verifying_key_from_b64(&entry.public_key).map_err(|_| "bad key")?;
        if (unix_now() - header.ts).abs() > sign::WINDOW_SECONDS {
            return Err("outside the window".into());
        }
        let request_id = answer
            .headers
            .get("request-id")
            .ok_or("no Request-Id")?
            .to_str()
            .map_err(|_| "not text")?;
        ResponseParts {
            status: answer.status,
            request_nonce: nonce,
            ts: header.ts,
            request_id,
            body: &answer.body,
        }
        .verify(&key, &header.sig)
        .map_err(|_| "does not verify".to_owned())
    }

    /// A captcha and, through the sandbox route, its answer.
    pub async fn captcha(&self, device: &Device) -> (String, String) {
        let created = self
            .call(
                device,
                Call::post("/v1/captchas", &json!({"purpose": "identity"})),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        let body = created.json();
        assert_eq!(body["expires_in"], 120);
        assert!(
            body["image"]
                .as_str()
                .unwrap()
                .starts_with("data:image/png;base64,")
        );
        let id = body["captcha_id"].as_str().unwrap().to_owned();
        let answer: Value = self
            .http
            .get(self.url(&format!("/sandbox/captchas/{id}/answer")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (id, answer["answer"].as_str().unwrap().to_owned())
    }

    pub async fn confirm_call(&self, device: &Device, name: &str, id_number: &str) -> Answer {
        self.confirm_document_call(device, name, "resident_id_card", id_number)
            .await
    }

    /// Confirms with a document of `id_type` (its wire name), with a fresh captcha.
    pub async fn confirm_document_call(
        &self,
        device: &Device,
        name: &str,
        id_type: &str,
        id_number: &str,
    ) -> Answer {
        let (captcha_id, answer) = self.captcha(device).await;
        self.call(
            device,
            Call::post(
                "/v1/identity/confirmations",
                &json!({
                    "name": name,
                    "id_type": id_type,
                    "id_number": id_number,
                    "captcha_id": captcha_id,
                    "captcha_answer": answer,
                }),
            ),
        )
        .await
    }

    /// Confirms a seeded person and returns the identity token.
    pub async fn confirm(&self, device: &Device, person: (&str, &str)) -> String {
        let answer = self.confirm_call(device, person.0, person.1).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()["identity_token"].as_str().unwrap().to_owned()
    }

    /// Declares all of the person's payables and returns the declaration.
    pub async fn declare_all(&self, device: &Device, token: &str) -> Value {
        let payables = self
            .call(device, Call::get("/v1/payables").token(token))
            .await;
        let ids: Vec<Value> = payables.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].clone())
            .collect();
        let declared = self
            .call(
                device,
                Call::post("/v1/declarations", &json!({"payable_ids": ids}))
                    .fresh_key()
                    .token(token),
            )
            .await;
        assert_eq!(declared.status, 201, "{}", declared.text());
        declared.json()
    }

    /// `POST /v1/declarations` of `payable_ids` under an idempotency key.
    pub async fn declare(
        &self,
        device: &Device,
        token: &str,
        payable_ids: &Value,
        key: &str,
    ) -> Answer {
        self.call(
            device,
            Call::post("/v1/declarations", &json!({"payable_ids": payable_ids}))
                .key(key)
                .token(token),
        )
        .await
    }

    pub async fn create_order(&self, device: &Device, token: &str, declaration_id: &str) -> Answer {
        self.call(
            device,
            Call::post(
                "/v1/payment-orders",
                &json!({"declaration_id": declaration_id}),
            )
            .fresh_key()
            .token(token),
        )
        .await
    }

    pub async fn create_attempt(&self, device: &Device, token: &str, order_id: &str) -> Value {
        let target = format!("/v1/payment-orders/{order_id}/attempts");
        let attempt = self
            .call(
                device,
                Call::post(&target, &json!({"channel": "unionpay"}))
                    .fresh_key()
                    .token(token),
            )
            .await;
        assert_eq!(attempt.status, 201, "{}", attempt.text());
        attempt.json()
    }

    /// `POST /v1/payment-orders/{order_id}/attempts` on `channel`, with a fresh key.
    pub async fn attempt_on(
        &self,
        device: &Device,
        token: &str,
        order_id: &str,
        channel: &str,
    ) -> Answer {
        let target = format!("/v1/payment-orders/{order_id}/attempts");
        self.call(
            device,
            Call::post(&target, &json!({"channel": channel}))
                .fresh_key()
                .token(token),
        )
        .await
    }

    /// Submits the cashier form with a funding source (`bank_card`, `huabei`, `yuebao`,
    /// `wechat_change`) and the test card, as a person choosing that option would.
    pub async fn pay_from(&self, pay_url: &str, source: &str) -> (u16, String) {
        let response = self
            .http
            .post(pay_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("source={source}&card_number=6222020000000000000"))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Pays on the cashier page the way a person would: submits the pre-filled form.
    pub async fn pay_on_cashier(&self, pay_url: &str) -> (u16, String) {
        let response = self
            .http
            .post(pay_url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("source=bank_card&card_number=6222020000000000000")
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Long-polls the order until it is no longer waiting (or `wait` seconds pass).
    pub async fn wait_order(
        &self,
        device: &Device,
        token: &str,
        order_id: &str,
        wait: u32,
    ) -> Value {
        let target = format!("/v1/payment-orders/{order_id}?wait={wait}");
        let answer = self.call(device, Call::get(&target).token(token)).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.json()
    }

    /// One pass of the gateway's recovery job, now.
    pub async fn recover(&self) -> RecoveryReport {
        self.try_recover().await.unwrap()
    }

    /// One pass of the recovery job, which may fail as the background job's may (it logs the
    /// failure and tries again on its next pass).
    pub async fn try_recover(&self) -> Result<RecoveryReport, shebao_gateway::GatewayError> {
        self.gateway
            .as_ref()
            .expect("recovery runs in a gateway this harness started")
            .recover_now()
            .await
    }

    /// A connection to the gateway's database, for checks the API doesn't expose.
    pub async fn database(&self) -> AnyPool {
        self.db.connect().await
    }
}

impl TestGateway {
    /// Takes a seeded person through declaration and payment on the cashier page; returns the
    /// identity token, the declaration and the paid order.
    pub async fn paid_order(
        &self,
        device: &Device,
        person: (&str, &str),
    ) -> (String, Value, Value) {
        let token = self.confirm(device, person).await;
        let (declaration, paid) = self.pay_all(device, &token).await;
        (token, declaration, paid)
    }

    /// Declares all payables of the confirmed person and pays them on the cashier page;
    /// returns the declaration and the paid order.
    pub async fn pay_all(&self, device: &Device, token: &str) -> (Value, Value) {
        let declaration = self.declare_all(device, token).await;
        let order = self
            .create_order(device, token, declaration["id"].as_str().unwrap())
            .await;
        assert_eq!(order.status, 201, "{}", order.text());
        let order_id = order.json()["id"].as_str().unwrap().to_owned();
        let attempt = self.create_attempt(device, token, &order_id).await;
        let (status, page) = self
            .pay_on_cashier(attempt["pay_url"].as_str().unwrap())
            .await;
        assert_eq!(status, 200, "{page}");
        let paid = self.wait_order(device, token, &order_id, 10).await;
        assert_eq!(paid["status"], "paid");
        (declaration, paid)
    }

    /// `POST /v1/certificates` for an order, with a fresh idempotency key.
    pub async fn issue_certificate(&self, device: &Device, token: &str, order_id: &str) -> Answer {
        self.call(
            device,
            Call::post("/v1/certificates", &json!({"order_id": order_id}))
                .fresh_key()
                .token(token),
        )
        .await
    }
}

/// A sandbox gateway (today 2025-06-15) whose simulated channels show `faults`.
pub async fn faulty(backend: &Backend, faults: SandboxFaults) -> TestGateway {
    let db = TestDatabase::new(backend).await;
    let config = GatewayConfig {
        sandbox_faults: faults,
        ..config(&db, true, Some(sandbox_date()))
    };
    launch_with(db, config).await
}

/// What the books say, checked against each other: no order is paid twice, every payment a
/// channel took is known to the gateway (a paying attempt, or a duplicate refunded), every
/// paid order has exactly one paying attempt, and each row's last event is its status.
pub async fn reconcile(pool: &AnyPool) {
    let orders: Vec<(String, String)> = sqlx::query_as("SELECT id, status FROM payment_orders")
        .fetch_all(pool)
        .await
        .unwrap();
    for (order_id, status) in &orders {
        let paying: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, status FROM payment_attempts WHERE order_id = $1 AND duplicate = 0 \
             AND status IN ('succeeded', 'refund_pending', 'refunded')",
        )
        .bind(order_id)
        .fetch_all(pool)
        .await
        .unwrap();
        assert!(
            paying.len() <= 1,
            "order {order_id} is paid twice: {paying:?}"
        );
        match status.as_str() {
            "paid" => assert_eq!(paying.len(), 1, "paid order {order_id} without a payment"),
            "refunded" => assert_eq!(paying[0].1, "refunded", "{order_id}"),
            _ => assert!(paying.is_empty(), "{status} order {order_id} has a payment"),
        }
        let paid_declarations: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM payment_orders WHERE declaration_id = \
             (SELECT declaration_id FROM payment_orders WHERE id = $1) \
             AND status IN ('paid', 'refunded')",
        )
        .bind(order_id)
        .fetch_one(pool)
        .await
        .unwrap();
        assert!(
            paid_declarations <= 1,
            "a declaration is paid by two orders"
        );
    }
    // Every payment a channel took is known, and every duplicate went back.
    let taken: Vec<(String, String)> = sqlx::query_as(
        "SELECT attempt_id, status FROM sandbox_channel_orders WHERE channel_txn_id IS NOT NULL",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (attempt_id, channel_status) in taken {
        let (status, duplicate): (String, i64) =
            sqlx::query_as("SELECT status, duplicate FROM payment_attempts WHERE id = $1")
                .bind(&attempt_id)
                .fetch_one(pool)
                .await
                .unwrap();
        match (channel_status.as_str(), duplicate) {
            ("paid", 0) => assert_eq!(status, "succeeded", "payment of {attempt_id} lost"),
            ("refunded", _) => assert_eq!(status, "refunded", "refund of {attempt_id}"),
            other => panic!("attempt {attempt_id} ({status}) on the channel: {other:?}"),
        }
    }
    // The event log explains every final state.
    for (entity, table) in [
        ("payment_order", "payment_orders"),
        ("payment_attempt", "payment_attempts"),
    ] {
        let rows: Vec<(String, String)> =
            sqlx::query_as(&format!("SELECT id, status FROM {table}"))
                .fetch_all(pool)
                .await
                .unwrap();
        for (id, status) in rows {
            let last: String = sqlx::query_scalar(
                "SELECT to_status FROM events WHERE entity = $1 AND entity_id = $2 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(entity)
            .bind(&id)
            .fetch_one(pool)
            .await
            .unwrap();
            assert_eq!(last, status, "the last event of {entity} {id}");
        }
    }
}
