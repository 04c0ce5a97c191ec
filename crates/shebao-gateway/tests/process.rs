//! The steps before payment, end to end over HTTP on both databases: registration
//! (参保登记), the insured-information query (参保信息查询), assessment (核定) and its
//! transmission (传输), and declaration void (申报作废), with every refusal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use sqlx::AnyPool;
use support::{
    Backend, Call, Device, MA_FUHAI, MA_XIAOYAN, TestDatabase, TestGateway, WANG_JIANGUO,
    ZHANG_XIAOMEI, on_every_backend,
};

/// A sandbox gateway (today 2025-06-15) whose assessments are transmitted after `delay`.
async fn gateway(backend: &Backend, delay: Duration) -> TestGateway {
    let db = TestDatabase::new(backend).await;
    gateway_on(db, delay, support::sandbox_date()).await
}

async fn gateway_on(db: TestDatabase, delay: Duration, today: chrono::NaiveDate) -> TestGateway {
    let mut config = support::config(&db, true, Some(today));
    config.transmission_delay = Some(delay);
    support::launch_with(db, config).await
}

/// A delay no test outlives: the assessment stays in transmission.
const LONG: Duration = Duration::from_secs(600);

async fn register(
    gw: &TestGateway,
    device: &Device,
    token: &str,
    body: &Value,
    key: &str,
) -> Value {
    let answer = gw
        .call(
            device,
            Call::post("/v1/registrations", body).key(key).token(token),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    answer.json()
}

async fn assess(gw: &TestGateway, device: &Device, token: &str, body: &Value) -> support::Answer {
    gw.call(
        device,
        Call::post("/v1/assessments", body).fresh_key().token(token),
    )
    .await
}

async fn get(gw: &TestGateway, device: &Device, token: &str, target: &str) -> support::Answer {
    gw.call(device, Call::get(target).token(token)).await
}

async fn void(
    gw: &TestGateway,
    device: &Device,
    token: &str,
    declaration_id: &str,
    reason: &str,
    key: &str,
) -> support::Answer {
    let target = format!("/v1/declarations/{declaration_id}/void");
    gw.call(
        device,
        Call::post(&target, &json!({"reason": reason}))
            .key(key)
            .token(token),
    )
    .await
}

fn monthly(start_month: &str) -> Value {
    json!({"items": ["pension"], "grade": "0.60", "period_type": "monthly", "start_month": start_month})
}

/// `(from, to)` of every event of an entity, in order.
async fn events(pool: &AnyPool, entity: &str, id: &str) -> Vec<(Option<String>, String)> {
    sqlx::query_as(
        "SELECT from_status, to_status FROM events WHERE entity = $1 AND entity_id = $2 ORDER BY id",
    )
    .bind(entity)
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap()
}

fn steps(pairs: &[(Option<&str>, &str)]) -> Vec<(Option<String>, String)> {
    pairs
        .iter()
        .map(|(from, to)| (from.map(str::to_owned), (*to).to_owned()))
        .collect()
}

/// Polls the assessment until it is payable, for at most 15 seconds.
async fn wait_payable(gw: &TestGateway, device: &Device, token: &str, id: &str) -> Value {
    let target = format!("/v1/assessments/{id}");
    for _ in 0..75 {
        let answer = get(gw, device, token, &target).await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        let body = answer.json();
        if body["status"] == "payable" {
            return body;
        }
        assert_eq!(body["status"], "transmitting");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the assessment was not transmitted in time");
}

on_every_backend!(should_register_assess_transmit_declare_void_and_declare_again);
async fn should_register_assess_transmit_declare_void_and_declare_again(backend: Backend) {
    let gw = gateway(&backend, Duration::from_secs(2)).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, ZHANG_XIAOMEI).await;

    // Not insured: nothing to show, nothing to assess.
    let info = get(&gw, &device, &token, "/v1/insured-info").await;
    assert_eq!(info.status, 200, "{}", info.text());
    assert_eq!(
        info.json(),
        json!({"insured": false, "items": [], "arrears": [], "arrears_months": 0})
    );
    let refused = assess(&gw, &device, &token, &monthly("2025-05")).await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(refused.code(), "not_insured");

    // 参保登记, replayed under its key, then refused under another.
    let key = uuid::Uuid::new_v4().to_string();
    let body = json!({"since_month": "2025-01"});
    let registered = register(&gw, &device, &token, &body, &key).await;
    assert_eq!(
        registered,
        json!({
            "insured": true,
            "items": ["pension"],
            "agency": shebao_gateway::SANDBOX_AGENCY,
            "insured_since": "2025-01",
            "arrears": [],
            "arrears_months": 0,
        })
    );
    assert_eq!(
        register(&gw, &device, &token, &body, &key).await,
        registered
    );
    let again = gw
        .call(
            &device,
            Call::post("/v1/registrations", &json!({}))
                .fresh_key()
                .token(&token),
        )
        .await;
    assert_eq!(again.status, 409, "{}", again.text());
    assert_eq!(again.code(), "already_insured");

    // 核定 of May (before the current month, same year), replayed under its key.
    let key = uuid::Uuid::new_v4().to_string();
    let call = || {
        Call::post("/v1/assessments", &monthly("2025-05"))
            .key(&key)
            .token(&token)
    };
    let assessed = gw.call(&device, call()).await;
    assert_eq!(assessed.status, 201, "{}", assessed.text());
    let assessment = assessed.json();
    assert_eq!(assessment["period_type"], "monthly");
    assert_eq!(assessment["period_start"], "2025-05");
    assert_eq!(assessment["base"], "4955.00");
    assert_eq!(assessment["total"], "991.00");
    assert_eq!(assessment["items"][0]["policy_status"], "confirmed");
    assert!(assessment["ready_at"].as_str().unwrap().ends_with("+08:00"));
    let replayed = gw.call(&device, call()).await;
    assert_eq!(replayed.status, 201);
    assert_eq!(replayed.json(), assessment);
    let assessment_id = assessment["id"].as_str().unwrap();
    let payable_id = assessment["items"][0]["id"].as_str().unwrap().to_owned();

    // May is in arrears from the moment it is assessed.
    let info = get(&gw, &device, &token, "/v1/insured-info").await.json();
    assert_eq!(info["arrears_months"], 1);
    assert_eq!(info["arrears"][0]["payable_id"], payable_id.as_str());
    assert_eq!(info["arrears"][0]["declared"], false);

    // 传输 completes after the configured delay.
    let transmitted = wait_payable(&gw, &device, &token, assessment_id).await;
    assert_eq!(transmitted["items"][0]["id"], payable_id.as_str());
    let payables = get(&gw, &device, &token, "/v1/payables").await.json();
    assert_eq!(payables["total"], "991.00");
    assert_eq!(payables["items"][0]["id"], payable_id.as_str());

    // Declare, void with a reason (replayed under its key), void again: refused.
    let first = gw.declare_all(&device, &token).await;
    let first_id = first["id"].as_str().unwrap();
    let listed = get(&gw, &device, &token, "/v1/declarations?status=declared").await;
    assert_eq!(listed.json()["items"][0]["id"], first_id);
    let key = uuid::Uuid::new_v4().to_string();
    let voided = void(&gw, &device, &token, first_id, "基数选错了", &key).await;
    assert_eq!(voided.status, 200, "{}", voided.text());
    let voided = voided.json();
    assert_eq!(voided["status"], "voided");
    assert_eq!(voided["void_reason"], "基数选错了");
    assert!(voided["voided_at"].is_string());
    let replayed = void(&gw, &device, &token, first_id, "基数选错了", &key).await;
    assert_eq!(replayed.status, 200);
    assert_eq!(replayed.json(), voided);
    let twice = void(
        &gw,
        &device,
        &token,
        first_id,
        "再作废一次",
        &uuid::Uuid::new_v4().to_string(),
    )
    .await;
    assert_eq!(twice.status, 409, "{}", twice.text());
    assert_eq!(twice.code(), "declaration_not_voidable");
    // A voided declaration is not paid: no payment order opens for it.
    let refused = gw.create_order(&device, &token, first_id).await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(refused.code(), "declaration_not_payable");
    let declared = get(&gw, &device, &token, "/v1/declarations").await.json();
    assert_eq!(declared["items"], json!([]));
    let listed = get(&gw, &device, &token, "/v1/declarations?status=voided").await;
    assert_eq!(listed.json()["items"][0]["status"], "voided");

    // Its payable is payable again and goes into a new declaration, which is paid.
    let payables = get(&gw, &device, &token, "/v1/payables").await.json();
    assert_eq!(payables["items"][0]["id"], payable_id.as_str());
    let (second, paid) = gw.pay_all(&device, &token).await;
    assert_ne!(second["id"], first["id"]);
    assert_eq!(second["lines"][0]["id"], payable_id.as_str());
    assert_eq!(paid["amount"], "991.00");
    let info = get(&gw, &device, &token, "/v1/insured-info").await.json();
    assert_eq!(info["paid_through"], "2025-05");
    assert_eq!(info["arrears_months"], 0);

    // The event log tells the whole story.
    let pool = gw.database().await;
    let person: String =
        sqlx::query_scalar("SELECT person_id FROM insured_persons WHERE since_month = '2025-01'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        events(&pool, "insured_person", &person).await,
        steps(&[(Some("not_insured"), "insured")])
    );
    assert_eq!(
        events(&pool, "assessment", &format!("{assessment_id}_1")).await,
        steps(&[
            (None, "assessed"),
            (Some("assessed"), "transmitting"),
            (Some("transmitting"), "payable"),
        ])
    );
    assert_eq!(
        events(&pool, "declaration", first_id).await,
        steps(&[(None, "declared"), (Some("declared"), "voided")])
    );
    assert_eq!(
        events(&pool, "payable", &payable_id).await,
        steps(&[
            (None, "payable"),
            (Some("payable"), "declared"),
            (Some("declared"), "payable"),
            (Some("payable"), "declared"),
            (Some("declared"), "paid"),
        ])
    );
}

on_every_backend!(should_answer_not_ready_with_the_ready_time_until_transmitted);
async fn should_answer_not_ready_with_the_ready_time_until_transmitted(backend: Backend) {
    let gw = gateway(&backend, LONG).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    // Her seeded June payable is declared, so only May's assessment is left.
    gw.declare_all(&device, &token).await;

    let assessed = assess(&gw, &device, &token, &monthly("2025-05")).await;
    assert_eq!(assessed.status, 201, "{}", assessed.text());
    let assessment = assessed.json();
    assert_eq!(assessment["status"], "transmitting");
    let ready_at = assessment["ready_at"].as_str().unwrap();
    let ready = chrono::DateTime::parse_from_rfc3339(ready_at).unwrap();
    let wait = ready.timestamp() - support::unix_now();
    assert!((590..=600).contains(&wait), "ready in {wait} s");

    let payables = get(&gw, &device, &token, "/v1/payables").await;
    assert_eq!(payables.status, 409, "{}", payables.text());
    assert_eq!(payables.code(), "assessment_not_ready");
    assert_eq!(payables.json()["ready_at"], ready_at);
    assert!(payables.json()["retry_after"].as_u64().unwrap() <= 600);

    let declared = gw
        .declare(
            &device,
            &token,
            &json!([assessment["items"][0]["id"]]),
            &uuid::Uuid::new_v4().to_string(),
        )
        .await;
    assert_eq!(declared.status, 409, "{}", declared.text());
    assert_eq!(declared.code(), "assessment_not_ready");
    assert_eq!(declared.json()["ready_at"], ready_at);

    let id = assessment["id"].as_str().unwrap();
    let status = get(&gw, &device, &token, &format!("/v1/assessments/{id}")).await;
    assert_eq!(status.json()["status"], "transmitting");
    assert_eq!(status.json()["ready_at"], ready_at);
}

on_every_backend!(should_refuse_assessments_the_policy_table_does_not_allow);
async fn should_refuse_assessments_the_policy_table_does_not_allow(backend: Backend) {
    let gw = gateway(&backend, LONG).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let refuse = async |body: Value, status: u16, code: &str| {
        let answer = assess(&gw, &device, &token, &body).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.text());
        assert_eq!(answer.code(), code, "{body}");
        answer.json()
    };

    let low = json!({"items": ["pension"], "base": "4954.99", "period_type": "monthly", "start_month": "2025-05"});
    let problem = refuse(low, 422, "base_out_of_range").await;
    assert_eq!(
        (&problem["min"], &problem["max"]),
        (&json!("4955.00"), &json!("24774.00"))
    );
    let high = json!({"items": ["pension"], "base": "24774.01", "period_type": "monthly", "start_month": "2025-05"});
    refuse(high, 422, "base_out_of_range").await;
    refuse(monthly("2024-12"), 422, "back_payment_not_allowed").await;
    // June is assessed already (the seed).
    refuse(monthly("2025-06"), 409, "period_already_assessed").await;

    for body in [
        // After the current month.
        monthly("2025-07"),
        // A quarter opens in April, not May.
        json!({"items": ["pension"], "grade": "0.60", "period_type": "quarterly", "start_month": "2025-05"}),
        // Base and grade both, or neither.
        json!({"items": ["pension"], "base": "5000.00", "grade": "0.60", "period_type": "monthly", "start_month": "2025-05"}),
        json!({"items": ["pension"], "period_type": "monthly", "start_month": "2025-05"}),
        // Not a preset grade.
        json!({"items": ["pension"], "grade": "0.65", "period_type": "monthly", "start_month": "2025-05"}),
        // Medical is not enabled in the table; an item twice; none.
        json!({"items": ["medical"], "grade": "0.60", "period_type": "monthly", "start_month": "2025-05"}),
        json!({"items": ["pension", "pension"], "grade": "0.60", "period_type": "monthly", "start_month": "2025-05"}),
        json!({"items": [], "grade": "0.60", "period_type": "monthly", "start_month": "2025-05"}),
    ] {
        refuse(body, 422, "validation_failed").await;
    }

    // Nothing was stored by any refusal; a valid one still goes through.
    let accepted = assess(&gw, &device, &token, &monthly("2025-05")).await;
    assert_eq!(accepted.status, 201, "{}", accepted.text());
    let pool = gw.database().await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM assessments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 5, "four seeded and one accepted");

    // A quarter from April by the base itself.
    let token = gw.confirm(&device, MA_FUHAI).await;
    let quarterly = json!({"items": ["pension"], "base": "6000.00", "period_type": "yearly", "start_month": "2025-01"});
    // 马福海's seeded quarter overlaps the year.
    let overlapping = assess(&gw, &device, &token, &quarterly).await;
    assert_eq!(overlapping.code(), "period_already_assessed");
    let quarterly = json!({"items": ["pension"], "base": "6000.00", "period_type": "quarterly", "start_month": "2025-01"});
    let accepted = assess(&gw, &device, &token, &quarterly).await;
    assert_eq!(accepted.status, 201, "{}", accepted.text());
    assert_eq!(accepted.json()["period_end"], "2025-03");
    assert_eq!(accepted.json()["total"], "3600.00");
}

