//! The gateway over real HTTP: journeys, protocol refusals, idempotency, identity, payments.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shebao_core::sign;
use support::{
    Backend, CHEN_JIAXIN, Call, MA_FUHAI, MA_XIAOYAN, TestDatabase, WANG_JIANGUO, ZHANG_XIAOMEI,
    captured_logs, non_sandbox, on_every_backend, sandbox, unix_now,
};

on_every_backend!(should_take_a_person_from_enrollment_to_a_paid_order);
async fn should_take_a_person_from_enrollment_to_a_paid_order(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;

    // Identity, with the captcha answer from the sandbox route.
    let (captcha_id, captcha_answer) = gw.captcha(&device).await;
    let confirmed = gw
        .call(
            &device,
            Call::post(
                "/v1/identity/confirmations",
                &json!({
                    "name": MA_XIAOYAN.0,
                    "id_type": "resident_id_card",
                    "id_number": MA_XIAOYAN.1,
                    "captcha_id": captcha_id,
                    "captcha_answer": captcha_answer.to_lowercase(),
                }),
            ),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let confirmed = confirmed.json();
    assert_eq!(
        confirmed["person"],
        json!({"name_masked": "马*燕", "id_number_masked": "640104********0022", "insured": true})
    );
    let token = confirmed["identity_token"].as_str().unwrap().to_owned();
    assert_eq!(sign::b64_decode(&token).unwrap().len(), 32);

    // Payables for the sandbox month.
    let payables = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await;
    assert_eq!(payables.status, 200);
    let payables = payables.json();
    assert_eq!(payables["total"], "991.00");
    let items = payables["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let payable = &items[0];
    assert_eq!(payable["item"], "pension");
    assert_eq!(payable["period_start"], "2025-06");
    assert_eq!(payable["period_end"], "2025-06");
    assert_eq!(payable["months"], 1);
    assert_eq!(payable["base"], "4955.00");
    assert_eq!(payable["amount"], "991.00");
    assert_eq!(payable["personal"], "396.40");
    assert_eq!(payable["pooled"], "594.60");
    assert_eq!(payable["policy_status"], "confirmed");

    // Declaration.
    let declared = gw
        .call(
            &device,
            Call::post("/v1/declarations", &json!({"payable_ids": [payable["id"]]}))
                .fresh_key()
                .token(&token),
        )
        .await;
    assert_eq!(declared.status, 201, "{}", declared.text());
    let declaration = declared.json();
    assert_eq!(declaration["status"], "declared");
    assert_eq!(declaration["total"], "991.00");
    assert_eq!(declaration["lines"][0], *payable);
    let declaration_id = declaration["id"].as_str().unwrap();
    let after = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await;
    assert_eq!(after.json()["items"], json!([]));

    // Payment order and attempt.
    let order = gw.create_order(&device, &token, declaration_id).await;
    assert_eq!(order.status, 201, "{}", order.text());
    let order = order.json();
    assert_eq!(order["status"], "created");
    assert_eq!(order["amount"], "991.00");
    let ticket = order["ticket_number"].as_str().unwrap();
    assert_eq!(ticket.len(), 20);
    assert!(ticket.bytes().all(|b| b.is_ascii_digit()));
    let order_id = order["id"].as_str().unwrap();
    let attempt = gw.create_attempt(&device, &token, order_id).await;
    assert_eq!(attempt["status"], "pending");
    assert_eq!(attempt["channel"], "unionpay");
    assert_eq!(attempt["amount"], "991.00");
    let pay_url = attempt["pay_url"].as_str().unwrap();
    assert_eq!(
        pay_url,
        gw.url(&format!(
            "/sandbox/unionpay/cashier/{}",
            attempt["id"].as_str().unwrap()
        ))
    );
    assert_eq!(attempt["qr_text"], attempt["pay_url"]);
    let waiting = gw.wait_order(&device, &token, order_id, 0).await;
    assert_eq!(waiting["status"], "awaiting_payment");

    // The cashier page, then paying on it as a person would.
    let page = gw.http.get(pay_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    for expected in [
        r#"<html lang="zh-CN">"#,
        r#"name="viewport""#,
        "银联在线支付（演示）",
        "国家税务总局宁夏回族自治区税务局",
        "¥991.00",
        "电子税票号码",
        ticket,
        r#"<form method="post""#,
        r#"name="source" value="bank_card" checked"#,
        r#"name="card_number""#,
        "6222020000000000000",
        "确认支付",
    ] {
        assert!(page.contains(expected), "cashier page lacks {expected}");
    }
    let (status, paid_page) = gw.pay_on_cashier(pay_url).await;
    assert_eq!(status, 200, "{paid_page}");
    assert!(paid_page.contains("支付成功"));
    assert!(paid_page.contains("¥991.00"));

    // The app's long poll sees the channel's notification land.
    let paid = gw.wait_order(&device, &token, order_id, 10).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["channel"], "unionpay");
    assert!(paid["paid_at"].as_str().unwrap().ends_with("+08:00"));
    let declaration = gw
        .call(
            &device,
            Call::get(&format!("/v1/declarations/{declaration_id}")).token(&token),
        )
        .await;
    assert_eq!(declaration.json()["status"], "paid");

    // Paying again on the same page is refused with a clear page.
    let (status, again) = gw.pay_on_cashier(pay_url).await;
    assert_eq!(status, 409);
    assert!(again.contains("已支付"));

    // Nothing personal reached the logs.
    let logs = captured_logs();
    assert!(
        logs.contains("route=\"/v1/payment-orders/{order_id}\""),
        "request spans are logged"
    );
    for secret in [MA_XIAOYAN.0, MA_XIAOYAN.1, &token, &captcha_answer] {
        assert!(
            !logs.contains(secret),
            "a log line contains personal data or a secret"
        );
    }
    gw.shutdown().await;
}

on_every_backend!(should_price_monthly_and_quarterly_assessments_of_other_people);
async fn should_price_monthly_and_quarterly_assessments_of_other_people(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;

    // A lower-case x is the same number.
    let token = gw
        .confirm(&device, (WANG_JIANGUO.0, &WANG_JIANGUO.1.to_lowercase()))
        .await;
    let list = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await
        .json();
    assert_eq!(list["total"], "1651.60");
    assert_eq!(list["items"][0]["base"], "8258.00");

    let token = gw.confirm(&device, MA_FUHAI).await;
    let list = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await
        .json();
    let item = &list["items"][0];
    assert_eq!(
        (item["period_start"].clone(), item["period_end"].clone()),
        (json!("2025-04"), json!("2025-06"))
    );
    assert_eq!(item["months"], 3);
    assert_eq!(item["base"], "4955.00");
    assert_eq!(item["amount"], "2973.00");
    assert_eq!(item["personal"], "1189.20");

    let confirmed = gw
        .confirm_call(&device, ZHANG_XIAOMEI.0, ZHANG_XIAOMEI.1)
        .await
        .json();
    assert_eq!(confirmed["person"]["insured"], false);
    let token = confirmed["identity_token"].as_str().unwrap();
    let list = gw
        .call(&device, Call::get("/v1/payables").token(token))
        .await
        .json();
    assert_eq!(list, json!({"items": [], "total": "0.00"}));
}

on_every_backend!(should_sign_every_answer_and_bind_the_request_nonce);
async fn should_sign_every_answer_and_bind_the_request_nonce(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;

    // A refusal of a handler is signed.
    let refused = gw
        .call(
            &device,
            Call::post("/v1/captchas", &json!({"purpose": "login"})),
        )
        .await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.json()["fields"], json!(["purpose"]));
    assert!(gw.verify_with_nonce(&refused, &sign::new_nonce()).is_err());

    // A refusal of the signature layer is signed over the header's nonce.
    let mut stale = Call::get("/v1/payables");
    stale.ts -= 1000;
    let authorization = gw.authorization(&device.id, &device.key, &stale);
    let answer = gw.send(&stale, Some(&authorization)).await;
    assert_eq!(answer.code(), "timestamp_out_of_window");
    gw.verify(&answer).unwrap();
    assert!(gw.verify_with_nonce(&answer, "").is_err());

    // Without a parsable header the nonce is the empty string.
    let answer = gw.send(&Call::get("/v1/payables"), None).await;
    assert_eq!(answer.code(), "signature_missing");
    gw.verify_with_nonce(&answer, "").unwrap();
    assert_eq!(answer.json()["request_id"], answer.request_id());
}

on_every_backend!(should_refuse_requests_in_the_protocol_order);
async fn should_refuse_requests_in_the_protocol_order(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let body = json!({"purpose": "identity"});

    let missing = gw.send(&Call::post("/v1/captchas", &body), None).await;
    assert_eq!(
        (missing.status, missing.code()),
        (401, "signature_missing".into())
    );
    assert_eq!(missing.headers["content-type"], "application/problem+json");
    let malformed = gw
        .send(
            &Call::post("/v1/captchas", &body),
            Some("SHEBAO1-ED25519 kid=x"),
        )
        .await;
    assert_eq!(malformed.code(), "signature_missing");

    let call = Call::post("/v1/captchas", &body);
    let authorization = gw.authorization("dev_nobody", &device.key, &call);
    let unknown = gw.send(&call, Some(&authorization)).await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (401, "device_unknown".into())
    );

    let mut stale = Call::post("/v1/captchas", &body);
    stale.ts = unix_now() - 301;
    let authorization = gw.authorization(&device.id, &device.key, &stale);
    let stale = gw.send(&stale, Some(&authorization)).await;
    assert_eq!(stale.code(), "timestamp_out_of_window");
    let server_time = stale.json()["server_time"].as_i64().unwrap();
    assert!((server_time - unix_now()).abs() < 5);

    let mut tampered = Call::post("/v1/captchas", &json!({"purpose": "identitx"}));
    tampered.signed_body = Some(serde_json::to_vec(&body).unwrap());
    let authorization = gw.authorization(&device.id, &device.key, &tampered);
    let tampered = gw.send(&tampered, Some(&authorization)).await;
    assert_eq!(
        (tampered.status, tampered.code()),
        (401, "signature_invalid".into())
    );

    let mut retargeted = Call::get("/v1/payables?all=1");
    retargeted.signed_target = Some("/v1/payables");
    let authorization = gw.authorization(&device.id, &device.key, &retargeted);
    let retargeted = gw.send(&retargeted, Some(&authorization)).await;
    assert_eq!(retargeted.code(), "signature_invalid");

    let call = Call::post("/v1/captchas", &body);
    let authorization = gw.authorization(&device.id, &device.key, &call);
    let first = gw.send(&call, Some(&authorization)).await;
    assert_eq!(first.status, 201);
    let replayed = gw.send(&call, Some(&authorization)).await;
    assert_eq!(
        (replayed.status, replayed.code()),
        (401, "nonce_replayed".into())
    );

    // A revoked device (the revocation endpoint comes later; the column exists now).
    let db = gw.database().await;
    sqlx::query("UPDATE devices SET revoked_at = 1 WHERE id = $1")
        .bind(&device.id)
        .execute(&db)
        .await
        .unwrap();
    let revoked = gw.call(&device, Call::post("/v1/captchas", &body)).await;
    assert_eq!(revoked.code(), "device_revoked");
}

