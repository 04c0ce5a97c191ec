//! The Tauri shell of 社保缴费助手: starts the embedded sandbox gateway, enrolls this device
//! with a key kept in the OS keyring, and exposes one thin command per user action.

mod certificates;
mod commands;
mod error;
mod logging;
mod secrets;
mod state;

use std::path::PathBuf;

use tauri::Manager;
use tauri::path::BaseDirectory;

/// Starts the app. Environment: `SHEBAO_DATA_DIR` overrides the data folder (the sandbox
/// database and the logs live there); `SHEBAO_SANDBOX_DATE=YYYY-MM-DD` pins the sandbox's
/// notion of today.
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .setup(|app| {
            let data_dir = match std::env::var_os("SHEBAO_DATA_DIR") {
                Some(dir) => PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            std::fs::create_dir_all(&data_dir)?;
            let guard = logging::init(&data_dir.join("logs"))?;
            let sandbox_date = state::sandbox_date_from_env()?;
            let font_path = app
                .path()
                .resolve(certificates::FONT_RESOURCE, BaseDirectory::Resource)?;
            let state = tauri::async_runtime::block_on(state::AppState::start(
                data_dir,
                sandbox_date,
                font_path,
                guard,
            ))?;
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::check_id_number,
            commands::id_types,
            commands::new_captcha,
            commands::confirm_identity,
            commands::list_payables,
            commands::declare,
            commands::list_unpaid_declarations,
            commands::start_payment,
            commands::wait_payment,
            commands::open_pay_link,
            commands::issue_certificate,
        ])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("社保缴费助手 could not start: {error}");
        std::process::exit(1);
    }
}