on_every_backend!(should_refuse_a_period_type_the_table_does_not_offer);
async fn should_refuse_a_period_type_the_table_does_not_offer(backend: Backend) {
    let gw = support::monthly_only(&backend).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;

    let quarterly = json!({"items": ["pension"], "grade": "0.60", "period_type": "quarterly", "start_month": "2025-04"});
    let answer = assess(&gw, &device, &token, &quarterly).await;
    assert_eq!(answer.status, 422, "{}", answer.text());
    assert_eq!(answer.code(), "period_type_not_allowed");
}

on_every_backend!(should_mark_provisional_figures_and_refuse_unpublished_ones);
async fn should_mark_provisional_figures_and_refuse_unpublished_ones(backend: Backend) {
    // 2026 has no published figures: the table's last entry (2025) stands in, provisionally.
    let gw = gateway_on(
        TestDatabase::new(&backend).await,
        LONG,
        "2026-03-15".parse().unwrap(),
    )
    .await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let answer = assess(&gw, &device, &token, &monthly("2026-01")).await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert_eq!(answer.json()["items"][0]["policy_status"], "provisional");
    assert_eq!(answer.json()["base"], "4955.00");

    // Before the table's first entry (2022) nothing is published.
    let gw = gateway_on(
        TestDatabase::new(&backend).await,
        LONG,
        "2021-06-15".parse().unwrap(),
    )
    .await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let body = json!({"items": ["pension"], "base": "5000.00", "period_type": "monthly", "start_month": "2021-05"});
    let answer = assess(&gw, &device, &token, &body).await;
    assert_eq!(answer.status, 422, "{}", answer.text());
    assert_eq!(answer.code(), "policy_not_published");
}

