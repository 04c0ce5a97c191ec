//! The app's Rust layer end to end against its embedded sandbox gateway: the actions the
//! commands run, restarts on the same data folder, the journal's replay, signing out and
//! clearing the device, and what the log file holds after a whole journey.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use shebao_core::IdType;
use shebao_core::wire::{
    Channel, ConfirmIdentity, DeclarationStatus, IssuedCertificate, OrderStatus,
};

use crate::actions::{self, DeclareRequest, IssueCertificateRequest, StartPaymentRequest};
use crate::journal::JournaledRequest;
use crate::secrets::{MemoryStore, SecretStore};
use crate::settings::GatewaySetting;
use crate::state::{AppState, StartOptions, unix_now};

pub(crate) const MA_XIAOYAN: (&str, &str) = ("马小燕", "640104199003150022");
const WANG_JIANGUO: (&str, &str) = ("王建国", "64020219850720001X");

fn font_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(crate::certificates::FONT_RESOURCE)
}

pub(crate) async fn start(
    data_dir: &Path,
    store: &Arc<MemoryStore>,
    log_guard: Option<tracing_appender::non_blocking::WorkerGuard>,
) -> AppState {
    let secret_store: Arc<dyn SecretStore> = store.clone();
    AppState::start(StartOptions {
        data_dir: data_dir.to_path_buf(),
        sandbox_date: NaiveDate::from_ymd_opt(2025, 6, 15),
        font_path: font_path(),
        album: Arc::new(crate::certificates::FolderAlbum(data_dir.join("album"))),
        log_guard,
        secret_store,
    })
    .await
    .unwrap()
}

/// A restart: the first state stops, a new one starts on the same folder and keyring, and
/// replays the journal as the app does at start.
async fn restart(state: AppState, data_dir: &Path, store: &Arc<MemoryStore>) -> AppState {
    state.shutdown().await;
    drop(state);
    let state = start(data_dir, store, None).await;
    state.replay_unfinished().await;
    state
}

async fn captcha_answer(state: &AppState, captcha_id: &str) -> String {
    let url = format!(
        "{}/sandbox/captchas/{captcha_id}/answer",
        state.info.gateway_origin
    );
    let answer: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    answer["answer"].as_str().unwrap().to_owned()
}

pub(crate) async fn confirm(state: &AppState, name: &str, id_number: &str) {
    let captcha = actions::new_captcha(state).await.unwrap();
    let answer = captcha_answer(state, &captcha.captcha_id).await;
    actions::confirm_identity(
        state,
        ConfirmIdentity {
            name: name.into(),
            id_type: IdType::ResidentIdCard,
            id_number: id_number.into(),
            captcha_id: captcha.captcha_id,
            captcha_answer: answer,
        },
    )
    .await
    .unwrap();
}

async fn payable_ids(state: &AppState) -> Vec<String> {
    let payables = actions::list_payables(state).await.unwrap();
    payables.items.into_iter().map(|p| p.id).collect()
}

