//! Rate limits over real HTTP: per client address and per document number, counted in the
//! database so that two gateways on one database share them, answered 429 `rate_limited` with
//! `retry_after` and `Retry-After` — on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use shebao_gateway::AccessLimits;
use support::{
    Answer, Backend, Call, MA_XIAOYAN, TestDatabase, TestGateway, WANG_JIANGUO, on_every_backend,
};

/// Windows long enough that a test never straddles two.
const WINDOW_SECONDS: u32 = 3600;

fn limits(per_address: u32, per_id_number: u32) -> AccessLimits {
    AccessLimits {
        window_seconds: WINDOW_SECONDS,
        per_address,
        per_id_number,
        ..AccessLimits::sandbox()
    }
}

async fn gateway_on(db: &TestDatabase, limits: AccessLimits, header: Option<&str>) -> TestGateway {
    let mut config = support::config(db, true, Some(support::sandbox_date()));
    config.access_limits = limits;
    config.client_address_header = header.map(str::to_owned);
    support::launch_with(db.clone(), config).await
}

fn captcha_call() -> Call<'static> {
    Call::post("/v1/captchas", &json!({"purpose": "identity"}))
}

/// A `rate_limited` answer whose `retry_after` is within the window and repeated in
/// `Retry-After`.
fn assert_rate_limited(answer: &Answer) {
    assert_eq!(
        (answer.status, answer.code().as_str()),
        (429, "rate_limited"),
        "{}",
        answer.text()
    );
    let retry_after = answer.json()["retry_after"].as_u64().unwrap();
    assert!((1..=u64::from(WINDOW_SECONDS)).contains(&retry_after));
    assert_eq!(
        answer.headers["retry-after"].to_str().unwrap(),
        retry_after.to_string()
    );
}

on_every_backend!(should_limit_captchas_per_address_across_gateways);
async fn should_limit_captchas_per_address_across_gateways(backend: Backend) {
    let db = TestDatabase::new(&backend).await;
    let first = gateway_on(&db, limits(3, 100), None).await;
    let second = gateway_on(&db, limits(3, 100), None).await;
    let device = first.enroll().await;

    for gw in [&first, &second, &first] {
        assert_eq!(gw.call(&device, captcha_call()).await.status, 201);
    }
    // The fourth, on either gateway, is over the limit both share.
    assert_rate_limited(&second.call(&device, captcha_call()).await);
    assert_rate_limited(&first.call(&device, captcha_call()).await);
    // Another device from the same address is counted with it.
    let other = second.enroll().await;
    assert_rate_limited(&second.call(&other, captcha_call()).await);
    // Identity confirmation has its own count.
    let confirm = first
        .call(
            &device,
            Call::post(
                "/v1/identity/confirmations",
                &json!({"name": MA_XIAOYAN.0, "id_type": "resident_id_card",
                        "id_number": MA_XIAOYAN.1, "captcha_id": "cap_x", "captcha_answer": "X"}),
            ),
        )
        .await;
    assert_eq!(confirm.code(), "captcha_invalid");
}

on_every_backend!(should_limit_confirmations_per_document_number);
async fn should_limit_confirmations_per_document_number(backend: Backend) {
    let db = TestDatabase::new(&backend).await;
    let gw = gateway_on(&db, limits(100, 2), None).await;
    let device = gw.enroll().await;
    let other = gw.enroll().await;

    // Wrong names count as well as right ones, from any device.
    let wrong = gw.confirm_call(&device, "马小花", MA_XIAOYAN.1).await;
    assert_eq!(wrong.code(), "identity_not_confirmed");
    gw.confirm(&other, MA_XIAOYAN).await;
    assert_rate_limited(&gw.confirm_call(&device, MA_XIAOYAN.0, MA_XIAOYAN.1).await);
    // Another number is not limited.
    gw.confirm(&device, WANG_JIANGUO).await;

    // The counters hold no document number, only its peppered hash.
    let pool = gw.database().await;
    let scopes: Vec<String> = sqlx::query_scalar("SELECT scope FROM rate_limit_counters")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        scopes
            .iter()
            .any(|scope| scope.starts_with("identity:id_number:"))
    );
    for scope in &scopes {
        for number in [MA_XIAOYAN.1, WANG_JIANGUO.1] {
            assert!(!scope.contains(number), "{scope}");
            assert!(!scope.contains(&shebao_core::sign::sha256_hex(number.as_bytes())));
        }
    }
}

on_every_backend!(should_limit_logins_and_registrations);
async fn should_limit_logins_and_registrations(backend: Backend) {
    let db = TestDatabase::new(&backend).await;
    let first = gateway_on(&db, limits(3, 2), None).await;
    let second = gateway_on(&db, limits(3, 2), None).await;
    let device = first.enroll().await;
    let login = |number: &'static str| {
        Call::post(
            "/v1/sessions",
            &json!({"id_type": "resident_id_card", "id_number": number, "password": "Wrong-2025"}),
        )
    };

    // Per document number, across gateways; the limit comes before the password is checked.
    assert_eq!(
        first.call(&device, login(MA_XIAOYAN.1)).await.code(),
        "credentials_invalid"
    );
    assert_eq!(
        second.call(&device, login(MA_XIAOYAN.1)).await.code(),
        "credentials_invalid"
    );
    assert_rate_limited(&first.call(&device, login(MA_XIAOYAN.1)).await);
    // Per address: that was the third login from it; a fourth with another number is over.
    assert_rate_limited(&second.call(&device, login(WANG_JIANGUO.1)).await);

    // Registration: three per address, whatever the outcome; the refusal releases the
    // idempotency key, so the same key runs again once the window allows.
    let body = json!({"phone": "13800001234", "password": "Shebao-2025"});
    for _ in 0..3 {
        let answer = first
            .call(
                &device,
                Call::post("/v1/accounts", &body).fresh_key().token("none"),
            )
            .await;
        assert_eq!(answer.code(), "identity_token_invalid");
    }
    let key = uuid::Uuid::new_v4().to_string();
    for _ in 0..2 {
        let answer = second
            .call(
                &device,
                Call::post("/v1/accounts", &body).key(&key).token("none"),
            )
            .await;
        assert_rate_limited(&answer);
    }
}

on_every_backend!(should_count_the_address_a_trusted_proxy_names);
async fn should_count_the_address_a_trusted_proxy_names(backend: Backend) {
    let db = TestDatabase::new(&backend).await;
    let gw = gateway_on(&db, limits(1, 100), Some("X-Forwarded-For")).await;
    let device = gw.enroll().await;
    let from = |address: &str| captcha_call().header("x-forwarded-for", address);

    assert_eq!(
        gw.call(&device, from("198.51.100.9, 203.0.113.1"))
            .await
            .status,
        201
    );
    // The last entry is the one the proxy wrote; what the client put before it doesn't count.
    assert_rate_limited(&gw.call(&device, from("198.51.100.10, 203.0.113.1")).await);
    assert_eq!(gw.call(&device, from("203.0.113.2")).await.status, 201);
    // Without the header, the peer address (127.0.0.1) has a count of its own.
    assert_eq!(gw.call(&device, captcha_call()).await.status, 201);
    assert_rate_limited(&gw.call(&device, captcha_call()).await);
}