on_every_backend!(should_assess_a_family_member_only_with_their_own_token_on_this_device);
async fn should_assess_a_family_member_only_with_their_own_token_on_this_device(backend: Backend) {
    let gw = gateway(&backend, LONG).await;
    let phone = gw.enroll().await;
    let own = gw.confirm(&phone, MA_XIAOYAN).await;
    let family = gw.confirm(&phone, WANG_JIANGUO).await;
    let other_phone = gw.enroll().await;
    let body = monthly("2025-05");

    // The family member's token is bound to the phone it was issued to.
    let elsewhere = assess(&gw, &other_phone, &family, &body).await;
    assert_eq!(elsewhere.status, 401, "{}", elsewhere.text());
    assert_eq!(elsewhere.code(), "identity_token_invalid");
    let tokenless = gw
        .call(&phone, Call::post("/v1/assessments", &body).fresh_key())
        .await;
    assert_eq!(tokenless.code(), "identity_token_invalid");

    // With it, on the same phone, the assessment is the family member's, not the holder's.
    let assessed = assess(&gw, &phone, &family, &body).await;
    assert_eq!(assessed.status, 201, "{}", assessed.text());
    let target = format!(
        "/v1/assessments/{}",
        assessed.json()["id"].as_str().unwrap()
    );
    assert_eq!(get(&gw, &phone, &family, &target).await.status, 200);
    let not_hers = get(&gw, &phone, &own, &target).await;
    assert_eq!(not_hers.status, 404, "{}", not_hers.text());
    let info = get(&gw, &phone, &family, "/v1/insured-info").await.json();
    assert_eq!(info["arrears"][0]["period_start"], "2025-05");
    let info = get(&gw, &phone, &own, "/v1/insured-info").await.json();
    assert_eq!(info["arrears_months"], 0);
}

