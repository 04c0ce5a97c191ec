//! Payment certificates (缴费证明) over real HTTP: issued once per paid order, signed with the
//! published certificate key, read again, and verified on the public page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::NaiveDate;
use serde_json::{Value, json};
use shebao_core::certificate::{SignedCertificate, holder_tag};
use shebao_core::sign;
use shebao_core::wire::{KeyUse, PaymentCertificate};
use shebao_core::{Amount, YearMonth};
use support::{Backend, Call, MA_XIAOYAN, WANG_JIANGUO, captured_logs, on_every_backend, sandbox};

const SANDBOX_TAX_OFFICE: &str = "国家税务总局银川市税务局（演示）";

/// The published certificate key with this index.
fn certificate_key(key_set: &Value, index: u8) -> ed25519_dalek::VerifyingKey {
    let entry = key_set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["use"] == "certificate" && entry["index"] == index)
        .expect("a certificate key of this index is published");
    sign::verifying_key_from_b64(entry["public_key"].as_str().unwrap()).unwrap()
}

/// GETs a verification URL, as a browser (HTML) or as a client asking for JSON.
async fn verify_page(gw: &support::TestGateway, url: &str, json: bool) -> (u16, String) {
    let mut request = gw.http.get(url);
    if json {
        request = request.header("accept", "application/json");
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    assert!(response.headers().contains_key("request-id"));
    (status, response.text().await.unwrap())
}

on_every_backend!(should_issue_one_signed_certificate_per_paid_order);
async fn should_issue_one_signed_certificate_per_paid_order(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let (token, declaration, order) = gw.paid_order(&device, MA_XIAOYAN).await;
    let order_id = order["id"].as_str().unwrap();

    // Issued: 201, with the order's facts and the holder masked.
    let first = gw.issue_certificate(&device, &token, order_id).await;
    assert_eq!(first.status, 201, "{}", first.text());
    let certificate = first.json();
    let number = certificate["number"].as_str().unwrap().to_owned();
    assert_eq!(number, "20250000000001");
    let line = &declaration["lines"][0];
    assert_eq!(
        certificate,
        json!({
            "number": number,
            "order_id": order_id,
            "ticket_number": order["ticket_number"],
            "name_masked": "马*燕",
            "id_number_masked": "640104********0022",
            "id_type": "resident_id_card",
            "lines": [{
                "item": "pension",
                "item_name": "企业职工基本养老保险费",
                "sub_item_name": "职工基本养老保险(个人缴纳)",
                "period_start": "2025-06",
                "period_end": "2025-06",
                "base": "4955.00",
                "rate": line["rate"],
                "amount": "991.00",
            }],
            "total": "991.00",
            "issued_on": support::SANDBOX_DATE,
            "tax_office": SANDBOX_TAX_OFFICE,
            "qr_text": certificate["qr_text"],
            "status": "valid",
        })
    );
    // The app's wire type reads it.
    let typed: PaymentCertificate = serde_json::from_value(certificate.clone()).unwrap();
    assert_eq!(typed.total, "991.00".parse::<Amount>().unwrap());

    // Asked again under any key: the same certificate, 200.
    let again = gw.issue_certificate(&device, &token, order_id).await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json(), certificate);
    let read = gw
        .call(
            &device,
            Call::get(&format!("/v1/certificates/{number}")).token(&token),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.text());
    assert_eq!(read.json(), certificate);

    // The QR: the gateway's own origin upper-cased, a payload signed with the published
    // certificate key, carrying the order's amount and the declaration's period.
    let qr_text = certificate["qr_text"].as_str().unwrap();
    assert!(qr_text.starts_with(&format!("{}/C/", gw.origin.to_uppercase())));
    let (origin, signed) = SignedCertificate::parse_qr_text(qr_text).unwrap();
    assert_eq!(origin, gw.origin.to_uppercase());
    let published: Value = gw
        .http
        .get(gw.url("/.well-known/shebao-keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(published, serde_json::to_value(&gw.key_set).unwrap());
    let entry = gw
        .key_set
        .keys
        .iter()
        .find(|entry| entry.key_use == KeyUse::Certificate)
        .unwrap();
    assert_eq!((entry.kid.as_str(), entry.index), ("gw-cert-1", Some(1)));
    signed.verify(&certificate_key(&published, 1)).unwrap();
    let payload = signed.payload();
    let declared_total: Amount = declaration["total"].as_str().unwrap().parse().unwrap();
    assert_eq!(i64::from(payload.amount_fen), declared_total.fen());
    let months = |member: &str| -> Vec<YearMonth> {
        declaration["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line[member].as_str().unwrap().parse().unwrap())
            .collect()
    };
    assert_eq!(
        (payload.first_month, payload.last_month),
        (
            *months("period_start").iter().min().unwrap(),
            *months("period_end").iter().max().unwrap()
        )
    );
    assert_eq!(payload.key_index, 1);
    assert_eq!(payload.number.to_string(), number);
    assert_eq!(
        payload.issued_on,
        support::SANDBOX_DATE.parse::<NaiveDate>().unwrap()
    );
    assert_eq!(
        payload.holder_tag,
        holder_tag(payload.number, MA_XIAOYAN.1, MA_XIAOYAN.0)
    );

    // One row, one event.
    let db = gw.database().await;
    let (rows, events): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM certificates), \
         (SELECT COUNT(*) FROM events WHERE entity = 'certificate' AND to_status = 'valid')",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((rows, events), (1, 1));

    // Someone else neither reads nor issues it.
    let other = gw.confirm(&device, WANG_JIANGUO).await;
    let foreign = gw
        .call(
            &device,
            Call::get(&format!("/v1/certificates/{number}")).token(&other),
        )
        .await;
    assert_eq!((foreign.status, foreign.code()), (404, "not_found".into()));
    let foreign = gw.issue_certificate(&device, &other, order_id).await;
    assert_eq!((foreign.status, foreign.code()), (404, "not_found".into()));
    for bad in ["0", "abc", "99999999999999999999999"] {
        let missing = gw
            .call(
                &device,
                Call::get(&format!("/v1/certificates/{bad}")).token(&token),
            )
            .await;
        assert_eq!(missing.code(), "not_found", "{bad}");
    }

    // Nothing personal reached the logs.
    let logs = captured_logs();
    for secret in [MA_XIAOYAN.0, MA_XIAOYAN.1, &token] {
        assert!(
            !logs.contains(secret),
            "a log line contains personal data or a secret"
        );
    }
    gw.shutdown().await;
}

on_every_backend!(should_number_certificates_in_sequence_and_refuse_unpaid_orders);
async fn should_number_certificates_in_sequence_and_refuse_unpaid_orders(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;

    // An order that is not paid has no certificate; an unknown one is not found.
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let declaration = gw.declare_all(&device, &token).await;
    let order = gw
        .create_order(&device, &token, declaration["id"].as_str().unwrap())
        .await
        .json();
    let order_id = order["id"].as_str().unwrap();
    let refused = gw.issue_certificate(&device, &token, order_id).await;
    assert_eq!(
        (refused.status, refused.code()),
        (409, "certificate_not_available".into())
    );
    let unknown = gw.issue_certificate(&device, &token, "ord_unknown").await;
    assert_eq!((unknown.status, unknown.code()), (404, "not_found".into()));
    let missing_key = gw
        .call(
            &device,
            Call::post("/v1/certificates", &json!({"order_id": order_id})).token(&token),
        )
        .await;
    assert_eq!(missing_key.code(), "idempotency_key_missing");

    // Two paid orders of two people: consecutive numbers of the sandbox year.
    let (token_a, _, order_a) = gw.paid_order(&device, WANG_JIANGUO).await;
    let (token_b, _, order_b) = gw.paid_order(&device, support::MA_FUHAI).await;
    let a = gw
        .issue_certificate(&device, &token_a, order_a["id"].as_str().unwrap())
        .await;
    let b = gw
        .issue_certificate(&device, &token_b, order_b["id"].as_str().unwrap())
        .await;
    assert_eq!((a.status, b.status), (201, 201));
    assert_eq!(a.json()["number"], "20250000000001");
    assert_eq!(b.json()["number"], "20250000000002");
    // The quarterly payer's certificate covers the quarter.
    let (_, signed) =
        SignedCertificate::parse_qr_text(b.json()["qr_text"].as_str().unwrap()).unwrap();
    assert_eq!(signed.payload().first_month.to_string(), "2025-04");
    assert_eq!(signed.payload().last_month.to_string(), "2025-06");
    assert_eq!(signed.payload().amount_fen, 297_300);
    assert_eq!(b.json()["total"], "2973.00");
}

on_every_backend!(should_verify_a_certificate_on_the_public_page);
async fn should_verify_a_certificate_on_the_public_page(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let (token, _, order) = gw.paid_order(&device, MA_XIAOYAN).await;
    let issued = gw
        .issue_certificate(&device, &token, order["id"].as_str().unwrap())
        .await
        .json();
    let qr_text = issued["qr_text"].as_str().unwrap();
    let encoded = qr_text.rsplit_once("/C/").unwrap().1.to_owned();
    let url = gw.url(&format!("/C/{encoded}"));

    let (status, page) = verify_page(&gw, &url, false).await;
    assert_eq!(status, 200);
    let ticket = order["ticket_number"].as_str().unwrap();
    for expected in [
        r#"<html lang="zh-CN">"#,
        r#"name="viewport""#,
        "真实有效",
        "马*燕",
        "<dt>证件类型</dt><dd>居民身份证</dd>",
        "640104********0022",
        "¥991.00",
        "2025年06月 至 2025年06月",
        ticket,
        issued["number"].as_str().unwrap(),
        SANDBOX_TAX_OFFICE,
        "沙箱演示环境",
    ] {
        assert!(page.contains(expected), "the page lacks {expected}");
    }
    assert!(!page.contains(MA_XIAOYAN.0) && !page.contains(MA_XIAOYAN.1));

    let (status, body) = verify_page(&gw, &url, true).await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({
            "verdict": "valid",
            "kind": "payment",
            "number": issued["number"],
            "amount": "991.00",
            "period_start": "2025-06",
            "period_end": "2025-06",
        })
    );

    // Any one character changed: never valid, never a server error, no details.
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    for at in 0..encoded.len() {
        let mut tampered = encoded.clone().into_bytes();
        tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(tampered.chars().all(|c| alphabet.contains(c)));
        let (status, body) = verify_page(&gw, &gw.url(&format!("/C/{tampered}")), true).await;
        assert_eq!(status, 200, "character {at}");
        let body: Value = serde_json::from_str(&body).unwrap();
        // A change that lands in the key index names a key the gateway never published.
        let expected = match SignedCertificate::from_base32(&tampered) {
            Ok(changed) if changed.payload().key_index != 1 => "unknown_key",
            _ => "invalid_signature",
        };
        assert_eq!(body["verdict"], expected, "character {at}");
        assert_eq!(body["number"], Value::Null, "character {at}");
    }
    let mut tampered = encoded.clone().into_bytes();
    tampered[60] = if tampered[60] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let (status, page) = verify_page(&gw, &gw.url(&format!("/C/{tampered}")), false).await;
    assert_eq!(status, 200);
    assert!(page.contains("无法验证（签名不符）"));
    assert!(!page.contains("真实有效") && !page.contains("¥991.00"));

    // Not a payload at all.
    for junk in ["x", "CEAQ", &"!".repeat(148), &format!("{encoded}A")] {
        let (status, body) = verify_page(&gw, &gw.url(&format!("/C/{junk}")), true).await;
        assert_eq!(status, 200, "{junk}");
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["verdict"], "invalid_signature", "{junk}");
    }

    // A refunded certificate says so.
    let db = gw.database().await;
    sqlx::query("UPDATE certificates SET status = 'refunded'")
        .execute(&db)
        .await
        .unwrap();
    let (_, page) = verify_page(&gw, &url, false).await;
    assert!(page.contains("已退款") && !page.contains("真实有效"));
    let (_, body) = verify_page(&gw, &url, true).await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["verdict"],
        "refunded"
    );
}

