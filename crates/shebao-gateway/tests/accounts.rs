//! Natural-person accounts over real HTTP: registration, login with lockout, sessions and
//! their expiry, logout, and a person's devices with revocation — on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use shebao_gateway::AccessLimits;
use support::{
    Backend, Call, Device, MA_FUHAI, MA_XIAOYAN, TestDatabase, TestGateway, WANG_JIANGUO,
    captured_logs, on_every_backend, sandbox,
};

const PHONE: &str = "13800001234";
const PASSWORD: &str = "Shebao-2025";

/// A sandbox gateway with these account settings.
async fn gateway_with(backend: &Backend, limits: AccessLimits) -> TestGateway {
    let db = TestDatabase::new(backend).await;
    let mut config = support::config(&db, true, Some(support::sandbox_date()));
    config.access_limits = limits;
    support::launch_with(db, config).await
}

async fn register(gw: &TestGateway, device: &Device, token: &str, body: &Value) -> support::Answer {
    gw.call(
        device,
        Call::post("/v1/accounts", body).fresh_key().token(token),
    )
    .await
}

/// Confirms `person` on `device` and registers an account with [`PHONE`] and [`PASSWORD`].
async fn registered(gw: &TestGateway, device: &Device, person: (&str, &str)) {
    let token = gw.confirm(device, person).await;
    let answer = register(
        gw,
        device,
        &token,
        &json!({"phone": PHONE, "password": PASSWORD}),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.text());
}

async fn login(
    gw: &TestGateway,
    device: &Device,
    id_number: &str,
    password: &str,
) -> support::Answer {
    gw.call(
        device,
        Call::post(
            "/v1/sessions",
            &json!({"id_type": "resident_id_card", "id_number": id_number, "password": password}),
        ),
    )
    .await
}

/// Logs in with [`PASSWORD`] and returns the session token.
async fn session(gw: &TestGateway, device: &Device, id_number: &str) -> String {
    let answer = login(gw, device, id_number, PASSWORD).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    answer.json()["session_token"].as_str().unwrap().to_owned()
}

async fn devices(gw: &TestGateway, device: &Device, session: &str) -> support::Answer {
    gw.call(device, Call::get("/v1/account/devices").session(session))
        .await
}

on_every_backend!(should_register_log_in_and_log_out);
async fn should_register_log_in_and_log_out(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;

    let registered = register(
        &gw,
        &device,
        &token,
        &json!({"phone": "+86 138-0000-1234", "password": PASSWORD}),
    )
    .await;
    assert_eq!(registered.status, 201, "{}", registered.text());
    let account = registered.json();
    assert!(account["account_id"].as_str().unwrap().starts_with("acc_"));
    assert_eq!(account["phone_masked"], "138****1234");
    assert!(!registered.text().contains(PHONE));

    let logged_in = login(&gw, &device, MA_XIAOYAN.1, PASSWORD).await;
    assert_eq!(logged_in.status, 201, "{}", logged_in.text());
    let body = logged_in.json();
    let session = body["session_token"].as_str().unwrap().to_owned();
    assert_eq!(session.len(), 43);
    assert!(body["expires_at"].as_str().unwrap().ends_with("+08:00"));
    assert_eq!(devices(&gw, &device, &session).await.status, 200);

    let logout = gw
        .call(
            &device,
            Call::delete("/v1/sessions/current").session(&session),
        )
        .await;
    assert_eq!(logout.status, 204, "{}", logout.text());
    let after = devices(&gw, &device, &session).await;
    assert_eq!(
        (after.status, after.code().as_str()),
        (401, "session_invalid")
    );
    let again = gw
        .call(
            &device,
            Call::delete("/v1/sessions/current").session(&session),
        )
        .await;
    assert_eq!(
        (again.status, again.code().as_str()),
        (401, "session_invalid")
    );
    let none = gw.call(&device, Call::get("/v1/account/devices")).await;
    assert_eq!(
        (none.status, none.code().as_str()),
        (401, "session_invalid")
    );

    // Only the hash of the password and of the session token is stored; neither they nor the
    // phone reach a log line.
    let pool = gw.database().await;
    let (phone, hash): (String, String) =
        sqlx::query_as("SELECT phone, password_hash FROM accounts")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(phone, PHONE);
    assert!(hash.starts_with("$argon2id$") && !hash.contains(PASSWORD));
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM account_sessions WHERE token_hash = $1")
            .bind(&session)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);
    let logs = captured_logs();
    for secret in [PHONE, PASSWORD, session.as_str(), MA_XIAOYAN.1] {
        assert!(!logs.contains(secret), "a log line holds a secret");
    }
}

