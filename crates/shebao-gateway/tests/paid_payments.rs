//! 缴费查询 over real HTTP, on both backends: the confirmed person's paid payments, newest
//! first, with ticket number, lines, payment date and the 缴费证明 issued for each; a refunded
//! payment stays listed as refunded, and nobody sees another person's payments.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use shebao_core::wire::PaidPaymentList;
use support::{
    Backend, Call, Device, MA_XIAOYAN, TestDatabase, TestGateway, WANG_JIANGUO, on_every_backend,
};

/// A sandbox gateway (today 2025-06-15) whose assessments are payable at once.
async fn gateway(backend: &Backend) -> TestGateway {
    let db = TestDatabase::new(backend).await;
    let mut config = support::config(&db, true, Some(support::sandbox_date()));
    config.transmission_delay = Some(Duration::ZERO);
    support::launch_with(db, config).await
}

async fn paid_payments(gw: &TestGateway, device: &Device, token: &str) -> Value {
    let answer = gw
        .call(device, Call::get("/v1/payments").token(token))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    // The answer is the documented shape.
    serde_json::from_value::<PaidPaymentList>(answer.json()).unwrap();
    answer.json()
}

/// Pays the seeded June, then assesses and pays May as a second payment order.
async fn two_payments(gw: &TestGateway, device: &Device, token: &str) -> (Value, Value) {
    let (_, june) = gw.pay_all(device, token).await;
    // Payment times are whole seconds: May is paid a second later, so it is the newest.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let assessed = gw
        .call(
            device,
            Call::post(
                "/v1/assessments",
                &json!({"items": ["pension"], "grade": "0.60", "period_type": "monthly", "start_month": "2025-05"}),
            )
            .fresh_key()
            .token(token),
        )
        .await;
    assert_eq!(assessed.status, 201, "{}", assessed.text());
    let (_, may) = gw.pay_all(device, token).await;
    (june, may)
}

on_every_backend!(should_list_paid_payments_newest_first_with_their_certificates);
async fn should_list_paid_payments_newest_first_with_their_certificates(backend: Backend) {
    let gw = gateway(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    assert_eq!(
        paid_payments(&gw, &device, &token).await["items"],
        json!([])
    );

    let (june, may) = two_payments(&gw, &device, &token).await;
    let listed = paid_payments(&gw, &device, &token).await;
    let items = listed["items"].as_array().unwrap();
    let ids: Vec<&Value> = items.iter().map(|item| &item["order_id"]).collect();
    assert_eq!(ids, vec![&may["id"], &june["id"]], "newest payment first");
    let first = &items[1];
    assert_eq!(first["status"], "paid");
    assert_eq!(first["ticket_number"], june["ticket_number"]);
    assert_eq!(first["amount"], "991.00");
    assert_eq!(
        (&first["period_start"], &first["period_end"]),
        (&json!("2025-06"), &json!("2025-06"))
    );
    // The channel's payment time is the real clock's; the date is its day in UTC+8.
    let paid_at = first["paid_at"].as_str().unwrap();
    assert!(paid_at.ends_with("+08:00"), "{paid_at}");
    assert_eq!(first["paid_on"].as_str().unwrap(), &paid_at[..10]);
    assert_eq!(first["channel"], "unionpay");
    assert_eq!(first["lines"][0]["item_name"], "企业职工基本养老保险费");
    assert_eq!(first["lines"][0]["base"], "4955.00");
    assert!(first.get("certificate_number").is_none());
    assert!(first.get("refunded_at").is_none());

    // Issuing June's certificate shows on the list, and again gives the same number.
    let issued = gw
        .call(
            &device,
            Call::post("/v1/certificates", &json!({"order_id": june["id"]}))
                .fresh_key()
                .token(&token),
        )
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let number = issued.json()["number"].clone();
    let listed = paid_payments(&gw, &device, &token).await;
    assert_eq!(listed["items"][1]["certificate_number"], number);
    assert_eq!(listed["items"][1]["certificate_status"], "valid");
    assert!(listed["items"][0].get("certificate_number").is_none());

    // Someone else sees none of it.
    let other = gw.confirm(&device, WANG_JIANGUO).await;
    assert_eq!(
        paid_payments(&gw, &device, &other).await["items"],
        json!([])
    );
}

on_every_backend!(should_list_a_refunded_payment_as_refunded);
async fn should_list_a_refunded_payment_as_refunded(backend: Backend) {
    let gw = gateway(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let (_, june) = gw.pay_all(&device, &token).await;
    let issued = gw
        .call(
            &device,
            Call::post("/v1/certificates", &json!({"order_id": june["id"]}))
                .fresh_key()
                .token(&token),
        )
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text());

    // The operator refunds it through the binary, as for an approved refund application.
    let args = vec![
        "admin".to_owned(),
        "refund".to_owned(),
        june["ticket_number"].as_str().unwrap().to_owned(),
        "--reason".to_owned(),
        "退费申请 2025-003".to_owned(),
        "--database".to_owned(),
        gw.db.url(),
    ];
    let done = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_shebao-gateway"))
            .args(&args)
            .env_clear()
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );

    let listed = paid_payments(&gw, &device, &token).await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "the refunded payment stays listed");
    assert_eq!(items[0]["order_id"], june["id"]);
    assert_eq!(items[0]["status"], "refunded");
    assert!(items[0]["refunded_at"].is_string());
    assert_eq!(items[0]["certificate_number"], issued.json()["number"]);
    assert_eq!(items[0]["certificate_status"], "refunded");
}

on_every_backend!(should_refuse_the_payment_query_without_an_identity_token);
async fn should_refuse_the_payment_query_without_an_identity_token(backend: Backend) {
    let gw = gateway(&backend).await;
    let device = gw.enroll().await;
    let answer = gw.call(&device, Call::get("/v1/payments")).await;
    assert_eq!(
        (answer.status, answer.code()),
        (401, "identity_token_invalid".into())
    );
}
