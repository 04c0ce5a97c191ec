//! `shebao-gateway serve`: the reference gateway as a standalone server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use shebao_gateway::{GatewayConfig, start};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "shebao-gateway",
    version,
    about = "Shebao reference gateway (protocol v1)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve until Ctrl-C.
    Serve {
        /// The SQLite file (created and migrated when missing).
        #[arg(long)]
        database: PathBuf,
        /// The address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        bind: SocketAddr,
        /// Fictional people, the simulated UnionPay channel and the sandbox-only routes.
        #[arg(long)]
        sandbox: bool,
        /// The sandbox's "today" (YYYY-MM-DD); needs --sandbox.
        #[arg(long, requires = "sandbox")]
        sandbox_date: Option<NaiveDate>,
        /// The issuing tax office printed on certificates; required without --sandbox.
        #[arg(long)]
        tax_office: Option<String>,
        /// The origin certificate QR codes point at, e.g. https://v.example.cn; required
        /// without --sandbox (the sandbox uses its own address).
        #[arg(long)]
        verify_origin: Option<String>,
        /// A policy table file (the layout of crates/shebao-core/policy/ningxia.toml) to use
        /// instead of the built-in Ningxia table; refused at start when it does not validate.
        #[arg(long)]
        policy: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let Command::Serve {
        database,
        bind,
        sandbox,
        sandbox_date,
        tax_office,
        verify_origin,
        policy,
    } = Cli::parse().command;
    let gateway = match start(GatewayConfig {
        database_path: database,
        sandbox,
        sandbox_date,
        bind,
        tax_office,
        verify_origin,
        policy_path: policy,
    })
    .await
    {
        Ok(gateway) => gateway,
        Err(error) => {
            eprintln!("shebao-gateway could not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("shebao-gateway listening on {}", gateway.origin);

    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("cannot wait for Ctrl-C: {error}");
    }
    gateway.shutdown().await;
    ExitCode::SUCCESS
}