on_every_backend!(should_register_only_a_confirmed_person);
async fn should_register_only_a_confirmed_person(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let body = json!({"phone": PHONE, "password": PASSWORD});

    let anonymous = gw
        .call(&device, Call::post("/v1/accounts", &body).fresh_key())
        .await;
    assert_eq!(
        (anonymous.status, anonymous.code().as_str()),
        (401, "identity_token_invalid")
    );
    let forged = register(&gw, &device, "not-a-token", &body).await;
    assert_eq!(forged.code(), "identity_token_invalid");

    // Another device's token is not this device's.
    let other = gw.enroll().await;
    let token = gw.confirm(&other, MA_XIAOYAN).await;
    let borrowed = register(&gw, &device, &token, &body).await;
    assert_eq!(borrowed.code(), "identity_token_invalid");

    let missing_key = gw
        .call(&other, Call::post("/v1/accounts", &body).token(&token))
        .await;
    assert_eq!(missing_key.code(), "idempotency_key_missing");

    let pool = gw.database().await;
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(accounts, 0);
}

on_every_backend!(should_open_one_account_per_person);
async fn should_open_one_account_per_person(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    registered(&gw, &device, MA_XIAOYAN).await;

    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let second = register(
        &gw,
        &device,
        &token,
        &json!({"phone": "13900001234", "password": "Another-2025"}),
    )
    .await;
    assert_eq!(
        (second.status, second.code().as_str()),
        (409, "account_exists")
    );

    // From another device too.
    let other = gw.enroll().await;
    let token = gw.confirm(&other, MA_XIAOYAN).await;
    let third = register(
        &gw,
        &other,
        &token,
        &json!({"phone": PHONE, "password": PASSWORD}),
    )
    .await;
    assert_eq!(third.code(), "account_exists");

    // The same registration again under its key answers the first response.
    let token = gw.confirm(&device, WANG_JIANGUO).await;
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"phone": PHONE, "password": PASSWORD});
    let first = gw
        .call(
            &device,
            Call::post("/v1/accounts", &body).key(&key).token(&token),
        )
        .await;
    let replayed = gw
        .call(
            &device,
            Call::post("/v1/accounts", &body).key(&key).token(&token),
        )
        .await;
    assert_eq!((first.status, replayed.status), (201, 201));
    assert_eq!(first.body, replayed.body);
}

on_every_backend!(should_refuse_weak_passwords_and_malformed_phones);
async fn should_refuse_weak_passwords_and_malformed_phones(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;

    for password in ["Ab1!", "12345678901", "onlyletters", "x13800001234"] {
        let answer = register(
            &gw,
            &device,
            &token,
            &json!({"phone": PHONE, "password": password}),
        )
        .await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (422, "password_too_weak"),
            "{password}"
        );
    }
    for phone in ["1380000123", "23800001234", "138-0000-123x"] {
        let answer = register(
            &gw,
            &device,
            &token,
            &json!({"phone": phone, "password": PASSWORD}),
        )
        .await;
        assert_eq!(answer.code(), "validation_failed", "{phone}");
        assert_eq!(answer.json()["fields"], json!(["phone"]));
    }
    let missing = register(&gw, &device, &token, &json!({"phone": PHONE})).await;
    assert_eq!(missing.code(), "validation_failed");

    // Nothing was stored: the person can still register.
    let answer = register(
        &gw,
        &device,
        &token,
        &json!({"phone": PHONE, "password": PASSWORD}),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.text());
}