on_every_backend!(should_replay_an_idempotent_request_and_refuse_a_reused_key);
async fn should_replay_an_idempotent_request_and_refuse_a_reused_key(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let payables = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await
        .json();
    let payable_ids = json!([payables["items"][0]["id"]]);
    let body = json!({"payable_ids": payable_ids});
    let key = uuid::Uuid::new_v4().to_string();

    let first = gw.declare(&device, &token, &payable_ids, &key).await;
    assert_eq!(first.status, 201);
    let again = gw.declare(&device, &token, &payable_ids, &key).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body);
    assert_ne!(again.request_id(), first.request_id());

    let other = gw
        .declare(&device, &token, &json!(["pay_other"]), &key)
        .await;
    assert_eq!(
        (other.status, other.code()),
        (422, "idempotency_key_reused".into())
    );

    let missing = gw
        .call(&device, Call::post("/v1/declarations", &body).token(&token))
        .await;
    assert_eq!(
        (missing.status, missing.code()),
        (400, "idempotency_key_missing".into())
    );
    let upper = gw
        .call(
            &device,
            Call::post("/v1/declarations", &body)
                .key(&uuid::Uuid::new_v4().to_string().to_uppercase())
                .token(&token),
        )
        .await;
    assert_eq!(upper.code(), "validation_failed");
}

