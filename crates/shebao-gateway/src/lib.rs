//! The reference tax / social-security gateway of protocol v1: device enrollment, signed
//! requests and responses, identity confirmation, payables, declarations, payment orders and
//! attempts, exception handling and recovery, and (in sandbox mode) fictional people and five
//! simulated payment channels.
//!
//! The Tauri app embeds it in-process with [`start`]; the `shebao-gateway` binary runs the
//! same thing as a standalone server, on SQLite or PostgreSQL ([`Database`]), and its operator
//! commands through [`Maintenance`].

mod app;
mod captcha;
mod channels;
mod clock;
mod error;
mod extract;
mod html;
mod idempotency;
mod ids;
mod keys;
mod limits;
mod maintenance;
mod metrics;
mod openapi;
mod passwords;
mod recovery;
mod routes;
mod sandbox;
mod signed;
mod state;
mod store;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use shebao_core::policy::{PolicyError, PolicyTable};
use shebao_core::wire::KeySet;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::state::{AppState, Inner};
use crate::store::Store;

pub use crate::limits::AccessLimits;
pub use crate::maintenance::{DeviceStatus, Maintenance, Reconciliation, Refund, Revocation};
pub use crate::sandbox::seed::load_identity;
pub use crate::store::Database;

/// How long [`RunningGateway::shutdown`] waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// How a gateway starts.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// The database: a SQLite file, created (with its folder) when missing, or a PostgreSQL
    /// database. Migrated on start either way.
    pub database: Database,
    /// Pool size of this process. Unset: 4 on SQLite, 10 on PostgreSQL.
    pub database_max_connections: Option<u32>,
    /// Fictional people, the simulated channel and the sandbox-only routes.
    pub sandbox: bool,
    /// The sandbox's "today"; only allowed with `sandbox`. Unset: the date in UTC+8.
    pub sandbox_date: Option<NaiveDate>,
    /// `127.0.0.1:0` for an embedded gateway.
    pub bind: SocketAddr,
    /// The issuing tax office (税务机关) printed on certificates. Unset: in sandbox mode
    /// [`SANDBOX_TAX_OFFICE`]; outside sandbox mode the gateway refuses to start.
    pub tax_office: Option<String>,
    /// The origin (`https://host[:port]`) certificate QR codes point at, where `/C/<payload>`
    /// is answered. Unset: in sandbox mode the gateway's own origin; outside sandbox mode the
    /// gateway refuses to start.
    pub verify_origin: Option<String>,
    /// A policy table file in the layout of `crates/shebao-core/policy/ningxia.toml`, read and
    /// validated at start instead of the table built in. Unset: the built-in Ningxia table.
    pub policy_path: Option<PathBuf>,
    /// Rate limits, wrong-password lockout and session lifetime.
    pub access_limits: AccessLimits,
    /// The header a trusted reverse proxy writes the client's address into (e.g.
    /// `X-Forwarded-For`; its last entry counts). Unset: the connection's peer address. Set it
    /// only behind a proxy that writes the header, else clients choose their own address.
    pub client_address_header: Option<String>,
    /// The social insurance agency (经办机构) registrations are made with. Unset: in sandbox
    /// mode [`SANDBOX_AGENCY`]; outside it, the policy region's social insurance agency.
    pub agency: Option<String>,
    /// From an assessment to the end of its transmission (传输) to the tax side, when its
    /// items become payable. Unset: [`SANDBOX_TRANSMISSION_DELAY`] in sandbox mode,
    /// [`TRANSMISSION_DELAY`] outside it (5–15 minutes in reality).
    pub transmission_delay: Option<Duration>,
    /// Misbehaviour of the simulated channels; only allowed with `sandbox`.
    pub sandbox_faults: SandboxFaults,
    /// How often the recovery job queries the channels about attempts without an outcome
    /// and refunds duplicate payments. Default [`DEFAULT_RECOVERY_INTERVAL`].
    pub recovery_interval: Duration,
}

/// The recovery job's interval unless configured.
pub const DEFAULT_RECOVERY_INTERVAL: Duration = Duration::from_secs(30);