async fn pay_on_cashier(pay_url: &str) {
    let response = reqwest::Client::new()
        .post(pay_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("source=bank_card&card_number=6222020000000000000")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

#[tokio::test]
async fn should_replay_a_declaration_written_but_never_sent_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    let ids = payable_ids(&state).await;

    // What `send_journaled` writes before sending; the app "crashes" before it sends.
    let session = state.session().unwrap();
    let intent = format!(
        "{}:{}:declare:{}",
        state.gateway(),
        session.person_id,
        ids.join(",")
    );
    let key = state.journal.intent_key(&intent, unix_now()).await.unwrap();
    let body = serde_json::to_vec(&serde_json::json!({ "payable_ids": ids })).unwrap();
    let request = JournaledRequest {
        idempotency_key: key,
        person_id: Some(session.person_id.clone()),
        method: "POST".into(),
        target: "/v1/declarations".into(),
        body,
    };
    state
        .journal
        .record(state.gateway(), &request, unix_now())
        .await
        .unwrap();

    let state = restart(state, dir.path(), &store).await;

    let outcomes = actions::pending_outcomes(&state).await.unwrap();
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert_eq!(outcomes[0].kind, "declaration");
    assert_eq!(outcomes[0].outcome, "answered");
    let unpaid = actions::list_unpaid_declarations(&state).await.unwrap();
    assert_eq!(unpaid.items.len(), 1);
    assert_eq!(Some(&unpaid.items[0].id), outcomes[0].answer_id.as_ref());
    assert!(
        actions::pending_outcomes(&state).await.unwrap().is_empty(),
        "shown once"
    );

    // Pressing 申报 again (a reloaded window re-sending the command) answers the same one.
    let again = actions::declare(&state, DeclareRequest { payable_ids: ids })
        .await
        .unwrap();
    assert_eq!(again.id, unpaid.items[0].id);
    assert_eq!(
        actions::list_unpaid_declarations(&state)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    state.shutdown().await;
}

#[tokio::test]
async fn should_finish_a_payment_order_whose_answer_was_lost_once_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    let ids = payable_ids(&state).await;
    let declaration = actions::declare(&state, DeclareRequest { payable_ids: ids })
        .await
        .unwrap();

    // The order request is journaled and reaches the gateway; the answer never comes back.
    let session = state.session().unwrap();
    let intent = format!("{}:order:{}", state.gateway(), declaration.id);
    let key = state.journal.intent_key(&intent, unix_now()).await.unwrap();
    let body =
        serde_json::to_vec(&serde_json::json!({ "declaration_id": declaration.id })).unwrap();
    let request = JournaledRequest {
        idempotency_key: key.clone(),
        person_id: Some(session.person_id.clone()),
        method: "POST".into(),
        target: "/v1/payment-orders".into(),
        body: body.clone(),
    };
    state
        .journal
        .record(state.gateway(), &request, unix_now())
        .await
        .unwrap();
    let sent: serde_json::Value = state
        .client
        .post_bytes(
            "/v1/payment-orders",
            body,
            &key,
            Some(&session.identity_token),
        )
        .await
        .unwrap();

    let state = restart(state, dir.path(), &store).await;

    let outcomes = actions::pending_outcomes(&state).await.unwrap();
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    assert_eq!(outcomes[0].kind, "payment_order");
    assert_eq!(outcomes[0].answer_id.as_deref(), sent["id"].as_str());

    // Paying now uses that order: one order, one payment.
    let started = actions::start_payment(
        &state,
        StartPaymentRequest {
            declaration_id: declaration.id.clone(),
            channel: Channel::Unionpay,
        },
    )
    .await
    .unwrap();
    assert_eq!(Some(started.order.id.as_str()), sent["id"].as_str());
    state.shutdown().await;
}

#[tokio::test]
async fn should_remember_a_person_across_a_restart_until_signed_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    let person_id = state.session().unwrap().person_id;
    assert!(store.accounts().iter().any(|a| a.ends_with(&person_id)));

    let state = restart(state, dir.path(), &store).await;
    assert_eq!(
        state.session().map(|s| s.person_id),
        Some(person_id.clone())
    );
    assert!(actions::list_payables(&state).await.is_ok());

    // Confirming the same person again keeps one entry for them.
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    assert_eq!(
        state.session().map(|s| s.person_id),
        Some(person_id.clone())
    );

    actions::sign_out(&state, actions::SignOutRequest::default())
        .await
        .unwrap();
    assert!(state.session().is_none());
    assert!(!store.accounts().iter().any(|a| a.starts_with("identity:")));
    let refused = actions::list_payables(&state).await.unwrap_err();
    assert_eq!(refused.code, "identity_token_invalid");

    let state = restart(state, dir.path(), &store).await;
    assert!(state.session().is_none());
    state.shutdown().await;
}