on_every_backend!(should_consume_a_captcha_whatever_the_answer);
async fn should_consume_a_captcha_whatever_the_answer(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let (captcha_id, answer) = gw.captcha(&device).await;
    let confirm = |answer: &str| {
        Call::post(
            "/v1/identity/confirmations",
            &json!({
                "name": MA_XIAOYAN.0,
                "id_type": "resident_id_card",
                "id_number": MA_XIAOYAN.1,
                "captcha_id": captcha_id,
                "captcha_answer": answer,
            }),
        )
    };

    let wrong = gw.call(&device, confirm("WRONG")).await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (422, "captcha_invalid".into())
    );
    let reused = gw.call(&device, confirm(&answer)).await;
    assert_eq!(reused.code(), "captcha_invalid");

    // A captcha drawn for one device doesn't confirm on another.
    let (captcha_id, answer) = gw.captcha(&device).await;
    let other = gw.enroll().await;
    let body = json!({
        "name": MA_XIAOYAN.0, "id_type": "resident_id_card", "id_number": MA_XIAOYAN.1,
        "captcha_id": captcha_id, "captcha_answer": answer,
    });
    let foreign = gw
        .call(&other, Call::post("/v1/identity/confirmations", &body))
        .await;
    assert_eq!(foreign.code(), "captcha_invalid");
}

