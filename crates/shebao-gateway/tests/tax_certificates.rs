//! 完税查询及证明补打 over real HTTP, on both backends: the logged-in person's paid payments,
//! 完税证明 over a selection of them (signed like 缴费证明, from the same number space),
//! reprints, and the `superseded` and `refunded` verdicts of the public verification.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use shebao_core::certificate::{SignedCertificate, holder_tag};
use shebao_core::sign;
use shebao_core::wire::{TaxPaymentCertificate, TaxPaymentList};
use shebao_gateway::AccessLimits;
use support::{
    Backend, Call, Device, MA_XIAOYAN, TestDatabase, TestGateway, WANG_JIANGUO, on_every_backend,
};

const PHONE: &str = "13800001234";
const PASSWORD: &str = "Shebao-2025";
const SANDBOX_TAX_OFFICE: &str = "国家税务总局银川市税务局（演示）";

/// A sandbox gateway (today 2025-06-15) whose assessments are payable at once.
async fn gateway_with(backend: &Backend, limits: AccessLimits) -> TestGateway {
    let db = TestDatabase::new(backend).await;
    let mut config = support::config(&db, true, Some(support::sandbox_date()));
    config.transmission_delay = Some(Duration::ZERO);
    config.access_limits = limits;
    support::launch_with(db, config).await
}

async fn gateway(backend: &Backend) -> TestGateway {
    gateway_with(backend, AccessLimits::sandbox()).await
}

/// Confirms `person`, registers an account and logs in: (identity token, session token).
async fn logged_in(gw: &TestGateway, device: &Device, person: (&str, &str)) -> (String, String) {
    let token = gw.confirm(device, person).await;
    let registered = gw
        .call(
            device,
            Call::post(
                "/v1/accounts",
                &json!({"phone": PHONE, "password": PASSWORD}),
            )
            .fresh_key()
            .token(&token),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.text());
    let login = gw
        .call(
            device,
            Call::post(
                "/v1/sessions",
                &json!({"id_type": "resident_id_card", "id_number": person.1, "password": PASSWORD}),
            ),
        )
        .await;
    assert_eq!(login.status, 201, "{}", login.text());
    let session = login.json()["session_token"].as_str().unwrap().to_owned();
    (token, session)
}

/// Pays the seeded June, then assesses and pays May as a second payment order: (June's
/// order, May's order).
async fn two_payments(gw: &TestGateway, device: &Device, token: &str) -> (Value, Value) {
    let (_, june) = gw.pay_all(device, token).await;
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
    assert_ne!(june["id"], may["id"]);
    (june, may)
}

fn id(order: &Value) -> String {
    order["id"].as_str().unwrap().to_owned()
}