/// Faults the simulated channels can be told to show, to exercise the gateway's recovery.
/// All off by default. Each fault that is on applies to every channel order unless its
/// [`FaultShares`] entry says otherwise: then a draw seeded by [`SandboxFaults::seed`] and the
/// order picks the orders it applies to, so that faults that exclude each other on one order
/// (a lost and a duplicated notification) can both be on at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxFaults {
    /// Payment notifications are never sent: only the recovery job's query finds payments.
    pub lose_notifications: bool,
    /// Each payment notification is delivered twice.
    pub duplicate_notifications: bool,
    /// Each payment notification is sent this many milliseconds after the payment (0: at once).
    pub late_notification_ms: u64,
    /// The first this-many queries of each channel order time out.
    pub query_timeouts: u32,
    /// Closing a channel order is acknowledged but the cashier still takes the money: a
    /// payment can land after its order was voided.
    pub pay_after_void: bool,
    /// The percentage of channel orders each fault applies to; 100 (every order) unless given.
    pub share: FaultShares,
    /// Seeds the stream each new channel order draws from, which decides the faults with a
    /// share below 100 it shows. Unset: a random seed at each start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// One of the [`SandboxFaults`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    LoseNotifications,
    DuplicateNotifications,
    LateNotification,
    QueryTimeouts,
    PayAfterVoid,
}

impl Fault {
    /// Mixed into an order's draw, so that the faults pick their orders independently.
    fn salt(self) -> u64 {
        match self {
            Self::LoseNotifications => 0x9e37_79b9_7f4a_7c15,
            Self::DuplicateNotifications => 0xbf58_476d_1ce4_e5b9,
            Self::LateNotification => 0x94d0_49bb_1331_11eb,
            Self::QueryTimeouts => 0x2545_f491_4f6c_dd1d,
            Self::PayAfterVoid => 0x6a09_e667_f3bc_c908,
        }
    }
}

/// The percentage (0 to 100) of channel orders each fault applies to, when it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaultShares {
    pub lose_notifications: u8,
    pub duplicate_notifications: u8,
    pub late_notification: u8,
    pub query_timeouts: u8,
    pub pay_after_void: u8,
}

impl Default for FaultShares {
    fn default() -> Self {
        Self {
            lose_notifications: 100,
            duplicate_notifications: 100,
            late_notification: 100,
            query_timeouts: 100,
            pay_after_void: 100,
        }
    }
}

impl FaultShares {
    fn of(&self, fault: Fault) -> u8 {
        match fault {
            Fault::LoseNotifications => self.lose_notifications,
            Fault::DuplicateNotifications => self.duplicate_notifications,
            Fault::LateNotification => self.late_notification,
            Fault::QueryTimeouts => self.query_timeouts,
            Fault::PayAfterVoid => self.pay_after_void,
        }
    }
}

impl SandboxFaults {
    /// Whether any fault is on (a share alone turns nothing on).
    pub fn any(&self) -> bool {
        self.lose_notifications
            || self.duplicate_notifications
            || self.late_notification_ms > 0
            || self.query_timeouts > 0
            || self.pay_after_void
    }

    fn validate(&self) -> Result<(), GatewayError> {
        let shares = &self.share;
        let all = [
            shares.lose_notifications,
            shares.duplicate_notifications,
            shares.late_notification,
            shares.query_timeouts,
            shares.pay_after_void,
        ];
        if all.iter().any(|share| *share > 100) {
            return Err(GatewayError::Config(
                "a sandbox fault's share is a percentage from 0 to 100",
            ));
        }
        Ok(())
    }

    /// Whether a fault that is on applies to a channel order with `draw`, its number from the
    /// stream seeded by [`SandboxFaults::seed`]; each fault looks at the draw its own way.
    pub(crate) fn applies(&self, fault: Fault, draw: u64) -> bool {
        use rand::{Rng, SeedableRng};

        let share = self.share.of(fault);
        if share >= 100 {
            return true;
        }
        if share == 0 {
            return false;
        }
        rand::rngs::StdRng::seed_from_u64(draw ^ fault.salt()).gen_range(0..100) < share
    }
}

impl GatewayConfig {
    /// A sandbox gateway on a SQLite file at `bind`, with every other setting at its default
    /// (the sandbox's own tax office and verification origin, the built-in policy table).
    pub fn sandbox(
        sqlite_file: PathBuf,
        bind: SocketAddr,
        sandbox_date: Option<NaiveDate>,
    ) -> Self {
        Self {
            database: Database::Sqlite(sqlite_file),
            database_max_connections: None,
            sandbox: true,
            sandbox_date,
            bind,
            tax_office: None,
            verify_origin: None,
            policy_path: None,
            access_limits: AccessLimits::sandbox(),
            client_address_header: None,
            agency: None,
            transmission_delay: None,
            sandbox_faults: SandboxFaults::default(),
            recovery_interval: DEFAULT_RECOVERY_INTERVAL,
        }
    }
}