on_every_backend!(should_refuse_to_void_a_paid_or_paying_declaration);
async fn should_refuse_to_void_a_paid_or_paying_declaration(backend: Backend) {
    let gw = gateway(&backend, LONG).await;
    let device = gw.enroll().await;
    let fresh = || uuid::Uuid::new_v4().to_string();

    // Paid on the sandbox cashier: not voidable.
    let (payer, paid_declaration, _) = gw.paid_order(&device, MA_XIAOYAN).await;
    let paid_id = paid_declaration["id"].as_str().unwrap();
    let refused = void(&gw, &device, &payer, paid_id, "不想缴了", &fresh()).await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(refused.code(), "declaration_not_voidable");

    // An open payment order: the ticket comes first.
    let token = gw.confirm(&device, WANG_JIANGUO).await;
    let declaration = gw.declare_all(&device, &token).await;
    let id = declaration["id"].as_str().unwrap();
    let order = gw.create_order(&device, &token, id).await;
    assert_eq!(order.status, 201, "{}", order.text());
    let refused = void(&gw, &device, &token, id, "不想缴了", &fresh()).await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert_eq!(refused.code(), "payment_in_progress");

    // Someone else's declaration is not found; a blank or overlong reason is invalid.
    let refused = void(&gw, &device, &token, paid_id, "不想缴了", &fresh()).await;
    assert_eq!(refused.status, 404, "{}", refused.text());
    for reason in ["  ", &"长".repeat(201)] {
        let refused = void(&gw, &device, &token, id, reason, &fresh()).await;
        assert_eq!(refused.status, 422, "{}", refused.text());
        assert_eq!(refused.code(), "validation_failed");
    }

    // None of it changed anything.
    let listed = get(&gw, &device, &token, &format!("/v1/declarations/{id}")).await;
    assert_eq!(listed.json()["status"], "declared");
    let listed = get(&gw, &device, &payer, &format!("/v1/declarations/{paid_id}")).await;
    assert_eq!(listed.json()["status"], "paid");
}