async fn tax_payments(gw: &TestGateway, device: &Device, session: &str, query: &str) -> Value {
    let answer = gw
        .call(
            device,
            Call::get(&format!("/v1/tax-payments{query}")).session(session),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()
}

async fn reprint(
    gw: &TestGateway,
    device: &Device,
    session: &str,
    order_ids: &[&str],
) -> support::Answer {
    gw.call(
        device,
        Call::post("/v1/tax-certificates", &json!({"order_ids": order_ids}))
            .fresh_key()
            .session(session),
    )
    .await
}

/// The public verification's JSON answer for a QR text.
async fn verdict(gw: &TestGateway, qr_text: &str) -> Value {
    let encoded = qr_text.rsplit_once("/C/").unwrap().1;
    gw.http
        .get(gw.url(&format!("/C/{encoded}")))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn read_certificate(
    gw: &TestGateway,
    device: &Device,
    session: &str,
    number: &str,
) -> support::Answer {
    gw.call(
        device,
        Call::get(&format!("/v1/tax-certificates/{number}")).session(session),
    )
    .await
}

on_every_backend!(should_refuse_the_tax_side_without_a_live_session);
async fn should_refuse_the_tax_side_without_a_live_session(backend: Backend) {
    let limits = AccessLimits {
        session_seconds: 2,
        ..AccessLimits::sandbox()
    };
    let gw = gateway_with(&backend, limits).await;
    let device = gw.enroll().await;
    let (token, session) = logged_in(&gw, &device, MA_XIAOYAN).await;
    let body = json!({"order_ids": ["ord_nothing"]});
    let calls = |credential: Option<(&'static str, String)>| {
        let mut calls = vec![
            Call::get("/v1/tax-payments"),
            Call::post("/v1/tax-certificates", &body).fresh_key(),
            Call::get("/v1/tax-certificates/20250000000001"),
        ];
        if let Some((kind, value)) = credential {
            calls = calls
                .into_iter()
                .map(|call| match kind {
                    "session" => call.session(&value),
                    _ => call.token(&value),
                })
                .collect();
        }
        calls
    };

    assert_eq!(
        gw.call(&device, Call::get("/v1/tax-payments").session(&session))
            .await
            .status,
        200
    );
    // No session; an identity token is not a login; another device's session.
    let other = gw.enroll().await;
    for (device, credential) in [
        (&device, None),
        (&device, Some(("token", token.clone()))),
        (&other, Some(("session", session.clone()))),
    ] {
        for call in calls(credential) {
            let target = call.target.to_owned();
            let refused = gw.call(device, call).await;
            assert_eq!(
                (refused.status, refused.code().as_str()),
                (401, "session_invalid"),
                "{target}"
            );
        }
    }

    // Expired.
    tokio::time::sleep(Duration::from_millis(3_100)).await;
    for call in calls(Some(("session", session.clone()))) {
        let target = call.target.to_owned();
        let expired = gw.call(&device, call).await;
        assert_eq!(
            (expired.status, expired.code().as_str()),
            (401, "session_invalid"),
            "{target}"
        );
    }
}

on_every_backend!(should_list_only_the_persons_own_paid_payments_by_payment_date);
async fn should_list_only_the_persons_own_paid_payments_by_payment_date(backend: Backend) {
    let gw = gateway(&backend).await;
    let device = gw.enroll().await;
    let (token, session) = logged_in(&gw, &device, MA_XIAOYAN).await;
    let (june, may) = two_payments(&gw, &device, &token).await;
    // 王建国 pays too, on another device.
    let his_device = gw.enroll().await;
    let (his_token, his_session) = logged_in(&gw, &his_device, WANG_JIANGUO).await;
    let (_, his) = gw.pay_all(&his_device, &his_token).await;

    let listed = tax_payments(&gw, &device, &session, "").await;
    let typed: TaxPaymentList = serde_json::from_value(listed.clone()).unwrap();
    let mut ids: Vec<String> = typed.items.iter().map(|p| p.order_id.clone()).collect();
    ids.sort();
    let mut expected = vec![id(&june), id(&may)];
    expected.sort();
    assert_eq!(ids, expected, "her two payments and nothing of his");
    let may_listed = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|payment| payment["order_id"] == may["id"])
        .unwrap();
    let paid_on = may_listed["paid_on"].as_str().unwrap().to_owned();
    assert_eq!(
        may_listed,
        &json!({
            "order_id": may["id"],
            "ticket_number": may["ticket_number"],
            "period_start": "2025-05",
            "period_end": "2025-05",
            "lines": [{
                "item": "pension",
                "item_name": "企业职工基本养老保险费",
                "sub_item_name": "职工基本养老保险(个人缴纳)",
                "period_start": "2025-05",
                "period_end": "2025-05",
                "base": "4955.00",
                "rate": may_listed["lines"][0]["rate"],
                "amount": "991.00",
            }],
            "amount": "991.00",
            "paid_at": may["paid_at"],
            "paid_on": paid_on,
            "channel": "unionpay",
            "tax_office": SANDBOX_TAX_OFFICE,
        })
    );
    assert!(may["paid_at"].as_str().unwrap().starts_with(&paid_on));

    let theirs = tax_payments(&gw, &his_device, &his_session, "").await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["items"][0]["order_id"], his["id"]);

    // By year and by an inclusive date range of the payment date (both paid today).
    let year: i32 = paid_on[..4].parse().unwrap();
    let count = |answer: Value| answer["items"].as_array().unwrap().len();
    let query = |q: String| {
        let gw = &gw;
        let device = &device;
        let session = &session;
        async move { count(tax_payments(gw, device, session, &q).await) }
    };
    assert_eq!(query(format!("?year={year}")).await, 2);
    assert_eq!(query(format!("?year={}", year - 1)).await, 0);
    assert_eq!(query(format!("?from={paid_on}&to={paid_on}")).await, 2);
    assert_eq!(query(format!("?from={paid_on}")).await, 2);
    let day_before = chrono::NaiveDate::parse_from_str(&paid_on, "%Y-%m-%d")
        .unwrap()
        .pred_opt()
        .unwrap();
    assert_eq!(query(format!("?to={day_before}")).await, 0);
    for bad in [
        format!("?year={year}&from={paid_on}"),
        format!("?from={paid_on}&to={day_before}"),
        "?year=abc".to_owned(),
        "?from=2025-13-01".to_owned(),
    ] {
        let refused = gw
            .call(
                &device,
                Call::get(&format!("/v1/tax-payments{bad}")).session(&session),
            )
            .await;
        assert_eq!(
            (refused.status, refused.code().as_str()),
            (422, "validation_failed"),
            "{bad}: {}",
            refused.text()
        );
    }

    // His payment, an unknown one, or one unknown among hers: not found; nothing issued.
    for selection in [
        vec![his["id"].as_str().unwrap()],
        vec!["ord_nothing"],
        vec![june["id"].as_str().unwrap(), "ord_nothing"],
    ] {
        let refused = reprint(&gw, &device, &session, &selection).await;
        assert_eq!(
            (refused.status, refused.code().as_str()),
            (404, "not_found"),
            "{selection:?}"
        );
    }
    let empty = reprint(&gw, &device, &session, &[]).await;
    assert_eq!(empty.code(), "validation_failed");
    let listed = tax_payments(&gw, &device, &session, "").await;
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|payment| payment.get("certificate_number").is_none())
    );
}