on_every_backend!(should_answer_an_unknown_person_and_a_wrong_name_alike);
async fn should_answer_an_unknown_person_and_a_wrong_name_alike(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;

    // A valid number that is not in the register, and a registered number with another name.
    let unknown = gw.confirm_call(&device, "张三", "640102199001011237").await;
    let mismatch = gw.confirm_call(&device, "张三", MA_XIAOYAN.1).await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (403, "identity_not_confirmed".into())
    );
    let strip = |answer: &support::Answer| {
        let mut body = answer.json();
        body.as_object_mut().unwrap().remove("request_id");
        body
    };
    assert_eq!(strip(&unknown), strip(&mismatch));

    let malformed = gw
        .confirm_call(&device, MA_XIAOYAN.0, "640104199003150023")
        .await;
    assert_eq!(
        (malformed.status, malformed.code()),
        (422, "validation_failed".into())
    );
    assert_eq!(malformed.json()["fields"], json!(["id_number"]));
    assert!(!malformed.text().contains("check"));
}

on_every_backend!(should_refuse_identity_tokens_of_other_devices);
async fn should_refuse_identity_tokens_of_other_devices(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;

    let missing = gw.call(&device, Call::get("/v1/payables")).await;
    assert_eq!(
        (missing.status, missing.code()),
        (401, "identity_token_invalid".into())
    );
    let other = gw.enroll().await;
    let foreign = gw
        .call(&other, Call::get("/v1/payables").token(&token))
        .await;
    assert_eq!(foreign.code(), "identity_token_invalid");
    let forged = gw
        .call(&device, Call::get("/v1/payables").token("forged"))
        .await;
    assert_eq!(forged.code(), "identity_token_invalid");
}

on_every_backend!(should_refuse_declaring_a_payable_twice_and_a_second_open_order);
async fn should_refuse_declaring_a_payable_twice_and_a_second_open_order(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let payables = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await
        .json();
    let body = json!({"payable_ids": [payables["items"][0]["id"]]});

    let first = gw
        .call(
            &device,
            Call::post("/v1/declarations", &body)
                .fresh_key()
                .token(&token),
        )
        .await;
    assert_eq!(first.status, 201);
    let second = gw
        .call(
            &device,
            Call::post("/v1/declarations", &body)
                .fresh_key()
                .token(&token),
        )
        .await;
    assert_eq!(
        (second.status, second.code()),
        (409, "payable_not_available".into())
    );

    // Someone else's payable is not available either.
    let other = gw.confirm(&device, WANG_JIANGUO).await;
    let foreign = gw
        .call(
            &device,
            Call::post("/v1/declarations", &body)
                .fresh_key()
                .token(&other),
        )
        .await;
    assert_eq!(foreign.code(), "payable_not_available");

    let declaration_id = first.json()["id"].as_str().unwrap().to_owned();
    let order = gw.create_order(&device, &token, &declaration_id).await;
    assert_eq!(order.status, 201);
    let again = gw.create_order(&device, &token, &declaration_id).await;
    assert_eq!(
        (again.status, again.code()),
        (409, "payment_in_progress".into())
    );
    let unknown = gw.create_order(&device, &token, "dec_unknown").await;
    assert_eq!(unknown.code(), "not_found");
}

