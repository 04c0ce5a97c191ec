//! `shebao-gateway`: the reference gateway as a standalone server (`serve`), and the operator
//! commands on its database (`migrate`, `seed`, `admin`).
//!
//! Settings come from a TOML file (`--config`), then `SHEBAO_GATEWAY_*` environment
//! variables, then flags, each overriding the one before; `docs/gateway.md` lists them.
//! Logs are JSON lines on standard error (standard output carries the commands' output);
//! SIGTERM or Ctrl-C stops `serve` gracefully.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use shebao_gateway::{
    AccessLimits, DEFAULT_RECOVERY_INTERVAL, Database, GatewayConfig, Maintenance, Refund,
    Revocation, SandboxFaults, start,
};
use tracing_subscriber::EnvFilter;

/// The prefix of every environment variable the gateway reads.
const ENV_PREFIX: &str = "SHEBAO_GATEWAY_";
/// The database when no setting names one.
const DEFAULT_DATABASE: &str = "shebao-gateway.sqlite3";

#[derive(Debug, Parser)]
#[command(
    name = "shebao-gateway",
    version,
    about = "Shebao reference gateway (protocol v1)"
)]
struct Cli {
    /// A TOML settings file (see gateway.example.toml); also SHEBAO_GATEWAY_CONFIG.
    #[arg(long, global = true, env = "SHEBAO_GATEWAY_CONFIG")]
    config: Option<PathBuf>,
    /// The database: a SQLite file path (or sqlite:<path>) or a postgres:// URL.
    #[arg(long, global = true, visible_alias = "database-url")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database, then serve until Ctrl-C or SIGTERM.
    Serve(ServeFlags),
    /// Apply the database migrations not applied yet, and exit.
    Migrate,
    /// Migrate, then add the fictional people (population register, insured people with a
    /// payable assessment); does nothing when they were added before.
    Seed {
        /// The date whose month or quarter the assessments cover (YYYY-MM-DD); default: today
        /// in UTC+8.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Also fill a load-test population up to this many fictional people (for benchmarks),
        /// each insured with the month containing the date payable.
        #[arg(long)]
        population: Option<u32>,
    },
    /// Operator commands.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// List enrolled devices: id, enrolment time, status.
    ListDevices,
    /// Revoke a device key: its signed requests are refused with `device_revoked` from now on.
    RevokeDevice {
        /// The device id (`dev_…`, the `kid` of its signatures).
        device_id: String,
    },
    /// Set the money the (sandbox) channels took against the payments kept and refunded; exits
    /// 1 on a double charge, a lost payment or a payment without evidence.
    Reconcile,
    /// Refund a paid payment for an approved refund application: the money goes back through
    /// its channel, the payment and its certificates report `refunded`.
    Refund {
        /// The payment order (`ord_…`) or its electronic tax ticket number (电子税票号码).
        payment: String,
        /// Why: the approved refund application (kept with the payment).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Args, Serialize)]
struct ServeFlags {
    /// The address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<SocketAddr>,
    /// Fictional people, the simulated payment channels and the sandbox-only routes.
    #[arg(long)]
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    sandbox: bool,
    /// The sandbox's "today" (YYYY-MM-DD); needs sandbox mode.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    sandbox_date: Option<NaiveDate>,
    /// The issuing tax office printed on certificates; required outside sandbox mode.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    tax_office: Option<String>,
    /// The origin certificate QR codes point at, e.g. https://v.example.cn; required outside
    /// sandbox mode (the sandbox uses its own address).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    verify_origin: Option<String>,
    /// Database connections of this process (default 4 on SQLite, 10 on PostgreSQL).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    database_max_connections: Option<u32>,
    /// A policy table file (the layout of crates/shebao-core/policy/ningxia.toml) to use
    /// instead of the built-in Ningxia table; refused at start when it does not validate.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<PathBuf>,
    /// The header a trusted reverse proxy writes the client's address into (its last entry counts), e.g. X-Forwarded-For; default: the connection's peer address.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    client_address_header: Option<String>,
    /// The rate-limit window in seconds (default 600).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    limit_window_seconds: Option<u32>,
    /// Captchas, identity confirmations, registrations or logins from one client address per window (default 30; sandbox 10000).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    limit_per_address: Option<u32>,
    /// Identity confirmations or logins naming one document number per window (default 10; sandbox 1000).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    limit_per_id_number: Option<u32>,
    /// Wrong passwords in a row that lock an account (default 5).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    login_failures: Option<u32>,
    /// How long a locked account stays locked, in seconds (default 900).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    lock_seconds: Option<u32>,
    /// How long a login session lasts, in seconds (default 1800).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    session_seconds: Option<u32>,
    /// The social insurance agency (经办机构) new registrations are made with. Unset: the
    /// sandbox's demonstration agency, or the policy region's agency outside sandbox mode.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    agency: Option<String>,
    /// Seconds from an assessment to the end of its transmission (传输) to the tax side
    /// (default 3 in sandbox mode, 600 otherwise; 300–900 in reality).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    transmission_delay_seconds: Option<u64>,
    /// Seconds between passes of the recovery job (default 30).
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_interval_seconds: Option<u64>,
}

/// Every setting, as the file, the environment and the flags give it.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_max_connections: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<SocketAddr>,
    #[serde(default)]
    sandbox: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    sandbox_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tax_office: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verify_origin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_address_header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit_window_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit_per_address: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit_per_id_number: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    login_failures: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lock_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_seconds: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transmission_delay_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_interval_seconds: Option<u64>,
    /// A table in the file, `{lose_notifications = true, ...}` in the environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    sandbox_faults: Option<SandboxFaults>,
}

/// The setting names, which are also the file's keys and (upper-cased, prefixed) the
/// environment variables.
const SETTING_NAMES: [&str; 19] = [
    "database_url",
    "database_max_connections",
    "bind",
    "sandbox",
    "sandbox_date",
    "tax_office",
    "verify_origin",
    "policy",
    "client_address_header",
    "limit_window_seconds",
    "limit_per_address",
    "limit_per_id_number",
    "login_failures",
    "lock_seconds",
    "session_seconds",
    "agency",
    "transmission_delay_seconds",
    "recovery_interval_seconds",
    "sandbox_faults",
];

/// File, then environment, then flags.
fn settings(cli: &Cli) -> Result<Settings, String> {
    let mut figment = Figment::new();
    if let Some(path) = &cli.config {
        if !path.is_file() {
            return Err(format!("no settings file at {}", path.display()));
        }
        figment = figment.merge(Toml::file_exact(path));
    }
    figment = figment.merge(Env::prefixed(ENV_PREFIX).only(&SETTING_NAMES));
    if let Command::Serve(flags) = &cli.command {
        figment = figment.merge(Serialized::defaults(flags));
    }
    if let Some(database) = &cli.database {
        figment = figment.merge(Serialized::default("database_url", database));
    }
    figment.extract().map_err(|error| error.to_string())
}

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr; stdout carries the commands' output.
    tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx::postgres::notice=warn")),
        )
        .init();

    let cli = Cli::parse();
    let settings = match settings(&cli) {
        Ok(settings) => settings,
        Err(error) => return fail(&format!("invalid settings: {error}")),
    };
    let database =
        match Database::parse(settings.database_url.as_deref().unwrap_or(DEFAULT_DATABASE)) {
            Ok(database) => database,
            Err(error) => return fail(&format!("invalid settings: {error}")),
        };
    match cli.command {
        Command::Serve(_) => serve(database, settings).await,
        Command::Migrate => {
            with_database(&database, async |db| {
                db.migrate().await?;
                println!("migrated {database}");
                Ok(())
            })
            .await
        }
        Command::Seed { date, population } => {
            with_database(&database, async |db| {
                if db.seed(date).await? {
                    println!("seeded the fictional people into {database}");
                } else {
                    println!("{database} was seeded before; nothing changed");
                }
                if let Some(size) = population {
                    let added = db.seed_population(size, date).await?;
                    println!("load-test population: {size} people ({added} added)");
                }
                Ok(())
            })
            .await
        }
        Command::Admin(_) if !database.exists() => fail(&format!(
            "there is no database at {database}: give the one the gateway serves (--database), \
             or run `shebao-gateway migrate` first"
        )),
        Command::Admin(AdminCommand::ListDevices) => {
            with_database(&database, async |db| {
                let devices = db.devices().await?;
                if devices.is_empty() {
                    println!("no device has enrolled with {database}");
                }
                for device in devices {
                    let status = match device.revoked_at {
                        Some(at) => format!("revoked {}", utc(at)),
                        None => "active".to_owned(),
                    };
                    println!("{}\t{}\t{status}", device.id, utc(device.enrolled_at));
                }
                Ok(())
            })
            .await
        }
        Command::Admin(AdminCommand::RevokeDevice { device_id }) => {
            let mut unknown = false;
            let code = with_database(&database, async |db| {
                match db.revoke_device(&device_id).await? {
                    Revocation::Revoked => println!("revoked {device_id}"),
                    Revocation::AlreadyRevoked => println!("{device_id} was revoked before"),
                    Revocation::Unknown => unknown = true,
                }
                Ok(())
            })
            .await;
            if unknown {
                return fail(&format!("no device {device_id}"));
            }
            code
        }
        Command::Admin(AdminCommand::Reconcile) => {
            let mut sound = true;
            let code = with_database(&database, async |db| {
                let found = db.reconcile().await?;
                println!(
                    "taken {} · kept {} · refunded {} · refund pending {} · double charged {} · \
                     lost {} · paid without evidence {}",
                    found.taken,
                    found.kept,
                    found.refunded,
                    found.refund_pending,
                    found.double_charged,
                    found.lost,
                    found.paid_without_evidence
                );
                sound = found.is_sound();
                Ok(())
            })
            .await;
            if !sound {
                return fail("the books do not reconcile");
            }
            code
        }
        Command::Admin(AdminCommand::Refund { payment, reason }) => {
            let mut refusal = None;
            let code = with_database(&database, async |db| {
                match db.refund(&payment, &reason).await? {
                    Refund::Refunded {
                        order_id,
                        ticket_number,
                    } => println!("refunded {order_id} (ticket {ticket_number})"),
                    Refund::Pending => println!(
                        "refund of {payment} asked for; the channel has not confirmed it yet \
                         (the gateway's recovery job finishes it)"
                    ),
                    Refund::NotFound => refusal = Some(format!("no payment {payment}")),
                    Refund::NotPaid => {
                        refusal = Some(format!("{payment} is not paid (or already refunded)"));
                    }
                }
                Ok(())
            })
            .await;
            if let Some(refusal) = refusal {
                return fail(&refusal);
            }
            code
        }
    }
}

