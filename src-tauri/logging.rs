//! Logs to a daily rolling file in the app's log folder (and stderr in debug builds).
//! Personal data never reaches them: ID numbers, names and tokens are masked types or
//! are not logged at all.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

/// Logs at `RUST_LOG`'s levels, `info` by default.
pub fn init(log_dir: &Path) -> std::io::Result<WorkerGuard> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    init_with(log_dir, filter)
}

pub fn init_with(log_dir: &Path, filter: EnvFilter) -> std::io::Result<WorkerGuard> {
    std::fs::create_dir_all(log_dir)?;
    let appender = tracing_appender::rolling::daily(log_dir, "shebao.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let file_layer = fmt::layer().json().with_writer(writer);
    let stderr_layer = cfg!(debug_assertions).then(|| fmt::layer().with_writer(std::io::stderr));
    // A second init (tests) keeps the first subscriber.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    Ok(guard)
}

/// Deletes the log files ("clear this device"); the app logs on into a new file.
pub fn clear(log_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(log_dir) else {
        return;
    };
    for entry in entries.flatten() {
        if let Err(error) = std::fs::remove_file(entry.path()) {
            tracing::warn!(%error, "a log file could not be deleted");
        }
    }
}