on_every_backend!(should_apply_a_channel_notification_once);
async fn should_apply_a_channel_notification_once(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let declaration = gw.declare_all(&device, &token).await;
    let order = gw
        .create_order(&device, &token, declaration["id"].as_str().unwrap())
        .await
        .json();
    let order_id = order["id"].as_str().unwrap();
    let attempt = gw.create_attempt(&device, &token, order_id).await;
    let (status, _) = gw
        .pay_on_cashier(attempt["pay_url"].as_str().unwrap())
        .await;
    assert_eq!(status, 200);
    let paid = gw.wait_order(&device, &token, order_id, 10).await;
    assert_eq!(paid["status"], "paid");

    // The channel sends the same notification again, signed with its key.
    let db = gw.database().await;
    let (txn_id, amount_fen, paid_at): (String, i64, i64) = sqlx::query_as(
        "SELECT channel_txn_id, amount_fen, paid_at FROM channel_notifications WHERE attempt_id = $1",
    )
    .bind(attempt["id"].as_str().unwrap())
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(amount_fen, 99_100);
    let events_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&db)
        .await
        .unwrap();
    let notification = json!({
        "attempt_id": attempt["id"],
        "channel_txn_id": txn_id,
        "amount": "991.00",
        "paid_at": chrono::DateTime::from_timestamp(paid_at, 0).unwrap().to_rfc3339(),
    });
    let again = notify(&gw, &db, &notification).await;
    assert_eq!(again, (200, json!({"result": "ok"})));
    let events_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(events_after, events_before);
    assert_eq!(gw.wait_order(&device, &token, order_id, 0).await, paid);

    // A notification whose amount differs, or that nobody signed, changes nothing either.
    let mut wrong_amount = notification.clone();
    wrong_amount["channel_txn_id"] = json!("999");
    wrong_amount["amount"] = json!("1.00");
    let (status, body) = notify(&gw, &db, &wrong_amount).await;
    assert_eq!((status, body["fields"].clone()), (422, json!(["amount"])));
    let unsigned = gw
        .http
        .post(gw.url("/v1/channels/unionpay/notifications"))
        .header("content-type", "application/json")
        .body(notification.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    assert!(unsigned.headers().contains_key("request-id"));
}

on_every_backend!(should_reuse_a_pending_attempt_instead_of_opening_a_second_cashier);
async fn should_reuse_a_pending_attempt_instead_of_opening_a_second_cashier(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let declaration = gw.declare_all(&device, &token).await;
    let order = gw
        .create_order(&device, &token, declaration["id"].as_str().unwrap())
        .await
        .json();
    let order_id = order["id"].as_str().unwrap();
    let first = gw.create_attempt(&device, &token, order_id).await;

    // Asking again (a restarted app has a new idempotency key) gives the same pending attempt,
    // so there is only ever one cashier that can take the money for this order.
    let target = format!("/v1/payment-orders/{order_id}/attempts");
    let again = gw
        .call(
            &device,
            Call::post(&target, &json!({"channel": "unionpay"}))
                .fresh_key()
                .token(&token),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["id"], first["id"]);
    assert_eq!(again.json()["pay_url"], first["pay_url"]);

    let pay_url = first["pay_url"].as_str().unwrap();
    assert_eq!(gw.pay_on_cashier(pay_url).await.0, 200);
    assert_eq!(
        gw.wait_order(&device, &token, order_id, 10).await["status"],
        "paid"
    );
    let (status, _) = gw.pay_on_cashier(pay_url).await;
    assert!(status >= 400, "the cashier refuses to take the money twice");

    let db = gw.database().await;
    let paid: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM events WHERE entity = 'payment_order' AND to_status = 'paid'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(paid, 1);
    let attempts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM payment_attempts WHERE order_id = $1")
            .bind(order_id)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(attempts, 1);

    // A paid order takes no new attempt.
    let refused = gw
        .call(
            &device,
            Call::post(&target, &json!({"channel": "unionpay"}))
                .fresh_key()
                .token(&token),
        )
        .await;
    assert_eq!(refused.code(), "declaration_not_payable");
}

on_every_backend!(should_end_a_long_poll_when_the_wait_is_over);
async fn should_end_a_long_poll_when_the_wait_is_over(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let declaration = gw.declare_all(&device, &token).await;
    let order = gw
        .create_order(&device, &token, declaration["id"].as_str().unwrap())
        .await
        .json();
    let order_id = order["id"].as_str().unwrap();

    let started = Instant::now();
    let polled = gw.wait_order(&device, &token, order_id, 1).await;
    assert_eq!(polled["status"], "created");
    assert!(started.elapsed() >= Duration::from_millis(950));

    let target = format!("/v1/payment-orders/{order_id}?wait=26");
    let too_long = gw.call(&device, Call::get(&target).token(&token)).await;
    assert_eq!(too_long.json()["fields"], json!(["wait"]));
}