#[tokio::test]
async fn should_clear_keyring_journal_and_logs_when_the_device_is_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    let ids = payable_ids(&state).await;
    actions::declare(&state, DeclareRequest { payable_ids: ids })
        .await
        .unwrap();
    std::fs::create_dir_all(dir.path().join("logs")).unwrap();
    std::fs::write(dir.path().join("logs/shebao.log.2025-06-15"), "{}").unwrap();

    let old_device = state.client.device_id();
    let before: Vec<_> = store
        .accounts()
        .into_iter()
        .map(|account| (store.get(&account).unwrap().unwrap().to_string(), account))
        .collect();
    assert!(
        before.len() >= 2,
        "a device key and an identity token, not {}",
        before.len()
    );

    let cleared = actions::clear_device(&state).await.unwrap();

    assert!(cleared.device_revoked);
    // Nothing of before is left in the keyring: only the device enrolled afresh.
    let after = store.accounts();
    assert_eq!(after.len(), 1, "{after:?}");
    let renewed = store.get(&after[0]).unwrap().unwrap().to_string();
    assert!(before.iter().all(|(secret, _)| *secret != renewed));
    let new_device = state.client.device_id();
    assert_ne!(new_device, old_device);
    assert!(state.session().is_none());
    // The app goes on with the new device, whose requests the gateway accepts.
    actions::new_captcha(&state).await.unwrap();
    assert!(
        state
            .journal
            .people(state.gateway())
            .await
            .unwrap()
            .is_empty()
    );
    let logs: Vec<_> = std::fs::read_dir(dir.path().join("logs"))
        .unwrap()
        .collect();
    assert!(logs.is_empty());
    state.shutdown().await;
}

/// Forms a value can take in a log line: as is, and JSON-escaped (`\uXXXX`, either case).
fn forms(text: &str) -> Vec<String> {
    let escaped: String = text
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    let non_ascii_escaped: String = text
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                format!("\\u{:04x}", c as u32)
            }
        })
        .collect();
    vec![
        text.to_owned(),
        escaped.clone(),
        escaped.to_uppercase().replace("\\U", "\\u"),
        non_ascii_escaped.clone(),
        non_ascii_escaped.to_uppercase().replace("\\U", "\\u"),
    ]
}

/// An 11-digit mainland mobile number standing alone.
fn contains_phone_number(log: &str) -> bool {
    let bytes = log.as_bytes();
    (0..bytes.len().saturating_sub(10)).any(|start| {
        let run = &bytes[start..start + 11];
        let before = start.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(start + 11);
        run.iter().all(u8::is_ascii_digit)
            && run[0] == b'1'
            && (b'3'..=b'9').contains(&run[1])
            && !before.is_some_and(|b| b.is_ascii_digit())
            && !after.is_some_and(u8::is_ascii_digit)
    })
}