on_every_backend!(should_refuse_amounts_and_grades_that_are_not_plain_decimals);
async fn should_refuse_amounts_and_grades_that_are_not_plain_decimals(backend: Backend) {
    let gw = gateway(&backend, LONG).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let body = |base: Option<&str>, grade: Option<&str>| {
        let mut body =
            json!({"items": ["pension"], "period_type": "monthly", "start_month": "2025-05"});
        if let Some(base) = base {
            body["base"] = json!(base);
        }
        if let Some(grade) = grade {
            body["grade"] = json!(grade);
        }
        body
    };

    // Rounding "4954.995" would lift it into the range; it is refused, not rounded.
    for base in [
        "4954.995",
        "5000.009",
        "+6_606.4999",
        "1e4",
        "5_000",
        "-5000",
        " 5000",
    ] {
        let answer = assess(&gw, &device, &token, &body(Some(base), None)).await;
        assert_eq!(answer.status, 422, "{base}: {}", answer.text());
        assert_eq!(answer.code(), "validation_failed", "{base}");
        assert_eq!(answer.json()["fields"], json!(["base"]), "{base}");
        let detail = answer.json()["detail"].as_str().unwrap().to_owned();
        assert!(
            !detail.contains(base),
            "the detail repeats the value: {detail}"
        );
    }
    for grade in ["6e-1", "+0.60", "0_60", "0.6 "] {
        let answer = assess(&gw, &device, &token, &body(None, Some(grade))).await;
        assert_eq!(answer.status, 422, "{grade}: {}", answer.text());
        assert_eq!(answer.json()["fields"], json!(["grade"]), "{grade}");
    }

    let accepted = assess(&gw, &device, &token, &body(Some("4955"), None)).await;
    assert_eq!(accepted.status, 201, "{}", accepted.text());
    assert_eq!(accepted.json()["base"], "4955.00");
}