/// The social insurance agency (经办机构) of a sandbox gateway's registrations unless
/// configured otherwise.
pub const SANDBOX_AGENCY: &str = "银川市社会保险事业管理中心（演示）";
/// Transmission time of a sandbox gateway unless configured: short, so a tester waits seconds.
pub const SANDBOX_TRANSMISSION_DELAY: Duration = Duration::from_secs(3);
/// Transmission time outside sandbox mode unless configured: within the 5–15 minutes the
/// real hand-over takes.
pub const TRANSMISSION_DELAY: Duration = Duration::from_secs(600);

/// The issuing tax office a sandbox gateway prints unless configured otherwise.
pub const SANDBOX_TAX_OFFICE: &str = "国家税务总局银川市税务局（演示）";

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("invalid configuration: {0}")]
    Config(&'static str),
    /// A command-line argument an operator gave is refused.
    #[error("{0}")]
    Argument(&'static str),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("cannot create the database folder: {0}")]
    Folder(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("stored key is unusable: {0}")]
    Key(&'static str),
    #[error("policy table: {0}")]
    Policy(#[from] PolicyError),
    #[error("cannot read the policy table file: {0}")]
    PolicyFile(std::io::Error),
    #[error("sandbox seed: {0}")]
    Seed(String),
    #[error("http client: {0}")]
    Http(#[from] reqwest::Error),
}

/// A gateway serving in the background. Dropping it stops the server too, without waiting;
/// [`RunningGateway::shutdown`] waits for requests in flight to finish.
pub struct RunningGateway {
    /// `http://127.0.0.1:PORT`: what the app's client talks to.
    pub origin: String,
    /// The keys the app trusts for response signatures (the embedded gateway hands them over
    /// in-process; the same set is served at `/.well-known/shebao-keys`).
    pub key_set: KeySet,
    pub sandbox_date: Option<NaiveDate>,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    janitor: JoinHandle<()>,
    recovery: JoinHandle<()>,
    state: AppState,
}

impl std::fmt::Debug for RunningGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningGateway")
            .field("origin", &self.origin)
            .field("sandbox_date", &self.sandbox_date)
            .finish_non_exhaustive()
    }
}

impl RunningGateway {
    /// Stops accepting connections, lets requests in flight finish (long polls return at
    /// once; connections still open after 30 s are cut), then closes the database.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut self.server).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "gateway server task ended abnormally"),
            Err(_) => {
                tracing::warn!("connections still open after the grace period; closing them");
                self.server.abort();
            }
        }
        self.janitor.abort();
        self.recovery.abort();
        self.state.store.close().await;
        tracing::info!("gateway stopped");
    }

    /// Runs one pass of the recovery job now (the background job runs the same on its
    /// interval): queries the channels about attempts without an outcome, applies what they
    /// report and refunds duplicate payments. What the pass did.
    pub async fn recover_now(&self) -> Result<RecoveryReport, GatewayError> {
        recovery::run_once(&self.state).await
    }
}

pub use crate::recovery::RecoveryReport;