on_every_backend!(should_not_tell_whether_a_number_has_an_account);
async fn should_not_tell_whether_a_number_has_an_account(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    registered(&gw, &device, MA_XIAOYAN).await;

    let wrong = login(&gw, &device, MA_XIAOYAN.1, "Wrong-2025").await;
    // A registered person without an account, and a valid number nobody holds.
    let no_account = login(&gw, &device, MA_FUHAI.1, PASSWORD).await;
    let unknown = login(&gw, &device, "640102198001010010", PASSWORD).await;
    for answer in [&wrong, &no_account, &unknown] {
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (401, "credentials_invalid")
        );
    }
    assert_eq!(wrong.json()["detail"], unknown.json()["detail"]);

    let malformed = login(&gw, &device, "640104199003150023", PASSWORD).await;
    assert_eq!(
        (malformed.status, malformed.code().as_str()),
        (422, "validation_failed")
    );
}

on_every_backend!(should_lock_an_account_after_wrong_passwords_until_the_lock_ends);
async fn should_lock_an_account_after_wrong_passwords_until_the_lock_ends(backend: Backend) {
    let limits = AccessLimits {
        login_failures: 3,
        lock_seconds: 2,
        ..AccessLimits::sandbox()
    };
    let gw = gateway_with(&backend, limits).await;
    let device = gw.enroll().await;
    registered(&gw, &device, MA_XIAOYAN).await;

    // A success in between starts the count again.
    login(&gw, &device, MA_XIAOYAN.1, "Wrong-2025").await;
    session(&gw, &device, MA_XIAOYAN.1).await;
    for _ in 0..2 {
        let wrong = login(&gw, &device, MA_XIAOYAN.1, "Wrong-2025").await;
        assert_eq!(wrong.code(), "credentials_invalid");
    }
    let locking = login(&gw, &device, MA_XIAOYAN.1, "Wrong-2025").await;
    assert_eq!(
        (locking.status, locking.code().as_str()),
        (423, "account_locked")
    );
    let retry_after = locking.json()["retry_after"].as_u64().unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_eq!(
        locking.headers["retry-after"].to_str().unwrap(),
        retry_after.to_string()
    );

    // Locked: even the right password is refused.
    let right = login(&gw, &device, MA_XIAOYAN.1, PASSWORD).await;
    assert_eq!(
        (right.status, right.code().as_str()),
        (423, "account_locked")
    );

    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let unlocked = login(&gw, &device, MA_XIAOYAN.1, PASSWORD).await;
    assert_eq!(unlocked.status, 201, "{}", unlocked.text());
}

on_every_backend!(should_refuse_an_expired_session_and_another_devices_session);
async fn should_refuse_an_expired_session_and_another_devices_session(backend: Backend) {
    let limits = AccessLimits {
        session_seconds: 2,
        ..AccessLimits::sandbox()
    };
    let gw = gateway_with(&backend, limits).await;
    let device = gw.enroll().await;
    let other = gw.enroll().await;
    registered(&gw, &device, MA_XIAOYAN).await;
    let token = session(&gw, &device, MA_XIAOYAN.1).await;

    assert_eq!(devices(&gw, &device, &token).await.status, 200);
    let stolen = devices(&gw, &other, &token).await;
    assert_eq!(
        (stolen.status, stolen.code().as_str()),
        (401, "session_invalid")
    );

    tokio::time::sleep(Duration::from_millis(3_100)).await;
    let expired = devices(&gw, &device, &token).await;
    assert_eq!(
        (expired.status, expired.code().as_str()),
        (401, "session_invalid")
    );
}