on_every_backend!(should_add_the_certificate_key_to_a_database_without_one);
async fn should_add_the_certificate_key_to_a_database_without_one(backend: Backend) {
    let gw = sandbox(&backend).await;
    let db = gw.shutdown().await;

    // A database from before certificates: no certificate key.
    {
        let pool = db.connect().await;
        sqlx::query("DELETE FROM gateway_keys WHERE key_use = 'certificate'")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }

    let gw = support::launch(db, true, Some(support::sandbox_date())).await;
    let published = serde_json::to_value(&gw.key_set).unwrap();
    let certificate = published["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["use"] == "certificate")
        .unwrap()
        .clone();
    assert_eq!(certificate["kid"], "gw-cert-1");
    assert_eq!(certificate["index"], 1);
    assert_eq!(
        sign::b64_decode(certificate["public_key"].as_str().unwrap())
            .unwrap()
            .len(),
        32
    );
    assert!(
        published["keys"]
            .as_array()
            .unwrap()
            .iter()
            .any(|entry| entry["use"] == "response" && entry.get("index").is_none())
    );
}

on_every_backend!(should_need_a_tax_office_and_verify_origin_outside_sandbox_mode);
async fn should_need_a_tax_office_and_verify_origin_outside_sandbox_mode(backend: Backend) {
    let db = support::TestDatabase::new(&backend).await;
    let mut config = support::config(&db, false, None);
    config.tax_office = None;
    let error = shebao_gateway::start(config).await.unwrap_err();
    assert!(error.to_string().contains("tax office"), "{error}");

    let mut config = support::config(&db, false, None);
    config.verify_origin = None;
    let error = shebao_gateway::start(config).await.unwrap_err();
    assert!(error.to_string().contains("verification origin"), "{error}");

    for bad in [
        "v.shebao.example",
        "ftp://v.shebao.example",
        "https://v.shebao.example/check",
        "https://v.shebao.example/?a=1",
        "https://user@v.shebao.example",
    ] {
        let mut config = support::config(&db, false, None);
        config.verify_origin = Some(bad.to_owned());
        assert!(shebao_gateway::start(config).await.is_err(), "{bad}");
    }

    // Configured, it starts, with a certificate key.
    let gw = support::launch(db, false, None).await;
    assert!(
        gw.key_set
            .keys
            .iter()
            .any(|entry| entry.key_use == KeyUse::Certificate && entry.index == Some(1))
    );
    gw.shutdown().await;
}
