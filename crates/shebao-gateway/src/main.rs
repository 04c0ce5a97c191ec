//! `shebao-gateway serve`: the reference gateway as a standalone server. Logs are JSON lines
//! on standard output; SIGTERM or Ctrl-C stops it gracefully.

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
    /// Serve until SIGTERM or Ctrl-C.
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
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(false)
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
    } = Cli::parse().command;
    let gateway = match start(GatewayConfig {
        database_path: database,
        sandbox,
        sandbox_date,
        bind,
        tax_office,
        verify_origin,
    })
    .await
    {
        Ok(gateway) => gateway,
        Err(error) => {
            eprintln!("shebao-gateway could not start: {error}");
            return ExitCode::FAILURE;
        }
    };

    if let Err(error) = stop_signal().await {
        eprintln!("cannot wait for a stop signal: {error}");
    }
    tracing::info!("stop signal received; finishing requests in flight");
    gateway.shutdown().await;
    ExitCode::SUCCESS
}

/// SIGTERM (what service managers and orchestrators send) or Ctrl-C.
async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