on_every_backend!(should_not_store_a_refusal_that_says_try_again_later);
async fn should_not_store_a_refusal_that_says_try_again_later(backend: Backend) {
    let gw = gateway(&backend, Duration::from_secs(2)).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    gw.declare_all(&device, &token).await;
    let assessed = assess(&gw, &device, &token, &monthly("2025-05")).await;
    assert_eq!(assessed.status, 201, "{}", assessed.text());
    let assessment = assessed.json();
    let ids = json!([assessment["items"][0]["id"]]);
    let key = uuid::Uuid::new_v4().to_string();

    let early = gw.declare(&device, &token, &ids, &key).await;
    assert_eq!(early.code(), "assessment_not_ready", "{}", early.text());
    assert!(early.headers.contains_key("retry-after"));

    let id = assessment["id"].as_str().unwrap();
    wait_payable(&gw, &device, &token, id).await;
    // The same key, after the time it was told to come back, runs the request.
    let later = gw.declare(&device, &token, &ids, &key).await;
    assert_eq!(later.status, 201, "{}", later.text());
    let again = gw.declare(&device, &token, &ids, &key).await;
    assert_eq!(again.body, later.body);
}

on_every_backend!(should_refuse_months_before_birth_the_table_or_the_insured_since_month);
async fn should_refuse_months_before_birth_the_table_or_the_insured_since_month(backend: Backend) {
    let gw = gateway(&backend, LONG).await;
    let device = gw.enroll().await;
    let token = gw.confirm(&device, ZHANG_XIAOMEI).await;
    // Born 1990-03; the policy table opens in 2022-01.
    for since in ["1990-01", "2021-12"] {
        let answer = gw
            .call(
                &device,
                Call::post("/v1/registrations", &json!({"since_month": since}))
                    .fresh_key()
                    .token(&token),
            )
            .await;
        assert_eq!(answer.status, 422, "{since}: {}", answer.text());
        assert_eq!(answer.json()["fields"], json!(["since_month"]), "{since}");
    }
    let key = uuid::Uuid::new_v4().to_string();
    register(
        &gw,
        &device,
        &token,
        &json!({"since_month": "2025-03"}),
        &key,
    )
    .await;

    let early = assess(&gw, &device, &token, &monthly("2025-02")).await;
    assert_eq!(early.status, 422, "{}", early.text());
    assert_eq!(early.json()["fields"], json!(["start_month"]));
    let first = assess(&gw, &device, &token, &monthly("2025-03")).await;
    assert_eq!(first.status, 201, "{}", first.text());

    // The seeded people are insured before the months they owe.
    for person in [MA_XIAOYAN, WANG_JIANGUO, MA_FUHAI] {
        let token = gw.confirm(&device, person).await;
        let info = get(&gw, &device, &token, "/v1/insured-info").await.json();
        let since = info["insured_since"].as_str().unwrap().to_owned();
        for arrear in info["arrears"].as_array().unwrap() {
            assert!(
                arrear["period_start"].as_str().unwrap() >= since.as_str(),
                "{info}"
            );
        }
        let (grade, period_type) = if person == MA_FUHAI {
            ("0.60", "quarterly")
        } else {
            ("0.60", "monthly")
        };
        let body = json!({"items": ["pension"], "grade": grade, "period_type": period_type, "start_month": "2025-01"});
        let answer = assess(&gw, &device, &token, &body).await;
        assert_eq!(answer.status, 201, "{}", answer.text());
    }
}