async fn serve(database: Database, settings: Settings) -> ExitCode {
    let Some(bind) = settings.bind else {
        return fail("serve needs an address to listen on: --bind, SHEBAO_GATEWAY_BIND or bind");
    };
    let access_limits = access_limits(&settings);
    let gateway = match start(GatewayConfig {
        database,
        database_max_connections: settings.database_max_connections,
        sandbox: settings.sandbox,
        sandbox_date: settings.sandbox_date,
        bind,
        tax_office: settings.tax_office,
        verify_origin: settings.verify_origin,
        policy_path: settings.policy,
        access_limits,
        client_address_header: settings.client_address_header,
        agency: settings.agency,
        transmission_delay: settings
            .transmission_delay_seconds
            .map(std::time::Duration::from_secs),
        sandbox_faults: settings.sandbox_faults.unwrap_or_default(),
        recovery_interval: settings
            .recovery_interval_seconds
            .map_or(DEFAULT_RECOVERY_INTERVAL, std::time::Duration::from_secs),
    })
    .await
    {
        Ok(gateway) => gateway,
        Err(error) => return fail(&format!("could not start: {error}")),
    };
    println!("shebao-gateway listening on {}", gateway.origin);
    stopped().await;
    tracing::info!("stop signal received; finishing requests in flight");
    gateway.shutdown().await;
    ExitCode::SUCCESS
}

