//! The natural-person account and 完税查询及证明补打 end to end against the embedded sandbox
//! gateway: register after identity confirmation, log in, list the year's paid payments,
//! issue, save, list and verify a 完税证明, the person's devices, and the login leaving the
//! keyring on log out, sign out, clear device and gateway switch.

use std::sync::Arc;

use shebao_core::certificate::CertificateKind;
use shebao_core::wire::{CertificateStatus, NewAccount, NewSession};
use shebao_core::{ErrorCode, IdType};

use crate::accounts::{self, DeviceRequest, IssueTaxCertificateRequest, TaxPaymentsRequest};
use crate::actions::{self, CertificateNumberRequest};
use crate::journey_tests::{MA_XIAOYAN, confirm, pay_and_issue, start};
use crate::secrets::MemoryStore;
use crate::state::AppState;
use crate::verification::Verdict;

const PASSWORD: &str = "Shebao-2025";
const PHONE: &str = "13800000000";

fn login() -> NewSession {
    NewSession {
        id_type: IdType::ResidentIdCard,
        id_number: MA_XIAOYAN.1.into(),
        password: PASSWORD.into(),
    }
}

/// The year payments made now fall in: payment dates follow the real clock in China (UTC+8),
/// whatever the sandbox's pinned today.
fn this_year() -> i32 {
    use chrono::Datelike;
    (chrono::Utc::now() + chrono::Duration::hours(8)).year()
}

fn year(year: i32) -> TaxPaymentsRequest {
    TaxPaymentsRequest { year }
}

fn has_login(store: &MemoryStore) -> bool {
    store
        .accounts()
        .iter()
        .any(|account| account.starts_with("session:"))
}