on_every_backend!(should_not_expose_sandbox_routes_outside_sandbox_mode);
async fn should_not_expose_sandbox_routes_outside_sandbox_mode(backend: Backend) {
    let gw = non_sandbox(&backend).await;
    let answer = gw
        .http
        .get(gw.url("/sandbox/captchas/x/answer"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
    assert!(answer.headers().contains_key("request-id"));
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["code"], "not_found");

    // A captcha drawn here keeps no plain answer anywhere.
    let device = gw.enroll().await;
    let created = gw
        .call(
            &device,
            Call::post("/v1/captchas", &json!({"purpose": "identity"})),
        )
        .await;
    assert_eq!(created.status, 201);
    let captcha_id = created.json()["captcha_id"].as_str().unwrap().to_owned();
    let answer = gw
        .http
        .get(gw.url(&format!("/sandbox/captchas/{captcha_id}/answer")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
    let db = gw.database().await;
    let plain: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sandbox_captcha_answers")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(plain, 0);
    for path in ["/sandbox/info", "/sandbox/unionpay/cashier/att_x"] {
        let response = gw.http.get(gw.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

on_every_backend!(should_keep_keys_and_seed_across_restarts);
async fn should_keep_keys_and_seed_across_restarts(backend: Backend) {
    let gw = sandbox(&backend).await;
    let key_set = serde_json::to_value(&gw.key_set).unwrap();
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    gw.declare_all(&device, &token).await;
    let db = gw.shutdown().await;

    let gw = support::launch(db, true, Some(support::sandbox_date())).await;
    assert_eq!(serde_json::to_value(&gw.key_set).unwrap(), key_set);
    let published: Value = gw
        .http
        .get(gw.url("/.well-known/shebao-keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(published, key_set);
    // Same device, new identity token: the declared payable stays declared.
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let list = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await
        .json();
    assert_eq!(list["items"], json!([]));
}

/// POSTs a notification signed with the sandbox channel's key (read from its books).
async fn notify(
    gw: &support::TestGateway,
    db: &sqlx::AnyPool,
    notification: &Value,
) -> (u16, Value) {
    let secret: String = sqlx::query_scalar(
        "SELECT secret_key FROM sandbox_channel_keys WHERE channel = 'unionpay'",
    )
    .fetch_one(db)
    .await
    .unwrap();
    let secret: [u8; 32] = sign::b64_decode(&secret).unwrap().try_into().unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&secret);
    let body = serde_json::to_vec(notification).unwrap();
    let signature = {
        use ed25519_dalek::Signer;
        sign::b64(&key.sign(&body).to_bytes())
    };
    let response = gw
        .http
        .post(gw.url("/v1/channels/unionpay/notifications"))
        .header("content-type", "application/json")
        .header("channel-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

on_every_backend!(should_list_unpaid_declarations_with_the_payment_to_resume);
async fn should_list_unpaid_declarations_with_the_payment_to_resume(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let declaration = gw.declare_all(&device, &token).await;
    let declaration_id = declaration["id"].as_str().unwrap();

    let listed = gw
        .call(&device, Call::get("/v1/declarations").token(&token))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text());
    let items = listed.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], declaration["id"]);
    assert_eq!(items[0]["total"], "991.00");
    assert!(items[0].get("open_order_id").is_none());

    let order = gw
        .create_order(&device, &token, declaration_id)
        .await
        .json();
    let listed = gw
        .call(
            &device,
            Call::get("/v1/declarations?status=declared").token(&token),
        )
        .await
        .json();
    assert_eq!(listed["items"][0]["open_order_id"], order["id"]);

    let other = gw.confirm(&device, WANG_JIANGUO).await;
    let foreign = gw
        .call(&device, Call::get("/v1/declarations").token(&other))
        .await
        .json();
    assert_eq!(foreign["items"].as_array().unwrap().len(), 0);

    let bad = gw
        .call(
            &device,
            Call::get("/v1/declarations?status=lost").token(&token),
        )
        .await;
    assert_eq!((bad.status, bad.code()), (422, "validation_failed".into()));
}

on_every_backend!(should_confirm_and_pay_for_a_person_holding_a_residence_permit);
async fn should_confirm_and_pay_for_a_person_holding_a_residence_permit(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;

    // The permit number is checked by the rules of the type the person picked: it is no
    // resident ID card number (81 is no province) and too long for a passport.
    for wrong_type in ["resident_id_card", "passport"] {
        let refused = gw
            .confirm_document_call(&device, CHEN_JIAXIN.0, wrong_type, CHEN_JIAXIN.1)
            .await;
        assert_eq!(refused.status, 422, "{wrong_type}: {}", refused.text());
        assert_eq!(refused.code(), "validation_failed");
        assert_eq!(refused.json()["fields"], json!(["id_number"]));
    }

    let confirmed = gw
        .confirm_document_call(
            &device,
            CHEN_JIAXIN.0,
            "residence_permit_hmt",
            // Typed with spaces and a full-width digit: normalised before the lookup.
            "810000 19920305 002７",
        )
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let confirmed = confirmed.json();
    assert_eq!(
        confirmed["person"],
        json!({"name_masked": "陈*欣", "id_number_masked": "810000********0027", "insured": true})
    );
    let token = confirmed["identity_token"].as_str().unwrap();

    let (_, paid) = gw.pay_all(&device, token).await;
    assert_eq!(paid["amount"], "991.00");
    let issued = gw
        .issue_certificate(&device, token, paid["id"].as_str().unwrap())
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let certificate = issued.json();
    assert_eq!(certificate["id_type"], "residence_permit_hmt");
    assert_eq!(certificate["id_number_masked"], "810000********0027");

    // The public verification page names the holder's document type, masked number only.
    let qr_text = certificate["qr_text"].as_str().unwrap();
    let encoded = qr_text.rsplit_once("/C/").unwrap().1;
    let page = gw
        .http
        .get(gw.url(&format!("/C/{encoded}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<dt>证件类型</dt><dd>港澳台居民居住证</dd>"),
        "{page}"
    );
    assert!(page.contains("810000********0027"));
    assert!(!page.contains(CHEN_JIAXIN.1) && !page.contains(CHEN_JIAXIN.0));
}

/// The payable id the sandbox seed gives person `key` for the period opening in `first`.
fn seeded_payable(key: &str, first: &str) -> String {
    format!("pay_sandbox_{key}_{first}")
}

/// Lists the confirmed person's payables and declares `payable_id`; both must be refused with
/// `code`, and the payable must stay payable with no declaration written.
async fn assert_policy_refuses(
    gw: &support::TestGateway,
    person: (&str, &str),
    payable_id: &str,
    code: &str,
) {
    let device = gw.enroll().await;
    let token = gw.confirm(&device, person).await;
    let listed = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await;
    assert_eq!(listed.status, 422, "{}", listed.text());
    assert_eq!(listed.code(), code);
    assert!(gw.verify(&listed).is_ok(), "a refusal is signed too");

    let declared = gw
        .call(
            &device,
            Call::post("/v1/declarations", &json!({"payable_ids": [payable_id]}))
                .fresh_key()
                .token(&token),
        )
        .await;
    assert_eq!(declared.status, 422, "{}", declared.text());
    assert_eq!(declared.code(), code);

    let db = gw.database().await;
    let status: String = sqlx::query_scalar("SELECT status FROM payables WHERE id = $1")
        .bind(payable_id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(status, "payable");
    let declarations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM declarations")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(declarations, 0);
}

on_every_backend!(should_refuse_months_the_policy_table_does_not_cover);
async fn should_refuse_months_the_policy_table_does_not_cover(backend: Backend) {
    // The table starts in 2022-01; a sandbox in 2021 seeds payables for 2021-06.
    let db = TestDatabase::new(&backend).await;
    let gw = support::launch(db, true, Some("2021-06-15".parse().unwrap())).await;
    assert_policy_refuses(
        &gw,
        MA_XIAOYAN,
        &seeded_payable("01", "2021-06"),
        "policy_not_published",
    )
    .await;
}

on_every_backend!(should_refuse_back_payment_of_an_earlier_year);
async fn should_refuse_back_payment_of_an_earlier_year(backend: Backend) {
    // Seeded in December 2025, still unpaid when the sandbox's today reaches January 2026;
    // the table does not allow months of an earlier calendar year to be paid.
    let db = TestDatabase::new(&backend).await;
    let gw = support::launch(db, true, Some("2025-12-15".parse().unwrap())).await;
    let db = gw.shutdown().await;
    let gw = support::launch(db, true, Some("2026-01-15".parse().unwrap())).await;
    assert_policy_refuses(
        &gw,
        MA_XIAOYAN,
        &seeded_payable("01", "2025-12"),
        "back_payment_not_allowed",
    )
    .await;
}

on_every_backend!(should_refuse_a_period_type_the_policy_table_does_not_list);
async fn should_refuse_a_period_type_the_policy_table_does_not_list(backend: Backend) {
    let gw = support::monthly_only(&backend).await;

    // 马福海 is assessed quarterly; 马小燕 monthly, which the table still lists.
    assert_policy_refuses(
        &gw,
        MA_FUHAI,
        &seeded_payable("03", "2025-04"),
        "period_type_not_allowed",
    )
    .await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let listed = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text());
    assert_eq!(listed.json()["total"], "991.00");
}

on_every_backend!(should_refuse_to_start_with_a_policy_table_that_does_not_validate);
async fn should_refuse_to_start_with_a_policy_table_that_does_not_validate(backend: Backend) {
    let db = TestDatabase::new(&backend).await;
    let table = include_str!("../../shebao-core/policy/ningxia.toml");
    let policy_path = db.dir.path().join("broken.toml");
    std::fs::write(
        &policy_path,
        table.replacen(
            r#"value = ["monthly", "quarterly", "yearly"]"#,
            "value = []",
            1,
        ),
    )
    .unwrap();
    let mut config = support::config(&db, true, None);
    config.policy_path = Some(policy_path);
    let error = shebao_gateway::start(config).await.unwrap_err();
    assert!(
        matches!(error, shebao_gateway::GatewayError::Policy(_)),
        "{error}"
    );

    let mut config = support::config(&db, true, None);
    config.policy_path = Some(db.dir.path().join("missing.toml"));
    let error = shebao_gateway::start(config).await.unwrap_err();
    assert!(
        matches!(error, shebao_gateway::GatewayError::PolicyFile(_)),
        "{error}"
    );
}

on_every_backend!(should_refuse_a_body_that_is_not_a_json_object);
async fn should_refuse_a_body_that_is_not_a_json_object(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, ZHANG_XIAOMEI).await;
    // Serde reads a struct from an array; `[]` once registered her with every default.
    for body in [
        json!([]),
        json!(["2025-01"]),
        json!("x"),
        json!(1),
        json!(null),
    ] {
        let answer = gw
            .call(
                &device,
                Call::post("/v1/registrations", &body)
                    .fresh_key()
                    .token(&token),
            )
            .await;
        assert_eq!(answer.status, 422, "{body}: {}", answer.text());
        assert_eq!(answer.code(), "validation_failed", "{body}");
        assert_eq!(answer.json()["fields"], json!(["body"]), "{body}");
    }
    let info = gw
        .call(&device, Call::get("/v1/insured-info").token(&token))
        .await;
    assert_eq!(info.json()["insured"], false, "{}", info.text());
}

on_every_backend!(should_forbid_caching_every_v1_answer);
async fn should_forbid_caching_every_v1_answer(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let answers = [
        gw.call(&device, Call::get("/v1/insured-info").token(&token))
            .await,
        gw.call(&device, Call::get("/v1/payables").token(&token))
            .await,
    ];
    for answer in answers {
        assert_eq!(
            answer.headers["cache-control"],
            "no-store",
            "{}",
            answer.text()
        );
    }
}

on_every_backend!(should_bind_an_idempotency_key_to_the_person_the_token_stands_for);
async fn should_bind_an_idempotency_key_to_the_person_the_token_stands_for(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let payables = gw
        .call(&device, Call::get("/v1/payables").token(&token))
        .await
        .json();
    let payable_ids = json!([payables["items"][0]["id"]]);
    let key = uuid::Uuid::new_v4().to_string();
    let first = gw.declare(&device, &token, &payable_ids, &key).await;
    assert_eq!(first.status, 201, "{}", first.text());

    // A family member on the same device replays the same key and body with their own token.
    let other = gw.confirm(&device, WANG_JIANGUO).await;
    let replayed = gw.declare(&device, &other, &payable_ids, &key).await;
    assert_eq!(
        (replayed.status, replayed.code()),
        (422, "idempotency_key_reused".into()),
        "{}",
        replayed.text()
    );
    let body = json!({"payable_ids": payable_ids});
    let without = gw
        .call(&device, Call::post("/v1/declarations", &body).key(&key))
        .await;
    assert_eq!(
        without.code(),
        "idempotency_key_reused",
        "{}",
        without.text()
    );

    // The same person confirmed again has a new token and still gets the stored answer.
    let renewed = gw.confirm(&device, MA_XIAOYAN).await;
    assert_ne!(renewed, token);
    let again = gw.declare(&device, &renewed, &payable_ids, &key).await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.body, first.body);
}
