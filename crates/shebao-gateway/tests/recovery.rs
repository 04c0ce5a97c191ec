//! Faults of the simulated channels and what the gateway does about them: the recovery job,
//! ticket void (票证作废), duplicate refunds and an operator's refund through the binary.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use shebao_gateway::SandboxFaults;
use sqlx::AnyPool;
use support::{
    Backend, Call, Device, MA_XIAOYAN, TestGateway, faulty, on_every_backend, reconcile, sandbox,
};

/// Confirms 马小燕, declares her payables, opens an order and an attempt on `channel`:
/// (device, token, declaration, order, attempt).
async fn attempt(gw: &TestGateway, channel: &str) -> (Device, String, Value, Value, Value) {
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let declaration = gw.declare_all(&device, &token).await;
    let order = gw
        .create_order(&device, &token, declaration["id"].as_str().unwrap())
        .await;
    assert_eq!(order.status, 201, "{}", order.text());
    let order = order.json();
    let attempt = gw
        .attempt_on(&device, &token, order["id"].as_str().unwrap(), channel)
        .await;
    assert_eq!(attempt.status, 201, "{}", attempt.text());
    (device, token, declaration, order, attempt.json())
}

async fn attempt_status(pool: &AnyPool, attempt_id: &str) -> String {
    sqlx::query_scalar("SELECT status FROM payment_attempts WHERE id = $1")
        .bind(attempt_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Waits up to 20 s for an attempt to reach `status`.
async fn wait_attempt(pool: &AnyPool, attempt_id: &str, status: &str) {
    for _ in 0..100 {
        if attempt_status(pool, attempt_id).await == status {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "attempt {attempt_id} is {}, not {status}",
        attempt_status(pool, attempt_id).await
    );
}

async fn void(
    gw: &TestGateway,
    device: &Device,
    token: &str,
    order_id: &str,
    key: &str,
) -> support::Answer {
    gw.call(
        device,
        Call::post(&format!("/v1/payment-orders/{order_id}/void"), &json!({}))
            .key(key)
            .token(token),
    )
    .await
}

async fn events(pool: &AnyPool, entity_id: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT to_status FROM events WHERE entity_id = $1 ORDER BY id")
        .bind(entity_id)
        .fetch_all(pool)
        .await
        .unwrap()
}

on_every_backend!(should_find_a_payment_whose_notification_was_lost);
async fn should_find_a_payment_whose_notification_was_lost(backend: Backend) {
    let gw = faulty(
        &backend,
        SandboxFaults {
            lose_notifications: true,
            ..SandboxFaults::default()
        },
    )
    .await;
    let (device, token, _, order, attempt) = attempt(&gw, "wechatpay").await;
    let order_id = order["id"].as_str().unwrap();
    let (status, _) = gw
        .pay_on_cashier(attempt["pay_url"].as_str().unwrap())
        .await;
    assert_eq!(status, 200);

    // No notification comes: the order waits.
    let waiting = gw.wait_order(&device, &token, order_id, 2).await;
    assert_eq!(waiting["status"], "awaiting_payment");
    let pool = gw.database().await;
    let notified: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM channel_notifications")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(notified, 0, "the fault lost the notification");

    // The recovery job's query finds the payment.
    let report = gw.recover().await;
    assert_eq!((report.queried, report.paid), (1, 1), "{report:?}");
    let paid = gw.wait_order(&device, &token, order_id, 0).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["channel"], "wechatpay");
    assert_eq!(
        events(&pool, attempt["id"].as_str().unwrap()).await,
        ["pending", "succeeded"]
    );
    // Nothing left to do.
    assert_eq!(gw.recover().await.queried, 0);
    reconcile(&pool).await;
}

on_every_backend!(should_count_a_notification_delivered_twice_once);
async fn should_count_a_notification_delivered_twice_once(backend: Backend) {
    let gw = faulty(
        &backend,
        SandboxFaults {
            duplicate_notifications: true,
            ..SandboxFaults::default()
        },
    )
    .await;
    let (device, token, _, order, attempt) = attempt(&gw, "alipay").await;
    let order_id = order["id"].as_str().unwrap();
    gw.pay_on_cashier(attempt["pay_url"].as_str().unwrap())
        .await;
    assert_eq!(
        gw.wait_order(&device, &token, order_id, 10).await["status"],
        "paid"
    );

    // The second copy arrives and is recognised as already recorded.
    let mut recorded_again = false;
    for _ in 0..50 {
        let metrics = gw
            .http
            .get(gw.url("/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if metrics.lines().any(|line| {
            line == r#"shebao_payment_notifications_total{channel="alipay",outcome="already_recorded"} 1"#
        }) {
            recorded_again = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(recorded_again, "the second delivery never arrived");
    let pool = gw.database().await;
    let attempt_id = attempt["id"].as_str().unwrap();
    assert_eq!(events(&pool, attempt_id).await, ["pending", "succeeded"]);
    let duplicate: i64 = sqlx::query_scalar("SELECT duplicate FROM payment_attempts WHERE id = $1")
        .bind(attempt_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(duplicate, 0);
    assert_eq!(
        events(&pool, order_id).await,
        ["created", "awaiting_payment", "paid"]
    );
    reconcile(&pool).await;
}

on_every_backend!(should_refund_a_payment_that_lands_after_the_ticket_was_voided);
async fn should_refund_a_payment_that_lands_after_the_ticket_was_voided(backend: Backend) {
    let gw = faulty(
        &backend,
        SandboxFaults {
            pay_after_void: true,
            late_notification_ms: 500,
            ..SandboxFaults::default()
        },
    )
    .await;
    let (device, token, declaration, order, attempt) = attempt(&gw, "quickpass").await;
    let order_id = order["id"].as_str().unwrap();
    let attempt_id = attempt["id"].as_str().unwrap();

    let voided = void(
        &gw,
        &device,
        &token,
        order_id,
        &uuid::Uuid::new_v4().to_string(),
    )
    .await;
    assert_eq!(voided.status, 200, "{}", voided.text());
    assert_eq!(voided.json()["status"], "voided");
    let pool = gw.database().await;
    assert_eq!(attempt_status(&pool, attempt_id).await, "closed");

    // The channel acknowledged the close but still takes the money; its notification comes late.
    let (status, _) = gw
        .pay_on_cashier(attempt["pay_url"].as_str().unwrap())
        .await;
    assert_eq!(status, 200);
    wait_attempt(&pool, attempt_id, "refunded").await;
    assert_eq!(
        events(&pool, attempt_id).await,
        [
            "pending",
            "closed",
            "succeeded",
            "refund_pending",
            "refunded"
        ]
    );
    let channel_status: String =
        sqlx::query_scalar("SELECT status FROM sandbox_channel_orders WHERE attempt_id = $1")
            .bind(attempt_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(channel_status, "refunded", "the money went back");
    let order_now = gw.wait_order(&device, &token, order_id, 0).await;
    assert_eq!(order_now["status"], "voided");

    // The declaration is still payable with a new order and ticket.
    let second = gw
        .create_order(&device, &token, declaration["id"].as_str().unwrap())
        .await;
    assert_eq!(second.status, 201, "{}", second.text());
    reconcile(&pool).await;
}

on_every_backend!(should_find_and_refund_a_payment_after_a_void_whose_notification_was_lost);
async fn should_find_and_refund_a_payment_after_a_void_whose_notification_was_lost(
    backend: Backend,
) {
    let gw = faulty(
        &backend,
        SandboxFaults {
            pay_after_void: true,
            lose_notifications: true,
            ..SandboxFaults::default()
        },
    )
    .await;
    let (device, token, _, order, attempt) = attempt(&gw, "alipay").await;
    let order_id = order["id"].as_str().unwrap();
    let attempt_id = attempt["id"].as_str().unwrap();
    let voided = void(
        &gw,
        &device,
        &token,
        order_id,
        &uuid::Uuid::new_v4().to_string(),
    )
    .await;
    assert_eq!(voided.json()["status"], "voided", "{}", voided.text());

    // The channel still takes the money and never says so.
    let (status, _) = gw
        .pay_on_cashier(attempt["pay_url"].as_str().unwrap())
        .await;
    assert_eq!(status, 200);
    let pool = gw.database().await;
    assert_eq!(attempt_status(&pool, attempt_id).await, "closed");

    // The recovery job asks about the closed attempt again, finds the payment and gives it back.
    let report = gw.recover().await;
    assert_eq!(
        (report.rechecked, report.duplicates, report.refunded),
        (1, 1, 0),
        "{report:?}"
    );
    assert_eq!(
        events(&pool, attempt_id).await,
        [
            "pending",
            "closed",
            "succeeded",
            "refund_pending",
            "refunded"
        ]
    );
    let found_by: (String, i64) = sqlx::query_as(
        "SELECT found_by, deliveries FROM channel_notifications WHERE attempt_id = $1",
    )
    .bind(attempt_id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(found_by, ("query".to_owned(), 0));
    assert_eq!(
        gw.wait_order(&device, &token, order_id, 0).await["status"],
        "voided"
    );
    reconcile(&pool).await;
}

on_every_backend!(should_leave_an_unanswered_query_unknown_until_the_channel_answers);
async fn should_leave_an_unanswered_query_unknown_until_the_channel_answers(backend: Backend) {
    let gw = faulty(
        &backend,
        SandboxFaults {
            lose_notifications: true,
            query_timeouts: 2,
            ..SandboxFaults::default()
        },
    )
    .await;
    let (device, token, _, order, attempt) = attempt(&gw, "unionpay").await;
    let order_id = order["id"].as_str().unwrap();
    gw.pay_on_cashier(attempt["pay_url"].as_str().unwrap())
        .await;

    for _ in 0..2 {
        let report = gw.recover().await;
        assert_eq!(report.unanswered, 1, "{report:?}");
        let unknown = gw.wait_order(&device, &token, order_id, 0).await;
        assert_eq!(unknown["status"], "unknown", "never called failed");
    }
    // While the outcome is unknown no second deduction starts, on any channel.
    for channel in ["unionpay", "alipay"] {
        let refused = gw.attempt_on(&device, &token, order_id, channel).await;
        assert_eq!(refused.status, 409, "{channel}");
        assert_eq!(refused.code(), "payment_in_progress");
    }
    // The channel answers the third query: the recovery job finds the payment.
    let report = gw.recover().await;
    assert_eq!(report.paid, 1, "{report:?}");
    assert_eq!(
        gw.wait_order(&device, &token, order_id, 0).await["status"],
        "paid"
    );
    let pool = gw.database().await;
    assert_eq!(
        events(&pool, attempt["id"].as_str().unwrap()).await,
        ["pending", "unknown", "succeeded"]
    );
    assert_eq!(
        events(&pool, order_id).await,
        ["created", "awaiting_payment", "unknown", "paid"]
    );
    reconcile(&pool).await;
}

on_every_backend!(should_make_a_ticket_void_paid_when_the_channel_reports_a_payment);
async fn should_make_a_ticket_void_paid_when_the_channel_reports_a_payment(backend: Backend) {
    let gw = faulty(
        &backend,
        SandboxFaults {
            lose_notifications: true,
            ..SandboxFaults::default()
        },
    )
    .await;
    let (device, token, _, order, attempt) = attempt(&gw, "ningxia_wallet").await;
    let order_id = order["id"].as_str().unwrap();
    gw.pay_on_cashier(attempt["pay_url"].as_str().unwrap())
        .await;

    // The exception list shows the order the person thinks is stuck.
    let exceptions = gw
        .call(&device, Call::get("/v1/payment-exceptions").token(&token))
        .await;
    assert_eq!(exceptions.status, 200);
    let items = exceptions.json()["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["order"]["id"], order_id);
    assert_eq!(items[0]["attempts"][0]["id"], attempt["id"]);

    let answer = void(
        &gw,
        &device,
        &token,
        order_id,
        &uuid::Uuid::new_v4().to_string(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert_eq!(answer.json()["status"], "paid", "paid, not void");
    let after = gw
        .call(&device, Call::get("/v1/payment-exceptions").token(&token))
        .await;
    assert_eq!(after.json()["items"], json!([]));
    // Voiding a paid order is refused.
    let again = void(
        &gw,
        &device,
        &token,
        order_id,
        &uuid::Uuid::new_v4().to_string(),
    )
    .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "declaration_not_payable");
    reconcile(&gw.database().await).await;
}

on_every_backend!(should_pay_with_a_new_order_and_ticket_after_a_ticket_void);
async fn should_pay_with_a_new_order_and_ticket_after_a_ticket_void(backend: Backend) {
    let gw = sandbox(&backend).await;
    let (device, token, declaration, order, attempt) = attempt(&gw, "alipay").await;
    let order_id = order["id"].as_str().unwrap();
    let key = uuid::Uuid::new_v4().to_string();
    let voided = void(&gw, &device, &token, order_id, &key).await;
    assert_eq!(voided.status, 200, "{}", voided.text());
    assert_eq!(voided.json()["status"], "voided");
    // The same request again answers the same; nothing happens twice.
    let replayed = void(&gw, &device, &token, order_id, &key).await;
    assert_eq!(replayed.status, 200);
    assert_eq!(replayed.json(), voided.json());
    let pool = gw.database().await;
    assert_eq!(
        events(&pool, order_id).await,
        ["created", "awaiting_payment", "voided"]
    );

    // The closed attempt can't be paid any more.
    let (status, page) = gw
        .pay_on_cashier(attempt["pay_url"].as_str().unwrap())
        .await;
    assert_eq!(status, 410, "{page}");
    assert!(page.contains("已关闭"));

    // A new order, with a new ticket number, pays the declaration.
    let second = gw
        .create_order(&device, &token, declaration["id"].as_str().unwrap())
        .await;
    assert_eq!(second.status, 201, "{}", second.text());
    let second = second.json();
    assert_ne!(second["ticket_number"], order["ticket_number"]);
    let second_id = second["id"].as_str().unwrap();
    let pay = gw
        .attempt_on(&device, &token, second_id, "wechatpay")
        .await
        .json();
    let (status, _) = gw.pay_on_cashier(pay["pay_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(
        gw.wait_order(&device, &token, second_id, 10).await["status"],
        "paid"
    );
    let declared = gw
        .call(
            &device,
            Call::get(&format!(
                "/v1/declarations/{}",
                declaration["id"].as_str().unwrap()
            ))
            .token(&token),
        )
        .await;
    assert_eq!(declared.json()["status"], "paid");
    reconcile(&pool).await;
}

on_every_backend!(should_refund_a_payment_through_the_admin_command);
async fn should_refund_a_payment_through_the_admin_command(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let (token, _, order) = gw.paid_order(&device, MA_XIAOYAN).await;
    let order_id = order["id"].as_str().unwrap().to_owned();
    let ticket = order["ticket_number"].as_str().unwrap().to_owned();
    let issued = gw.issue_certificate(&device, &token, &order_id).await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let issued = issued.json();

    let url = gw.db.url();
    let run = |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_shebao-gateway"))
                .args(&args)
                .env_clear()
                .output()
                .unwrap()
        })
    };
    let args = |payment: &str, reason: &str| {
        vec![
            "admin".to_owned(),
            "refund".to_owned(),
            payment.to_owned(),
            "--reason".to_owned(),
            reason.to_owned(),
            "--database".to_owned(),
            url.clone(),
        ]
    };
    // Without a reason, or for an unknown payment: refused, nothing changes.
    let long = "退".repeat(201);
    for reason in [" ", "", "第一行\n第二行", "退费\u{7}", long.as_str()] {
        let refused = run(args(&ticket, reason)).await.unwrap();
        assert!(!refused.status.success(), "{reason:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("--reason must be 1 to 200 characters"),
            "{stderr}"
        );
        assert!(!stderr.contains("configuration"), "{stderr}");
    }
    let unknown = run(args("ord_nothing", "退费申请 2025-001")).await.unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no payment ord_nothing"));

    let done = run(args(&ticket, "退费申请 2025-001")).await.unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stdout).contains(&format!("refunded {order_id}")));

    let refunded = gw.wait_order(&device, &token, &order_id, 0).await;
    assert_eq!(refunded["status"], "refunded");
    let certificate = gw
        .call(
            &device,
            Call::get(&format!(
                "/v1/certificates/{}",
                issued["number"].as_str().unwrap()
            ))
            .token(&token),
        )
        .await;
    assert_eq!(
        certificate.json()["status"],
        "refunded",
        "{}",
        certificate.text()
    );
    let qr_text = issued["qr_text"].as_str().unwrap();
    let encoded = qr_text.rsplit_once("/C/").unwrap().1;
    let verdict: Value = gw
        .http
        .get(gw.url(&format!("/C/{encoded}")))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verdict["verdict"], "refunded");
    let pool = gw.database().await;
    let reason: String =
        sqlx::query_scalar("SELECT refund_reason FROM payment_orders WHERE id = $1")
            .bind(&order_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(reason, "退费申请 2025-001");

    // The refunded month is unpaid again: its declaration voided with the refund's reason, its
    // payable back on the list to be declared and paid anew.
    let declaration_id = order["declaration_id"].as_str().unwrap();
    let declaration = gw
        .call(
            &device,
            Call::get(&format!("/v1/declarations/{declaration_id}")).token(&token),
        )
        .await
        .json();
    assert_eq!(declaration["status"], "voided");
    assert_eq!(declaration["void_reason"], "退费申请 2025-001");
    let payables = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await
        .json();
    let lines: Vec<&str> = declaration["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["id"].as_str().unwrap())
        .collect();
    let listed: Vec<&str> = payables["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, lines);

    // Once only.
    let twice = run(args(&order_id, "退费申请 2025-001")).await.unwrap();
    assert!(!twice.status.success());
    reconcile(&pool).await;

    // The operator's reconciliation sees the one payment taken and given back.
    let books = run(vec![
        "admin".to_owned(),
        "reconcile".to_owned(),
        "--database".to_owned(),
        url.clone(),
    ])
    .await
    .unwrap();
    assert!(
        books.status.success(),
        "{}",
        String::from_utf8_lossy(&books.stderr)
    );
    assert!(
        String::from_utf8_lossy(&books.stdout).contains(
            "taken 1 · kept 0 · refunded 1 · refund pending 0 · double charged 0 · lost 0"
        ),
        "{}",
        String::from_utf8_lossy(&books.stdout)
    );
}
