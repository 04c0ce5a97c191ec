//! The app's commands as tauri-specta collects them: one list gives Tauri its invoke handler
//! and the frontend its typed bindings (`frontend/src/generated/bindings.ts`, written by the
//! test below, never at start-up). A command's name, its `request` argument and its answer
//! are its Rust signature's; `Err(CommandError)` becomes `{status: "error", error: {code,
//! message}}` in the bindings, which `frontend/src/backend.ts` turns back into a rejection.

use tauri_specta::{ErrorHandlingMode, collect_commands};

use crate::commands;

/// Every command the webview may call. A new one also goes into `COMMANDS` in
/// `src-tauri/build.rs` and `src-tauri/permissions/app.toml`.
pub fn builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .error_handling(ErrorHandlingMode::Result)
        .commands(collect_commands![
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
            commands::pending_outcomes,
            commands::sign_out,
            commands::clear_device,
            commands::get_settings,
            commands::save_settings,
            commands::remembered_people,
            commands::switch_person,
            commands::saved_certificates,
            commands::certificate_images,
            commands::verify_saved_certificate,
            commands::verify_certificate_file,
            commands::save_certificate_as,
            commands::show_certificate_in_folder,
            commands::copy_certificate_image,
            commands::list_payment_exceptions,
            commands::void_ticket,
            commands::list_declarations,
            commands::void_declaration,
            // The steps before payment: registration, insured information, assessment.
            commands::insured_info,
            commands::register,
            commands::assessment_options,
            commands::quote_assessment,
            commands::create_assessment,
            commands::get_assessment,
            // 关于缴费标准 and the deadline reminders.
            crate::policy::policy_figures,
            crate::reminders::due_reminders,
            crate::reminders::mark_reminder_sent,
            // The natural-person account and 完税查询及证明补打.
            crate::account_commands::account_status,
            crate::account_commands::register_account,
            crate::account_commands::log_in,
            crate::account_commands::log_out,
            crate::account_commands::account_devices,
            crate::account_commands::revoke_account_device,
            crate::account_commands::list_tax_payments,
            crate::account_commands::issue_tax_certificate,
            // 缴费查询及证明开具 and 缴费记录.
            crate::history::commands::list_paid_payments,
            crate::history::commands::payment_history,
        ])
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    use super::*;

    const BINDINGS_FILE: &str = "frontend/src/generated/bindings.ts";
    const REGENERATE_VAR: &str = "SHEBAO_REGENERATE";

    fn repository_file(path: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
    }

    /// TypeScript as tauri-specta writes it, with `Channel` (the payment channel) renamed
    /// `PaymentChannel`: the generated runtime imports Tauri's own `Channel`.
    struct Bindings;

    impl tauri_specta::LanguageExt for Bindings {
        type Error = specta_typescript::Error;

        fn export(
            self,
            cfg: &tauri_specta::BuilderConfiguration,
            path: &Path,
        ) -> Result<(), Self::Error> {
            let mut cfg = cfg.clone();
            cfg.types.iter_mut(|named| {
                if named.name == "Channel" {
                    named.name = "PaymentChannel".into();
                }
            });
            let header = format!(
                "// Generated from the app's commands (src-tauri/bindings.rs) by the test\n\
                 // should_keep_the_frontend_bindings_fresh. Do not edit by hand: change the Rust\n\
                 // commands or types and run `{REGENERATE_VAR}=1 cargo test -p shebao frontend_bindings`."
            );
            specta_typescript::Typescript::default()
                .header(header)
                .export(&cfg, path)
        }
    }

    /// The bindings as the exporter writes them (it writes files only: a temporary one here).
    fn render_typescript() -> String {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("bindings.ts");
        builder()
            .export(Bindings, &path)
            .unwrap_or_else(|e| panic!("exporting the bindings failed: {e}"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn should_keep_the_frontend_bindings_fresh() {
        let expected = render_typescript();
        let path = repository_file(BINDINGS_FILE);
        if std::env::var_os(REGENERATE_VAR).is_some_and(|value| value == "1") {
            std::fs::write(&path, &expected).unwrap_or_else(|e| panic!("{e}"));
            return;
        }

        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "{} is stale: run `{REGENERATE_VAR}=1 cargo test -p shebao frontend_bindings` \
             and commit the result",
            path.display()
        );
    }

    /// The command names the bindings invoke: `__TAURI_INVOKE("name"` or
    /// `__TAURI_INVOKE<Answer>("name"`.
    fn invoked_commands(bindings: &str) -> BTreeSet<String> {
        bindings
            .split("__TAURI_INVOKE")
            .skip(1)
            .filter_map(|call| {
                let name = call.split_once("(\"")?.1;
                Some(name.split_once('"')?.0.to_owned())
            })
            .collect()
    }

    #[test]
    fn should_allow_exactly_the_registered_commands() {
        let registered = invoked_commands(&render_typescript());
        assert!(registered.contains("app_info"), "{registered:?}");

        let permissions: toml::Table =
            std::fs::read_to_string(repository_file("src-tauri/permissions/app.toml"))
                .unwrap_or_else(|e| panic!("{e}"))
                .parse()
                .unwrap_or_else(|e| panic!("{e}"));
        let allowed: BTreeSet<String> = permissions["permission"][0]["commands"]["allow"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|name| name.as_str().map(str::to_owned))
            .collect();
        assert_eq!(allowed, registered, "src-tauri/permissions/app.toml");

        let build_script = std::fs::read_to_string(repository_file("src-tauri/build.rs"))
            .unwrap_or_else(|e| panic!("{e}"));
        let in_build_script: BTreeSet<String> = build_script
            .lines()
            .filter_map(|line| line.trim().strip_prefix('"')?.strip_suffix("\","))
            .map(str::to_owned)
            .collect();
        assert_eq!(
            in_build_script, registered,
            "COMMANDS in src-tauri/build.rs"
        );
    }
}