/// Opens (creating and migrating) the database, creates the gateway's keys on first start,
/// seeds the sandbox on its first start, binds and serves in a background task.
pub async fn start(config: GatewayConfig) -> Result<RunningGateway, GatewayError> {
    if config.sandbox_date.is_some() && !config.sandbox {
        return Err(GatewayError::Config("a sandbox date needs sandbox mode"));
    }
    if config.sandbox_faults.any() && !config.sandbox {
        return Err(GatewayError::Config("sandbox faults need sandbox mode"));
    }
    config.sandbox_faults.validate()?;
    if config.recovery_interval.is_zero() {
        return Err(GatewayError::Config(
            "the recovery interval must be longer than zero",
        ));
    }
    let tax_office = match config.tax_office.as_deref().map(str::trim) {
        Some(office) if !office.is_empty() => office.to_owned(),
        Some(_) => return Err(GatewayError::Config("the tax office is empty")),
        None if config.sandbox => SANDBOX_TAX_OFFICE.to_owned(),
        None => {
            return Err(GatewayError::Config(
                "a gateway outside sandbox mode needs a tax office (the tax_office setting: \
                 --tax-office or SHEBAO_GATEWAY_TAX_OFFICE)",
            ));
        }
    };
    let verify_origin = match config.verify_origin.as_deref() {
        Some(origin) => Some(verify_origin_of(origin)?),
        None if config.sandbox => None,
        None => {
            return Err(GatewayError::Config(
                "a gateway outside sandbox mode needs a verification origin (the verify_origin \
                 setting: --verify-origin or SHEBAO_GATEWAY_VERIFY_ORIGIN)",
            ));
        }
    };
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| GatewayError::Bind {
            addr: config.bind,
            source,
        })?;
    let local = listener.local_addr().map_err(|source| GatewayError::Bind {
        addr: config.bind,
        source,
    })?;
    let origin = origin_of(local);
    let (stop, stopped) = watch::channel(false);
    let state = prepare(&config, tax_office, verify_origin, &origin, stopped.clone()).await?;
    let key_set = state.keys.key_set.clone();
    let router = app::router(state.clone());

    let mut shutdown_signal = stopped.clone();
    let server = tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let serving = axum::serve(listener, service).with_graceful_shutdown(async move {
            // A dropped sender counts as a stop as well.
            let _ = shutdown_signal.wait_for(|stop| *stop).await;
        });
        if let Err(error) = serving.await {
            tracing::error!(%error, "gateway server failed");
        }
    });
    let janitor = tokio::spawn(janitor(state.clone(), stopped.clone()));
    let recovery = tokio::spawn(recovery::job(
        state.clone(),
        config.recovery_interval,
        stopped,
    ));
    tracing::info!(%origin, sandbox = config.sandbox, "gateway listening");

    Ok(RunningGateway {
        origin,
        key_set,
        sandbox_date: config.sandbox_date,
        stop,
        server,
        janitor,
        recovery,
        state,
    })
}

/// Opens (creating and migrating) the database, loads or creates the keys, seeds the sandbox
/// on its first start: everything the handlers reach, for a gateway answering at `origin`.
async fn prepare(
    config: &GatewayConfig,
    tax_office: String,
    verify_origin: Option<String>,
    origin: &str,
    stopped: watch::Receiver<bool>,
) -> Result<AppState, GatewayError> {
    let clock = Clock::new(config.sandbox_date);
    config
        .access_limits
        .validate()
        .map_err(GatewayError::Config)?;
    let address_header =
        match config.client_address_header.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) => Some(axum::http::HeaderName::try_from(name).map_err(|_| {
                GatewayError::Config("the client address header is not a header name")
            })?),
        };
    let policy = match &config.policy_path {
        Some(path) => {
            PolicyTable::parse(&std::fs::read_to_string(path).map_err(GatewayError::PolicyFile)?)?
        }
        None => PolicyTable::ningxia()?,
    };

    let agency = match config.agency.as_deref().map(str::trim) {
        Some(agency) if !agency.is_empty() => agency.to_owned(),
        Some(_) => return Err(GatewayError::Config("the agency is empty")),
        None if config.sandbox => SANDBOX_AGENCY.to_owned(),
        None => format!("{}社会保险事业管理局", policy.region_name),
    };
    let transmission_delay = config.transmission_delay.unwrap_or(if config.sandbox {
        SANDBOX_TRANSMISSION_DELAY
    } else {
        TRANSMISSION_DELAY
    });
    let transmission_delay = i64::try_from(transmission_delay.as_secs())
        .map_err(|_| GatewayError::Config("the transmission delay is too long"))?;

    let store = open_store(&config.database, config.database_max_connections).await?;
    store.migrate().await?;
    let keys = keys::load_or_create(&store, clock.now()).await?;
    if config.sandbox {
        sandbox::prepare(&store, &clock).await?;
    }
    let pepper = store.rate_limit_pepper(&ids::secret_token()).await?;
    let limiter = limits::Limiter::new(config.access_limits, address_header, pepper);
    let channel_keys = channels::ChannelKeys::load(&store).await?;
    let channels = if config.sandbox {
        Some(
            sandbox::cashier::SandboxChannels::load(
                &store,
                clock,
                origin,
                config.sandbox_faults.clone(),
            )
            .await?,
        )
    } else {
        None
    };
    Ok(AppState(Arc::new(Inner {
        store,
        clock,
        sandbox: config.sandbox,
        keys,
        verify_origin: verify_origin.unwrap_or_else(|| origin.to_owned()),
        tax_office,
        channel_keys,
        policy,
        agency,
        transmission_delay,
        channels,
        stopped,
        limiter,
        metrics: metrics::Metrics::default(),
    })))
}