/// The sandbox's or a public gateway's default limits, with the ones the settings give.
fn access_limits(settings: &Settings) -> AccessLimits {
    let defaults = if settings.sandbox {
        AccessLimits::sandbox()
    } else {
        AccessLimits::default()
    };
    AccessLimits {
        window_seconds: settings
            .limit_window_seconds
            .unwrap_or(defaults.window_seconds),
        per_address: settings.limit_per_address.unwrap_or(defaults.per_address),
        per_id_number: settings
            .limit_per_id_number
            .unwrap_or(defaults.per_id_number),
        login_failures: settings.login_failures.unwrap_or(defaults.login_failures),
        lock_seconds: settings.lock_seconds.unwrap_or(defaults.lock_seconds),
        session_seconds: settings.session_seconds.unwrap_or(defaults.session_seconds),
    }
}

/// Ctrl-C, or (on Unix) SIGTERM from a service manager.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
                return;
            }
            Err(error) => eprintln!("cannot wait for SIGTERM: {error}"),
        }
    }
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {error}");
    }
}

/// Opens the database, runs `command`, closes it; the exit code says how it went.
async fn with_database(
    database: &Database,
    command: impl AsyncFnOnce(&Maintenance) -> Result<(), shebao_gateway::GatewayError>,
) -> ExitCode {
    let db = match Maintenance::open(database).await {
        Ok(db) => db,
        Err(error) => return fail(&format!("cannot open {database}: {error}")),
    };
    let outcome = command(&db).await;
    db.close().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error.to_string()),
    }
}

fn utc(unix_seconds: i64) -> String {
    chrono::DateTime::from_timestamp(unix_seconds, 0)
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_else(|| unix_seconds.to_string())
}

fn fail(message: &str) -> ExitCode {
    eprintln!("shebao-gateway: {message}");
    ExitCode::FAILURE
}
