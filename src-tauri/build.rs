//! Tauri's build step, with the capabilities and the app's own command permissions kept
//! under `src-tauri/` (the package root is the repository root).

const COMMANDS: &[&str] = &[
    "app_info",
    "check_id_number",
    "id_types",
    "new_captcha",
    "confirm_identity",
    "list_payables",
    "declare",
    "list_unpaid_declarations",
    "start_payment",
    "wait_payment",
    "open_pay_link",
    "issue_certificate",
    "pending_outcomes",
    "sign_out",
    "clear_device",
    "get_settings",
    "save_settings",
    "remembered_people",
    "switch_person",
    "saved_certificates",
    "certificate_images",
    "verify_saved_certificate",
    "verify_certificate_file",
    "save_certificate_as",
    "show_certificate_in_folder",
    "copy_certificate_image",
    "list_payment_exceptions",
    "void_ticket",
    "list_declarations",
    "void_declaration",
    // The steps before payment: registration, insured information, assessment.
    "insured_info",
    "register",
    "assessment_options",
    "quote_assessment",
    "create_assessment",
    "get_assessment",
    "policy_figures",
    "due_reminders",
    "mark_reminder_sent",
    // The natural-person account and 完税查询及证明补打.
    "account_status",
    "register_account",
    "log_in",
    "log_out",
    "account_devices",
    "revoke_account_device",
    "list_tax_payments",
    "issue_tax_certificate",
    // 缴费查询及证明开具 and 缴费记录.
    "list_paid_payments",
    "payment_history",
];

fn main() {
    let manifest = tauri_build::AppManifest::new()
        .commands(COMMANDS)
        .permissions_path_pattern("src-tauri/permissions/**/*");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