/// Connects to the database, first creating a SQLite file's folder.
async fn open_store(
    database: &Database,
    max_connections: Option<u32>,
) -> Result<Store, GatewayError> {
    if let Database::Sqlite(path) = database
        && let Some(folder) = path.parent()
        && !folder.as_os_str().is_empty()
    {
        std::fs::create_dir_all(folder).map_err(GatewayError::Folder)?;
    }
    Ok(Store::open(database, max_connections).await?)
}

/// The origin clients use: an unspecified bind address is reached through loopback.
fn origin_of(local: SocketAddr) -> String {
    let ip = match local.ip() {
        ip if !ip.is_unspecified() => ip,
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
    };
    format!("http://{}", SocketAddr::new(ip, local.port()))
}

/// A configured verification origin, checked and reduced to `scheme://host[:port]`: http or
/// https, a host, nothing after it but an optional `/`.
fn verify_origin_of(text: &str) -> Result<String, GatewayError> {
    const INVALID: GatewayError = GatewayError::Config(
        "the verification origin must be http(s)://host[:port] with no path, query or user",
    );
    let url = reqwest::Url::parse(text.trim()).map_err(|_| INVALID)?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.has_host()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !plain {
        return Err(INVALID);
    }
    Ok(url.origin().ascii_serialization())
}

/// Forgets what has expired: nonces, idempotency records, captchas, identity tokens,
/// sessions, rate-limit windows.
async fn janitor(state: AppState, mut stopped: watch::Receiver<bool>) {
    loop {
        if let Err(error) = state.store.prune(state.clock.now()).await {
            tracing::warn!(%error, "pruning expired rows failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stopped.wait_for(|stop| *stop) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use figment::Figment;
    use figment::providers::{Format, Toml};
    use rand::rngs::StdRng;
    use rand::{RngCore, SeedableRng};

    use super::*;

    fn faults(toml: &str) -> SandboxFaults {
        Figment::from(Toml::string(toml)).extract().unwrap()
    }

    #[test]
    fn should_read_faults_without_shares_as_applying_to_every_order() {
        let read = faults("lose_notifications = true\nquery_timeouts = 2\n");
        assert!(read.lose_notifications);
        assert_eq!(read.query_timeouts, 2);
        assert_eq!(read.share, FaultShares::default());
        assert_eq!(read.seed, None);
        assert!(read.validate().is_ok());
        for draw in [0, 1, u64::MAX] {
            assert!(read.applies(Fault::LoseNotifications, draw));
        }
    }

    #[test]
    fn should_apply_a_fault_to_its_share_of_orders() {
        let read = faults(
            "lose_notifications = true\nduplicate_notifications = true\nseed = 7\n\
             [share]\nlose_notifications = 30\nduplicate_notifications = 0\n",
        );
        assert_eq!(read.seed, Some(7));
        assert_eq!(read.share.pay_after_void, 100);
        let mut stream = StdRng::seed_from_u64(7);
        let draws: Vec<u64> = (0..2000).map(|_| stream.next_u64()).collect();
        let lost = draws
            .iter()
            .filter(|draw| read.applies(Fault::LoseNotifications, **draw))
            .count();
        assert!((480..720).contains(&lost), "{lost} of 2000");
        assert!(
            draws
                .iter()
                .all(|draw| !read.applies(Fault::DuplicateNotifications, *draw))
        );
        // The same draw always decides the same.
        assert_eq!(
            read.applies(Fault::LoseNotifications, draws[0]),
            read.applies(Fault::LoseNotifications, draws[0])
        );
    }

    #[test]
    fn should_refuse_a_share_above_100_percent_and_unknown_keys() {
        assert!(
            faults("[share]\nquery_timeouts = 101\n")
                .validate()
                .is_err()
        );
        let unknown: Result<SandboxFaults, _> =
            Figment::from(Toml::string("[share]\nlose = 10\n")).extract();
        assert!(unknown.is_err());
    }

    #[test]
    fn should_count_a_share_alone_as_no_fault() {
        assert!(!faults("[share]\nlose_notifications = 10\n").any());
        assert!(faults("late_notification_ms = 5\n").any());
    }
}