/// Confirms 马小燕, pays her June pension (with its 缴费证明), registers her account and logs
/// her in.
async fn paid_and_logged_in(state: &AppState) -> String {
    confirm(state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    let issued = pay_and_issue(state).await;
    let shebao_core::wire::IssuedCertificate::Payment(payment) = issued.saved.certificate else {
        panic!("a 缴费证明 first");
    };
    accounts::register_account(
        state,
        NewAccount {
            phone: PHONE.into(),
            password: PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    accounts::log_in(state, login()).await.unwrap();
    payment.order_id
}

#[tokio::test]
async fn should_register_log_in_issue_a_tax_certificate_and_verify_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;

    // Without a login the 完税查询 asks for one.
    let status = accounts::account_status(&state).await.unwrap();
    assert!(!status.logged_in);
    let refused = accounts::list_tax_payments(&state, year(this_year())).await;
    assert_eq!(refused.unwrap_err().code, "session_invalid");

    // An account needs a confirmed person.
    let without_person = accounts::register_account(
        &state,
        NewAccount {
            phone: PHONE.into(),
            password: PASSWORD.into(),
        },
    )
    .await;
    assert_eq!(without_person.unwrap_err().code, "identity_token_invalid");

    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    let issued = pay_and_issue(&state).await;
    let shebao_core::wire::IssuedCertificate::Payment(payment) = issued.saved.certificate else {
        panic!("a 缴费证明 first");
    };

    let bad_phone = NewAccount {
        phone: "12345".into(),
        password: PASSWORD.into(),
    };
    let refused = accounts::register_account(&state, bad_phone).await;
    assert_eq!(refused.unwrap_err().code, "validation_failed");
    let weak = NewAccount {
        phone: PHONE.into(),
        password: "12345678".into(),
    };
    let refused = accounts::register_account(&state, weak).await;
    assert_eq!(
        refused.unwrap_err().code,
        ErrorCode::PasswordTooWeak.as_str()
    );
    let account = NewAccount {
        phone: PHONE.into(),
        password: PASSWORD.into(),
    };
    let registered = accounts::register_account(&state, account.clone())
        .await
        .unwrap();
    assert_eq!(registered.phone_masked, "138****0000");
    let again = accounts::register_account(&state, account).await;
    assert_eq!(again.unwrap_err().code, ErrorCode::AccountExists.as_str());

    // A wrong password, a malformed number, then the login.
    let wrong = NewSession {
        password: "Wrong-password-1".into(),
        ..login()
    };
    let refused = accounts::log_in(&state, wrong).await;
    assert_eq!(
        refused.unwrap_err().code,
        ErrorCode::CredentialsInvalid.as_str()
    );
    let malformed = NewSession {
        id_number: "640104199003150023".into(),
        ..login()
    };
    let refused = accounts::log_in(&state, malformed).await;
    assert_eq!(refused.unwrap_err().code, "id_check_digit");
    assert!(!has_login(&store));

    let status = accounts::log_in(&state, login()).await.unwrap();
    assert!(status.logged_in);
    assert_eq!(
        status.id_number_masked.as_deref(),
        Some("640104********0022")
    );
    assert!(has_login(&store), "the session token is in the keyring");
    let shown = serde_json::to_string(&status).unwrap();
    assert!(!shown.contains(MA_XIAOYAN.1), "{shown}");

    // 完税查询: the June payment, no 完税证明 yet; nothing in another year.
    let listed = accounts::list_tax_payments(&state, year(this_year()))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].order_id, payment.order_id);
    assert_eq!(listed.items[0].certificate_number, None);
    assert!(listed.certificates.is_empty());
    let other_year = accounts::list_tax_payments(&state, year(this_year() - 1))
        .await
        .unwrap();
    assert!(other_year.items.is_empty());

    // 开具完税证明: checked, drawn, saved with a readable name, listed in the gallery.
    let selection = IssueTaxCertificateRequest {
        order_ids: vec![payment.order_id.clone()],
    };
    let tax = accounts::issue_tax_certificate(&state, selection)
        .await
        .unwrap();
    assert_eq!(tax.saved.certificate.kind(), CertificateKind::TaxPayment);
    assert!(
        tax.saved.file_name.starts_with("完税证明_2025-06_"),
        "{}",
        tax.saved.file_name
    );
    assert!(dir.path().join("album").join(&tax.saved.file_name).exists());
    assert!(tax.image.starts_with("data:image/png;base64,"));
    let number = tax.saved.certificate.number().to_owned();

    let gallery = actions::saved_certificates(&state).await.unwrap();
    assert_eq!(gallery.len(), 2);
    let entry = gallery.iter().find(|e| e.number == number).unwrap();
    assert_eq!(entry.kind, CertificateKind::TaxPayment);
    assert_eq!(entry.total, payment.total);

    // 验真 of the saved 完税证明, as of any certificate.
    let verified = actions::verify_saved(
        &state,
        CertificateNumberRequest {
            number: number.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(verified.verdict, Verdict::Valid);
    assert_eq!(verified.number.as_deref(), Some(number.as_str()));

    // The list now names it, valid; asking again for the same selection reprints it.
    let listed = accounts::list_tax_payments(&state, year(this_year()))
        .await
        .unwrap();
    assert_eq!(
        listed.items[0].certificate_number.as_deref(),
        Some(number.as_str())
    );
    assert_eq!(listed.certificates.len(), 1);
    assert_eq!(listed.certificates[0].status, CertificateStatus::Valid);
    let reprint = accounts::issue_tax_certificate(
        &state,
        IssueTaxCertificateRequest {
            order_ids: vec![payment.order_id.clone(), payment.order_id.clone()],
        },
    )
    .await
    .unwrap();
    assert_eq!(reprint.saved.certificate.number(), number);

    // This device among hers, marked; it can't revoke itself this way.
    let devices = accounts::account_devices(&state).await.unwrap();
    assert_eq!(devices.items.len(), 1);
    assert!(devices.items[0].current);
    let refused = accounts::revoke_account_device(
        &state,
        DeviceRequest {
            device_id: devices.items[0].id.clone(),
        },
    )
    .await;
    assert_eq!(refused.unwrap_err().code, "validation_failed");

    // Log out: the gateway ends the session and the keyring forgets it.
    accounts::log_out(&state).await.unwrap();
    assert!(!accounts::account_status(&state).await.unwrap().logged_in);
    assert!(!has_login(&store));
    let refused = accounts::list_tax_payments(&state, year(this_year())).await;
    assert_eq!(refused.unwrap_err().code, "session_invalid");
    state.shutdown().await;
}

#[tokio::test]
async fn should_revoke_a_lost_device_from_another_one() {
    let (home_dir, phone_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let home_store = Arc::new(MemoryStore::default());
    let home = start(home_dir.path(), &home_store, None).await;
    paid_and_logged_in(&home).await;

    // The phone is another device with its own key, logged in to the same account (on the
    // same gateway: its origin and keys are the home app's).
    let phone_store = Arc::new(MemoryStore::default());
    let phone = start_beside(&home, phone_dir.path(), &phone_store).await;
    accounts::log_in(&phone, login()).await.unwrap();
    let phone_id = phone.client.device_id();

    let devices = accounts::account_devices(&home).await.unwrap();
    assert_eq!(devices.items.len(), 2);
    let lost = devices.items.iter().find(|d| d.id == phone_id).unwrap();
    assert!(!lost.current);

    let revoked = accounts::revoke_account_device(
        &home,
        DeviceRequest {
            device_id: phone_id.clone(),
        },
    )
    .await
    .unwrap();
    assert!(revoked.revoked_at.is_some());
    let refused = accounts::account_devices(&phone).await;
    assert_eq!(refused.unwrap_err().code, ErrorCode::DeviceRevoked.as_str());
    phone.shutdown().await;
    home.shutdown().await;
}

/// A second app on another data folder, set to the first one's embedded gateway.
async fn start_beside(
    first: &AppState,
    data_dir: &std::path::Path,
    store: &Arc<MemoryStore>,
) -> AppState {
    let keys: shebao_core::wire::KeySet = reqwest::get(format!(
        "{}/.well-known/shebao-keys",
        first.info.gateway_origin
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let settings = crate::settings::Settings {
        gateway: crate::settings::GatewaySetting::Remote {
            origin: first.info.gateway_origin.clone(),
            keys,
        },
        ..crate::settings::Settings::default()
    };
    settings.save(data_dir).unwrap();
    start(data_dir, store, None).await
}

#[tokio::test]
async fn should_forget_the_login_on_sign_out_clear_device_and_gateway_switch() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    paid_and_logged_in(&state).await;
    assert!(has_login(&store));

    // Signing her out of the device ends her login.
    actions::sign_out(&state, actions::SignOutRequest::default())
        .await
        .unwrap();
    assert!(!accounts::account_status(&state).await.unwrap().logged_in);
    assert!(!has_login(&store));

    // Clearing the device ends it.
    accounts::log_in(&state, login()).await.unwrap();
    assert!(has_login(&store));
    actions::clear_device(&state).await.unwrap();
    assert!(!accounts::account_status(&state).await.unwrap().logged_in);
    assert!(!has_login(&store));

    // Leaving the gateway for another ends it (the new device logs in anew).
    accounts::log_in(&state, login()).await.unwrap();
    assert!(has_login(&store));
    let mut settings = actions::get_settings(&state).await.unwrap();
    settings.gateway = crate::settings::GatewaySetting::Remote {
        origin: "https://gw.example.cn".into(),
        keys: reqwest::get(format!(
            "{}/.well-known/shebao-keys",
            state.info.gateway_origin
        ))
        .await
        .unwrap()
        .json()
        .await
        .unwrap(),
    };
    let saved = actions::save_settings(&state, settings).await.unwrap();
    assert!(saved.restart_needed);
    assert!(!accounts::account_status(&state).await.unwrap().logged_in);
    assert!(!has_login(&store));
    state.shutdown().await;
}
