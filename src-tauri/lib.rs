//! The Tauri shell of 社保缴费助手: starts the embedded sandbox gateway, enrolls this device
//! with a key kept in the OS keyring, and exposes one thin command per user action.

mod account_commands;
mod accounts;
#[cfg(test)]
mod accounts_tests;
mod actions;
mod bindings;
mod certificates;
mod commands;
mod error;
mod history;
mod journal;
#[cfg(test)]
mod journey_tests;
mod logging;
mod policy;
mod process;
mod reminders;
mod secrets;
mod settings;
mod state;
mod verification;

use std::path::PathBuf;

use tauri::Manager;
use tauri::path::BaseDirectory;

/// Starts the app. Environment: `SHEBAO_DATA_DIR` overrides the data folder (the sandbox
/// database and the logs live there); `SHEBAO_SANDBOX_DATE=YYYY-MM-DD` pins the sandbox's
/// notion of today.
pub fn run() {
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_album::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            // A start that fails (a remote gateway out of reach at enrolment, unusable saved
            // settings, no data folder) is said in a window instead of ending without one.
            if let Err(error) = start(app) {
                report_start_failure(app.handle(), &error.to_string());
            }
            Ok(())
        })
        .invoke_handler(bindings::builder().invoke_handler())
        .build(tauri::generate_context!());
    match result {
        // On the way out the embedded gateway finishes what it is answering and the journal
        // is closed.
        Ok(app) => app.run(|handle, event| {
            if let tauri::RunEvent::Exit = event
                && let Some(state) = handle.try_state::<state::AppState>()
            {
                tauri::async_runtime::block_on(state.shutdown());
            }
        }),
        Err(error) => {
            eprintln!("社保缴费助手 could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// Opens the data folder and the log, starts (or reaches) the gateway and enrolls this device.
fn start(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
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
    let state = tauri::async_runtime::block_on(state::AppState::start(state::StartOptions {
        data_dir,
        sandbox_date,
        font_path,
        album: std::sync::Arc::new(certificates::PluginAlbum(app.handle().clone())),
        log_guard: Some(guard),
        secret_store: std::sync::Arc::new(secrets::KeyringStore),
    }))?;
    // The replay of unfinished requests holds the money lock from here, so a payment
    // command (or pending_outcomes) waits for it.
    let replay_lock = state.money_lock.clone().try_lock_owned()?;
    app.manage(state);
    let handle = app.handle().clone();
    tauri::async_runtime::spawn(async move {
        let state = handle.state::<state::AppState>();
        state.replay_unfinished().await;
        drop(replay_lock);
    });
    Ok(())
}

/// Hides the main window and says in a native dialog (Chinese first) that the app could not
/// start, why, and what to do; the app quits when it is closed.
fn report_start_failure(handle: &tauri::AppHandle, reason: &str) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

    eprintln!("社保缴费助手 could not start: {reason}");
    tracing::error!(%reason, "start failed");
    if let Some(window) = handle.get_webview_window("main") {
        let _ = window.hide();
    }
    let message = format!(
        "社保缴费助手无法启动。\n\n原因：{reason}\n\n请检查网络连接；如在设置中改用了远程服务地址，\
         请确认该地址可以访问、信任的密钥正确。删除数据文件夹中的 settings.json 可恢复为演示环境。\n\n\
         Shebao could not start. Check the network and, if a remote gateway is set, its address \
         and keys; deleting settings.json in the data folder returns to the sandbox."
    );
    let quit = handle.clone();
    handle
        .dialog()
        .message(message)
        .title("社保缴费助手")
        .kind(MessageDialogKind::Error)
        .show(move |_| quit.exit(1));
}