on_every_backend!(should_list_the_persons_devices_and_revoke_a_lost_one);
async fn should_list_the_persons_devices_and_revoke_a_lost_one(backend: Backend) {
    let gw = sandbox(&backend).await;
    let phone = gw.enroll().await;
    let lost = gw.enroll().await;
    let strangers = gw.enroll().await;
    registered(&gw, &phone, MA_XIAOYAN).await;
    gw.confirm(&lost, MA_XIAOYAN).await;
    gw.confirm(&strangers, WANG_JIANGUO).await;
    let token = session(&gw, &phone, MA_XIAOYAN.1).await;

    let listed = devices(&gw, &phone, &token).await;
    assert_eq!(listed.status, 200, "{}", listed.text());
    let items = listed.json()["items"].as_array().unwrap().clone();
    // Listed by first use, which was within the same second here: compared as sets.
    let mut ids: Vec<&str> = items
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut expected = [phone.id.as_str(), lost.id.as_str()];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    let item = |id: &str| items.iter().find(|item| item["id"] == id).unwrap().clone();
    assert_eq!(item(&phone.id)["current"], true);
    assert_eq!(item(&lost.id)["current"], false);
    assert!(item(&lost.id).get("revoked_at").is_none());
    assert!(
        item(&phone.id)["enrolled_at"]
            .as_str()
            .unwrap()
            .ends_with("+08:00")
    );

    // Someone else's device and a made-up one are not this person's.
    for id in [strangers.id.as_str(), "dev_nobody"] {
        let target = format!("/v1/account/devices/{id}/revocation");
        let answer = gw
            .call(
                &phone,
                Call::post(&target, &json!({})).fresh_key().session(&token),
            )
            .await;
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (404, "not_found"),
            "{id}"
        );
    }

    let target = format!("/v1/account/devices/{}/revocation", lost.id);
    let unkeyed = gw
        .call(&phone, Call::post(&target, &json!({})).session(&token))
        .await;
    assert_eq!(unkeyed.code(), "idempotency_key_missing");
    let key = uuid::Uuid::new_v4().to_string();
    let revoked = gw
        .call(
            &phone,
            Call::post(&target, &json!({})).key(&key).session(&token),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    assert_eq!(revoked.json()["id"], lost.id.as_str());
    assert!(revoked.json()["revoked_at"].is_string());
    let replayed = gw
        .call(
            &phone,
            Call::post(&target, &json!({})).key(&key).session(&token),
        )
        .await;
    assert_eq!(replayed.body, revoked.body);

    // The lost device is refused; the others go on.
    let refused = gw
        .call(
            &lost,
            Call::post("/v1/captchas", &json!({"purpose": "identity"})),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (401, "device_revoked")
    );
    let fine = gw
        .call(
            &strangers,
            Call::post("/v1/captchas", &json!({"purpose": "identity"})),
        )
        .await;
    assert_eq!(fine.status, 201);
    let listed = devices(&gw, &phone, &token).await.json();
    // Devices first seen in the same second come in no particular order.
    let lost_listed = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == lost.id.as_str())
        .unwrap();
    assert!(lost_listed["revoked_at"].is_string());
}

on_every_backend!(should_let_a_device_revoke_itself_and_refuse_it_afterwards);
/// "Clear this device": the device revokes its own key; that answer is signed, every later
/// request of the device (the same one again included) is `device_revoked`, other devices go on.
async fn should_let_a_device_revoke_itself_and_refuse_it_afterwards(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let other = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;

    let key = uuid::Uuid::new_v4().to_string();
    let empty = json!({});
    let revoke = || Call::post("/v1/devices/current/revocation", &empty).key(&key);
    let revoked = gw.call(&device, revoke()).await;
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    gw.verify(&revoked).unwrap();
    assert_eq!(revoked.json()["device_id"], device.id.as_str());
    assert!(revoked.json()["revoked_at"].as_str().unwrap().contains('T'));

    let again = gw.call(&device, revoke()).await;
    assert_eq!((again.status, again.code()), (401, "device_revoked".into()));
    gw.verify(&again).unwrap();
    let payables = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await;
    assert_eq!(
        (payables.status, payables.code()),
        (401, "device_revoked".into())
    );

    let still = gw
        .call(
            &other,
            Call::post("/v1/captchas", &json!({"purpose": "identity"})),
        )
        .await;
    assert_eq!(still.status, 201, "{}", still.text());

    // Without an idempotency key it is refused like every other state change.
    let keyless = gw
        .call(
            &other,
            Call::post("/v1/devices/current/revocation", &json!({})),
        )
        .await;
    assert_eq!(
        keyless.code(),
        "idempotency_key_missing",
        "{}",
        keyless.text()
    );
    gw.shutdown().await;
}