on_every_backend!(should_reprint_a_verifying_tax_certificate);
async fn should_reprint_a_verifying_tax_certificate(backend: Backend) {
    let gw = gateway(&backend).await;
    let device = gw.enroll().await;
    let (token, session) = logged_in(&gw, &device, MA_XIAOYAN).await;
    let (june, may) = two_payments(&gw, &device, &token).await;
    // A 缴费证明 first: the 完税证明 takes the next number of the same space.
    let payment_certificate = gw.issue_certificate(&device, &token, &id(&june)).await;
    assert_eq!(payment_certificate.status, 201);
    assert_eq!(payment_certificate.json()["number"], "20250000000001");

    let issued = reprint(&gw, &device, &session, &[&id(&june), &id(&may)]).await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let certificate = issued.json();
    let typed: TaxPaymentCertificate = serde_json::from_value(certificate.clone()).unwrap();
    assert_eq!(typed.number, "20250000000002");
    // In fee-period order (May first, though paid after June), each line under its ticket.
    assert_eq!(typed.order_ids, vec![id(&may), id(&june)]);
    let tickets: Vec<&str> = typed
        .lines
        .iter()
        .map(|line| line.ticket_number.as_str())
        .collect();
    assert_eq!(
        tickets,
        vec![
            may["ticket_number"].as_str().unwrap(),
            june["ticket_number"].as_str().unwrap()
        ]
    );
    assert_eq!(typed.lines[0].line.item_name, "企业职工基本养老保险费");
    assert_eq!(typed.total, "1982.00".parse().unwrap());
    assert_eq!(
        (typed.name_masked.as_str(), typed.id_number_masked.as_str()),
        ("马*燕", "640104********0022")
    );
    assert_eq!(typed.issued_on.to_string(), support::SANDBOX_DATE);
    assert_eq!(typed.tax_office, SANDBOX_TAX_OFFICE);
    assert_eq!(certificate["status"], "valid");

    // The QR: payload v1 signed with the published certificate key, the total, the period
    // the payments span, the holder tag.
    let (origin, signed) = SignedCertificate::parse_qr_text(&typed.qr_text).unwrap();
    assert_eq!(origin, gw.origin.to_uppercase());
    let payload = *signed.payload();
    let entry = gw
        .key_set
        .keys
        .iter()
        .find(|entry| entry.index == Some(payload.key_index))
        .unwrap();
    let key = sign::verifying_key_from_b64(&entry.public_key).unwrap();
    signed.verify(&key).unwrap();
    assert_eq!(payload.number, 20_250_000_000_002);
    assert_eq!(payload.amount_fen, 198_200);
    assert_eq!(
        (
            payload.first_month.to_string(),
            payload.last_month.to_string()
        ),
        ("2025-05".to_owned(), "2025-06".to_owned())
    );
    assert_eq!(
        payload.holder_tag,
        holder_tag(payload.number, MA_XIAOYAN.1, MA_XIAOYAN.0)
    );
    let checked = verdict(&gw, &typed.qr_text).await;
    assert_eq!(
        checked,
        json!({
            "verdict": "valid",
            "kind": "tax_payment",
            "number": "20250000000002",
            "amount": "1982.00",
            "period_start": "2025-05",
            "period_end": "2025-06",
        })
    );
    let encoded = typed.qr_text.rsplit_once("/C/").unwrap().1;
    let page = gw
        .http
        .get(gw.url(&format!("/C/{encoded}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("完税证明核验") && page.contains("真实有效"));
    assert!(page.contains(may["ticket_number"].as_str().unwrap()));
    assert!(!page.contains(MA_XIAOYAN.0) && !page.contains(MA_XIAOYAN.1));

    // Reprinted, listed in another order and with a repeat: the same certificate, 200; read
    // back by number too.
    let again = reprint(&gw, &device, &session, &[&id(&june), &id(&may), &id(&june)]).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json(), certificate);
    let read = read_certificate(&gw, &device, &session, &typed.number).await;
    assert_eq!(read.status, 200, "{}", read.text());
    assert_eq!(read.json(), certificate);
    assert_eq!(verdict(&gw, &typed.qr_text).await["verdict"], "valid");
    // The query names it for both payments.
    let listed = tax_payments(&gw, &device, &session, "").await;
    for payment in listed["items"].as_array().unwrap() {
        assert_eq!(payment["certificate_number"], "20250000000002");
    }

    // Someone else's session cannot read it; the 缴费证明 number is no 完税证明.
    let his_device = gw.enroll().await;
    let (_, his_session) = logged_in(&gw, &his_device, WANG_JIANGUO).await;
    let theirs = read_certificate(&gw, &his_device, &his_session, &typed.number).await;
    assert_eq!((theirs.status, theirs.code().as_str()), (404, "not_found"));
    let other_kind = read_certificate(&gw, &device, &session, "20250000000001").await;
    assert_eq!(other_kind.code(), "not_found");
}

on_every_backend!(should_supersede_a_certificate_whose_payment_is_reprinted_in_another_selection);
async fn should_supersede_a_certificate_whose_payment_is_reprinted_in_another_selection(
    backend: Backend,
) {
    let gw = gateway(&backend).await;
    let device = gw.enroll().await;
    let (token, session) = logged_in(&gw, &device, MA_XIAOYAN).await;
    let (june, may) = two_payments(&gw, &device, &token).await;

    let both = reprint(&gw, &device, &session, &[&id(&june), &id(&may)]).await;
    assert_eq!(both.status, 201, "{}", both.text());
    let both = both.json();
    // June alone: a new certificate, and the one over both is superseded.
    let june_only = reprint(&gw, &device, &session, &[&id(&june)]).await;
    assert_eq!(june_only.status, 201, "{}", june_only.text());
    let june_only = june_only.json();
    assert_ne!(june_only["number"], both["number"]);
    assert_eq!(june_only["total"], "991.00");

    let qr = |certificate: &Value| certificate["qr_text"].as_str().unwrap().to_owned();
    assert_eq!(verdict(&gw, &qr(&both)).await["verdict"], "superseded");
    assert_eq!(verdict(&gw, &qr(&june_only)).await["verdict"], "valid");
    let read = read_certificate(&gw, &device, &session, both["number"].as_str().unwrap()).await;
    assert_eq!(read.json()["status"], "superseded");
    let encoded = qr(&both);
    let encoded = encoded.rsplit_once("/C/").unwrap().1;
    let page = gw
        .http
        .get(gw.url(&format!("/C/{encoded}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("已被替换") && !page.contains("真实有效"));
    // The query: June is on the new one, May on none any more.
    let listed = tax_payments(&gw, &device, &session, "").await;
    for payment in listed["items"].as_array().unwrap() {
        if payment["order_id"] == june["id"] {
            assert_eq!(payment["certificate_number"], june_only["number"]);
        } else {
            assert!(payment.get("certificate_number").is_none(), "{payment}");
        }
    }

    // Both again: the superseded certificate is not answered; a new one supersedes June's.
    let reissued = reprint(&gw, &device, &session, &[&id(&may), &id(&june)]).await;
    assert_eq!(reissued.status, 201, "{}", reissued.text());
    let reissued = reissued.json();
    assert_ne!(reissued["number"], both["number"]);
    assert_eq!(verdict(&gw, &qr(&reissued)).await["verdict"], "valid");
    assert_eq!(verdict(&gw, &qr(&june_only)).await["verdict"], "superseded");
    assert_eq!(verdict(&gw, &qr(&both)).await["verdict"], "superseded");
}

on_every_backend!(should_report_refunded_after_an_admin_refund_of_a_covered_payment);
async fn should_report_refunded_after_an_admin_refund_of_a_covered_payment(backend: Backend) {
    let gw = gateway(&backend).await;
    let device = gw.enroll().await;
    let (token, session) = logged_in(&gw, &device, MA_XIAOYAN).await;
    let (june, may) = two_payments(&gw, &device, &token).await;
    let issued = reprint(&gw, &device, &session, &[&id(&june), &id(&may)]).await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let certificate = issued.json();
    let qr_text = certificate["qr_text"].as_str().unwrap().to_owned();

    // The operator refunds June through the binary, as for an approved refund application.
    let args = vec![
        "admin".to_owned(),
        "refund".to_owned(),
        june["ticket_number"].as_str().unwrap().to_owned(),
        "--reason".to_owned(),
        "退费申请 2025-002".to_owned(),
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

    assert_eq!(verdict(&gw, &qr_text).await["verdict"], "refunded");
    let read = read_certificate(
        &gw,
        &device,
        &session,
        certificate["number"].as_str().unwrap(),
    )
    .await;
    assert_eq!(read.json()["status"], "refunded");
    // June is no longer a tax payment; a selection with it is refused.
    let listed = tax_payments(&gw, &device, &session, "").await;
    let ids: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|payment| &payment["order_id"])
        .collect();
    assert_eq!(ids, vec![&may["id"]]);
    let refused = reprint(&gw, &device, &session, &[&id(&june), &id(&may)]).await;
    assert_eq!(
        (refused.status, refused.code().as_str()),
        (409, "certificate_not_available"),
        "{}",
        refused.text()
    );
    // May alone: a new valid certificate; the refunded one stays refunded.
    let may_only = reprint(&gw, &device, &session, &[&id(&may)]).await;
    assert_eq!(may_only.status, 201, "{}", may_only.text());
    assert_eq!(may_only.json()["total"], "991.00");
    assert_eq!(
        verdict(&gw, may_only.json()["qr_text"].as_str().unwrap()).await["verdict"],
        "valid"
    );
    assert_eq!(verdict(&gw, &qr_text).await["verdict"], "refunded");
}