#[tokio::test]
async fn should_log_the_journeys_request_ids_and_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let log_dir = dir.path().join("logs");
    // Debug lines too: what a developer's RUST_LOG would add must be clean as well.
    let filter = tracing_subscriber::EnvFilter::new("debug");
    let guard = crate::logging::init_with(&log_dir, filter).unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, Some(guard)).await;
    let (name, id_number) = WANG_JIANGUO;

    // The whole journey, the number typed with a lower-case x.
    confirm(&state, name, &id_number.to_lowercase()).await;
    let token = state.session().unwrap().identity_token.to_string();
    let issued = pay_and_issue(&state).await;
    assert!(Path::new(&issued.saved.path).exists());
    let device_secrets: Vec<String> = store
        .accounts()
        .iter()
        .filter_map(|account| store.get(account).ok().flatten())
        .filter_map(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .flat_map(|stored| {
            ["secret", "identity_token"]
                .iter()
                .filter_map(|field| stored[*field].as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(!device_secrets.is_empty());

    state.shutdown().await;
    drop(state); // flushes the log writer

    let mut log = String::new();
    for entry in std::fs::read_dir(&log_dir).unwrap() {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let answered_by_client: Vec<String> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "gateway answered")
        .map(|l| {
            l["fields"]["request_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let answered_by_gateway: Vec<String> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "answered")
        .map(|l| {
            l["span"]["request_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    // captcha, confirmation, payables, declaration, declaration query, order, attempt, at
    // least one wait, certificate: each answered request's id in the log, from both sides.
    assert!(answered_by_client.len() >= 9, "{answered_by_client:?}");
    for request_id in &answered_by_client {
        assert!(request_id.starts_with("req_"), "{request_id:?}");
        assert!(answered_by_gateway.contains(request_id), "{request_id}");
    }
    let mut unique = answered_by_client.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), answered_by_client.len());

    let spaced = format!(
        "{} {} {}",
        &id_number[..6],
        &id_number[6..14],
        &id_number[14..]
    );
    let mut secrets = vec![
        name.to_owned(),
        id_number.to_owned(),
        id_number.to_lowercase(),
        spaced.clone(),
        spaced.to_lowercase(),
        id_number[..17].to_owned(),
        token,
    ];
    secrets.extend(device_secrets);
    for secret in secrets {
        for form in forms(&secret) {
            assert!(
                !log.contains(&form),
                "the log holds personal data or a secret"
            );
        }
    }
    assert!(!contains_phone_number(&log), "the log holds a phone number");
}

#[test]
fn should_find_a_phone_number_standing_alone_only() {
    assert!(contains_phone_number("call 13912345678 now"));
    assert!(!contains_phone_number("ticket 3139123456789012"));
    assert!(!contains_phone_number("12345678901"));
}

#[test]
fn should_escape_names_as_json_would() {
    assert!(forms("王").contains(&"\\u738b".to_owned()));
    assert!(forms("王").contains(&"\\u738B".to_owned()));
}

#[tokio::test]
async fn should_switch_to_a_remote_gateway_forgetting_the_sandboxs_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    assert!(store.accounts().iter().any(|a| a.starts_with("identity:")));

    // A gateway of its own (`shebao-gateway serve` stands for it), trusted by its key set.
    let remote_dir = tempfile::tempdir().unwrap();
    let remote = shebao_gateway::start(shebao_gateway::GatewayConfig::sandbox(
        remote_dir.path().join("gateway.sqlite3"),
        "127.0.0.1:0".parse().unwrap(),
        NaiveDate::from_ymd_opt(2025, 6, 15),
    ))
    .await
    .unwrap();
    let mut settings = actions::get_settings(&state).await.unwrap();
    assert_eq!(settings.gateway, GatewaySetting::Sandbox);
    settings.gateway = GatewaySetting::Remote {
        origin: remote.origin.clone(),
        keys: remote.key_set.clone(),
    };
    settings.large_text = true;

    let saved = actions::save_settings(&state, settings).await.unwrap();
    assert!(saved.restart_needed);
    assert!(state.session().is_none());
    assert!(!store.accounts().iter().any(|a| a.starts_with("identity:")));

    let state = restart(state, dir.path(), &store).await;
    assert!(!state.info.sandbox);
    assert_eq!(state.info.gateway_origin, remote.origin);
    assert!(state.settings().large_text);
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    assert!(
        !actions::list_payables(&state)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    state.shutdown().await;
    remote.shutdown().await;
}

#[tokio::test]
async fn should_refuse_settings_with_an_untrusted_origin_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    let mut settings = actions::get_settings(&state).await.unwrap();
    settings.gateway = GatewaySetting::Remote {
        origin: "http://gw.example.cn".into(),
        keys: shebao_core::wire::KeySet { keys: Vec::new() },
    };

    let refused = actions::save_settings(&state, settings).await.unwrap_err();
    assert_eq!(refused.code, "validation_failed");
    assert_eq!(
        actions::get_settings(&state).await.unwrap().gateway,
        GatewaySetting::Sandbox
    );
    assert!(state.session().is_some());
    state.shutdown().await;
}

/// Confirms, declares, pays on the sandbox cashier and issues the certificate.
async fn paid_certificate(state: &AppState, person: (&str, &str)) -> actions::IssuedCertificate {
    confirm(state, person.0, person.1).await;
    pay_and_issue(state).await
}

/// For the confirmed person: declares what is due, pays it on the sandbox cashier, waits for
/// the gateway to see it paid and issues the certificate.
pub(crate) async fn pay_and_issue(state: &AppState) -> actions::IssuedCertificate {
    let ids = payable_ids(state).await;
    let declaration = actions::declare(state, DeclareRequest { payable_ids: ids })
        .await
        .unwrap();
    let started = actions::start_payment(
        state,
        StartPaymentRequest {
            declaration_id: declaration.id,
            channel: Channel::Unionpay,
        },
    )
    .await
    .unwrap();
    pay_on_cashier(&started.attempt.pay_url).await;
    let order_id = started.order.id.clone();
    let mut paid = false;
    for _ in 0..5 {
        let order = actions::wait_payment(
            state,
            actions::WaitPaymentRequest {
                order_id: order_id.clone(),
            },
        )
        .await
        .unwrap();
        if order.status == OrderStatus::Paid {
            paid = true;
            break;
        }
    }
    assert!(paid, "the order was not paid");
    actions::issue_certificate(state, IssueCertificateRequest { order_id })
        .await
        .unwrap()
}

fn number(number: &str) -> actions::CertificateNumberRequest {
    actions::CertificateNumberRequest {
        number: number.to_owned(),
    }
}

#[tokio::test]
async fn should_list_render_and_verify_saved_certificates_and_forget_them_on_clear() {
    use crate::verification::Verdict;

    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    assert!(
        actions::saved_certificates(&state)
            .await
            .unwrap()
            .is_empty()
    );

    let issued = paid_certificate(&state, MA_XIAOYAN).await;
    let saved_file = dir.path().join("album").join(&issued.saved.file_name);
    assert!(
        saved_file.exists(),
        "saved through the album: {saved_file:?}"
    );
    assert!(issued.saved.file_name.starts_with("缴费证明_2025-06_"));

    // The gallery: one entry, masked holder only, the same file.
    let gallery = actions::saved_certificates(&state).await.unwrap();
    assert_eq!(gallery.len(), 1);
    let entry = &gallery[0];
    assert_eq!(entry.number, issued.saved.certificate.number());
    assert_eq!(entry.path, saved_file.to_string_lossy());
    let listed = serde_json::to_string(&gallery).unwrap();
    assert!(!listed.contains(MA_XIAOYAN.0), "no full name in the list");
    assert!(
        !listed.contains(MA_XIAOYAN.1),
        "no full ID number in the list"
    );

    // Drawn again from the stored data even when the album file is gone.
    std::fs::remove_file(&saved_file).unwrap();
    let images = actions::certificate_images(&state, number(&entry.number))
        .await
        .unwrap();
    assert_eq!(images.images.len(), 1);
    assert!(images.images[0].starts_with("data:image/png;base64,"));

    // 验真 of the saved certificate: signature and the gateway's status.
    let verified = actions::verify_saved(&state, number(&entry.number))
        .await
        .unwrap();
    assert_eq!(verified.verdict, Verdict::Valid);
    assert_eq!(verified.number.as_deref(), Some(entry.number.as_str()));
    assert_eq!(verified.amount, Some(issued.saved.certificate.total()));
    assert!(
        verified.origin_local_only,
        "the sandbox verifies on 127.0.0.1"
    );

    // The same page with one signed byte changed (drawn with the renderer): tampered.
    let (record, _) = actions::render_saved(&state, &entry.number).await.unwrap();
    let (origin, signed) = shebao_core::certificate::SignedCertificate::parse_qr_text(
        record.saved.certificate.qr_text(),
    )
    .unwrap();
    let mut bytes = signed.to_bytes();
    // The holder tag: the page's printed fields still agree, only the signature no longer does.
    bytes[20] ^= 0x01;
    let changed = shebao_core::certificate::SignedCertificate::from_bytes(&bytes).unwrap();
    let pages = crate::certificates::render(
        &record.saved.certificate,
        changed,
        origin.to_ascii_lowercase(),
        true,
        &font_path(),
    )
    .unwrap();
    let tampered = actions::verify_image(&state, pages[0].clone())
        .await
        .unwrap();
    assert_eq!(tampered.verdict, Verdict::Tampered);
    assert_eq!(tampered.number, None);

    // Not a certificate: a PNG without any QR code.
    let blank = {
        let mut png = Vec::new();
        image::RgbImage::from_pixel(64, 64, image::Rgb([255, 255, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    };
    let refused = actions::verify_image(&state, blank).await.unwrap();
    assert_eq!(refused.verdict, Verdict::NoQrCode);

    // Save as: every page written where the person chose.
    let chosen = dir.path().join("elsewhere.png");
    let (_, pages) = actions::render_saved(&state, &entry.number).await.unwrap();
    let written = actions::write_pages(&chosen, &pages).await.unwrap();
    assert_eq!(written, chosen.to_string_lossy());
    assert!(std::fs::read(&chosen).unwrap().starts_with(b"\x89PNG"));

    let unknown = actions::certificate_images(&state, number("20259999999999"))
        .await
        .err()
        .unwrap();
    assert_eq!(unknown.code, "not_found");

    actions::clear_device(&state).await.unwrap();
    assert!(
        actions::saved_certificates(&state)
            .await
            .unwrap()
            .is_empty()
    );
    state.shutdown().await;
}

#[tokio::test]
async fn should_remember_people_switch_between_them_and_sign_one_out() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    confirm(&state, WANG_JIANGUO.0, WANG_JIANGUO.1).await;

    let people = actions::remembered_people(&state).await.unwrap();
    assert_eq!(people.len(), 2);
    assert!(people[0].current, "the last confirmed is current and first");
    assert_eq!(people[0].person.id_number_masked, "640202********001X");
    let listed = serde_json::to_string(&people).unwrap();
    assert!(!listed.contains(WANG_JIANGUO.1) && !listed.contains(MA_XIAOYAN.0));
    assert!(!listed.contains("identity_token"));

    let ma = people[1].person_id.clone();
    let switched = actions::switch_person(
        &state,
        actions::PersonRequest {
            person_id: ma.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(switched.id_number_masked, "640104********0022");
    assert_eq!(state.session().unwrap().person_id, ma);
    // The money commands now act for her.
    assert!(!payable_ids(&state).await.is_empty());

    let unknown = actions::switch_person(
        &state,
        actions::PersonRequest {
            person_id: "person_unknown".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(unknown.code, "not_found");

    let wang = people[0].person_id.clone();
    actions::sign_out(
        &state,
        actions::SignOutRequest {
            person_id: Some(wang),
        },
    )
    .await
    .unwrap();
    let people = actions::remembered_people(&state).await.unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].person_id, ma);
    assert!(
        people[0].current,
        "signing another out keeps the current person"
    );
    state.shutdown().await;
}

// 缴款异常处理 and 申报查询及作废.

async fn declared(state: &AppState) -> shebao_core::wire::Declaration {
    let ids = payable_ids(state).await;
    actions::declare(state, DeclareRequest { payable_ids: ids })
        .await
        .unwrap()
}

fn pay_with(declaration_id: &str, channel: Channel) -> StartPaymentRequest {
    StartPaymentRequest {
        declaration_id: declaration_id.to_owned(),
        channel,
    }
}

#[tokio::test]
async fn should_void_an_abandoned_ticket_and_pay_again_on_another_channel_with_a_new_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, WANG_JIANGUO.0, WANG_JIANGUO.1).await;
    let declaration = declared(&state).await;
    let abandoned = actions::start_payment(&state, pay_with(&declaration.id, Channel::Unionpay))
        .await
        .unwrap();

    // Another channel while UnionPay's attempt is in flight: refused, no second deduction.
    let refused = actions::start_payment(&state, pay_with(&declaration.id, Channel::Alipay)).await;
    assert_eq!(
        refused.err().map(|e| e.code),
        Some("payment_in_progress".into())
    );

    let exceptions = actions::list_payment_exceptions(&state).await.unwrap();
    assert_eq!(exceptions.items.len(), 1);
    assert_eq!(exceptions.items[0].order.id, abandoned.order.id);
    assert_eq!(exceptions.items[0].attempts[0].id, abandoned.attempt.id);

    let voided = actions::void_ticket(
        &state,
        actions::VoidTicketRequest {
            order_id: abandoned.order.id.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(voided.status, OrderStatus::Voided);
    assert!(
        actions::list_payment_exceptions(&state)
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let again = actions::start_payment(&state, pay_with(&declaration.id, Channel::Alipay))
        .await
        .unwrap();
    assert_ne!(again.order.id, abandoned.order.id);
    assert_ne!(again.order.ticket_number, abandoned.order.ticket_number);
    assert_eq!(again.attempt.channel, Channel::Alipay);
    pay_on_cashier(&again.attempt.pay_url).await;
    let mut order = again.order.clone();
    for _ in 0..3 {
        order = actions::wait_payment(
            &state,
            actions::WaitPaymentRequest {
                order_id: order.id.clone(),
            },
        )
        .await
        .unwrap();
        if order.status == OrderStatus::Paid {
            break;
        }
    }
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.channel, Some(Channel::Alipay));
    state.shutdown().await;
}

#[tokio::test]
async fn should_make_a_new_order_when_the_orders_intent_names_one_voided_behind_its_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, WANG_JIANGUO.0, WANG_JIANGUO.1).await;
    let declaration = declared(&state).await;
    let first = actions::start_payment(&state, pay_with(&declaration.id, Channel::Unionpay))
        .await
        .unwrap();

    // The void reached the gateway but its answer did not reach the app (a crash, say): the
    // order intent's key still names the voided order.
    let session = state.session().unwrap();
    let voided = state
        .client
        .void_payment_order(
            &session.identity_token,
            &first.order.id,
            &shebao_client::new_idempotency_key(),
        )
        .await
        .unwrap();
    assert_eq!(voided.status, OrderStatus::Voided);

    let again = actions::start_payment(&state, pay_with(&declaration.id, Channel::Wechatpay))
        .await
        .unwrap();
    assert_ne!(again.order.id, first.order.id);
    assert_eq!(again.attempt.channel, Channel::Wechatpay);
    state.shutdown().await;
}

#[tokio::test]
async fn should_void_a_declaration_with_a_reason_and_make_its_payables_payable_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, MA_XIAOYAN.0, MA_XIAOYAN.1).await;
    let ids = payable_ids(&state).await;
    let declaration = declared(&state).await;
    assert!(
        payable_ids(&state).await.is_empty(),
        "declared items are not payable"
    );

    let void = |reason: &str| actions::VoidDeclarationRequest {
        declaration_id: declaration.id.clone(),
        reason: reason.to_owned(),
    };
    let blank = actions::void_declaration(&state, void("  ")).await;
    assert_eq!(
        blank.err().map(|e| e.code),
        Some("validation_failed".into())
    );

    let voided = actions::void_declaration(&state, void("缴费基数需要调整"))
        .await
        .unwrap();
    assert_eq!(voided.status, DeclarationStatus::Voided);
    assert_eq!(voided.void_reason.as_deref(), Some("缴费基数需要调整"));
    // Pressed again with the same reason: the first answer, replayed.
    let again = actions::void_declaration(&state, void("缴费基数需要调整"))
        .await
        .unwrap();
    assert_eq!(again.voided_at, voided.voided_at);

    let by_status = |status| actions::ListDeclarationsRequest { status };
    let listed = actions::list_declarations(&state, by_status(DeclarationStatus::Voided))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].id, declaration.id);
    assert!(
        actions::list_declarations(&state, by_status(DeclarationStatus::Declared))
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(payable_ids(&state).await, ids);
    state.shutdown().await;
}

// The steps before payment: registration, insured information, assessment.

const ZHANG_XIAOMEI: (&str, &str) = ("张晓梅", "640104199003150049");

#[tokio::test]
async fn should_register_assess_and_make_the_items_payable_once_despite_double_presses() {
    use crate::process::{self, AssessmentRequest};
    use shebao_core::policy::InsuranceItem;
    use shebao_core::wire::{AssessmentStatus, NewAssessment, NewRegistration};

    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, ZHANG_XIAOMEI.0, ZHANG_XIAOMEI.1).await;
    assert!(!process::insured_info(&state).await.unwrap().insured);

    // Two presses of 确认登记 at once: one registration, the same answer twice.
    let (first, second) = tokio::join!(
        process::register(&state, NewRegistration::default()),
        process::register(&state, NewRegistration::default()),
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert!(first.insured && second.insured);
    assert_eq!(first.insured_since, second.insured_since);
    let people = actions::remembered_people(&state).await.unwrap();
    assert!(
        people[0].person.insured,
        "the keyring's summary says insured now"
    );

    let request = || NewAssessment {
        items: vec![InsuranceItem::Pension],
        base: None,
        grade: Some("0.60".parse().unwrap()),
        period_type: shebao_core::PeriodType::Monthly,
        start_month: "2025-06".parse().unwrap(),
    };
    let (one, two) = tokio::join!(
        process::create_assessment(&state, request()),
        process::create_assessment(&state, request()),
    );
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.assessment.id, two.assessment.id, "one assessment");
    assert_eq!(one.assessment.status, AssessmentStatus::Transmitting);
    assert!(
        one.seconds_left > 0 && one.seconds_left <= 3,
        "{}",
        one.seconds_left
    );

    tokio::time::sleep(std::time::Duration::from_secs(one.seconds_left as u64 + 1)).await;
    let now = process::get_assessment(
        &state,
        AssessmentRequest {
            assessment_id: one.assessment.id.clone(),
        },
    )
    .await
    .unwrap();
    assert_eq!(now.assessment.status, AssessmentStatus::Payable);
    assert_eq!(now.seconds_left, 0);
    let payables = actions::list_payables(&state).await.unwrap();
    assert_eq!(payables.items.len(), 1);
    assert_eq!(payables.total.to_string(), "991.00");
    state.shutdown().await;
}

// 缴费查询及证明开具 and 缴费记录.

#[tokio::test]
async fn should_list_paid_payments_with_their_certificates_and_draw_the_payment_history() {
    use crate::history::{self, MonthState};
    use crate::process::{self, AssessmentRequest};
    use shebao_core::policy::InsuranceItem;
    use shebao_core::wire::{CertificateStatus, NewAssessment, NewRegistration};

    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let state = start(dir.path(), &store, None).await;
    confirm(&state, ZHANG_XIAOMEI.0, ZHANG_XIAOMEI.1).await;
    assert!(
        history::list_paid_payments(&state)
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // Insured since March, assessed for May only: March and April are gaps, May is in arrears.
    process::register(
        &state,
        NewRegistration {
            since_month: Some("2025-03".parse().unwrap()),
        },
    )
    .await
    .unwrap();
    let assessed = process::create_assessment(
        &state,
        NewAssessment {
            items: vec![InsuranceItem::Pension],
            base: None,
            grade: Some("0.60".parse().unwrap()),
            period_type: shebao_core::PeriodType::Monthly,
            start_month: "2025-05".parse().unwrap(),
        },
    )
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(
        assessed.seconds_left as u64 + 1,
    ))
    .await;
    process::get_assessment(
        &state,
        AssessmentRequest {
            assessment_id: assessed.assessment.id.clone(),
        },
    )
    .await
    .unwrap();
    let states = |record: &history::PaymentHistory| -> Vec<MonthState> {
        record.years[0].months.iter().map(|m| m.state).collect()
    };
    use MonthState::{Arrears, Due, Future, Gap, NotInsured, Paid};
    let before = history::payment_history(&state).await.unwrap();
    assert_eq!(before.years.len(), 1);
    assert_eq!(
        states(&before)[..7],
        [NotInsured, NotInsured, Gap, Gap, Arrears, Due, Future]
    );
    assert_eq!(before.paid_amount.to_string(), "0.00");

    // Paying May (the only payable) and issuing its certificate.
    let issued = pay_and_issue(&state).await;
    let listed = history::list_paid_payments(&state).await.unwrap();
    assert_eq!(listed.items.len(), 1);
    let payment = &listed.items[0];
    assert_eq!(payment.status, OrderStatus::Paid);
    assert_eq!(payment.period_start.to_string(), "2025-05");
    assert_eq!(payment.amount.to_string(), "991.00");
    let IssuedCertificate::Payment(certificate) = &issued.saved.certificate else {
        panic!("a payment's certificate is a 缴费证明");
    };
    assert_eq!(payment.ticket_number, certificate.ticket_number);
    assert_eq!(
        payment.certificate_number.as_deref(),
        Some(certificate.number.as_str())
    );
    assert_eq!(payment.certificate_status, Some(CertificateStatus::Valid));

    let after = history::payment_history(&state).await.unwrap();
    assert_eq!(
        states(&after)[..7],
        [NotInsured, NotInsured, Gap, Gap, Paid, Due, Future]
    );
    assert_eq!(after.years[0].paid_amount.to_string(), "991.00");
    assert_eq!(
        (after.paid_months, after.arrears_months, after.gap_months),
        (1, 0, 2)
    );
    assert_eq!(
        after.paid_through.map(|m| m.to_string()).as_deref(),
        Some("2025-05")
    );
    state.shutdown().await;
}
