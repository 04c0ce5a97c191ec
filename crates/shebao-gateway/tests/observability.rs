//! The operational surface: liveness, readiness, Prometheus metrics and the OpenAPI document.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use support::{Backend, MA_XIAOYAN, non_sandbox, on_every_backend, sandbox};

async fn should_be_live_and_ready_then_unready_when_a_migration_is_missing(backend: Backend) {
    let gateway = sandbox(&backend).await;
    for path in ["/health", "/healthz"] {
        let response = gateway.http.get(gateway.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.headers().contains_key("x-request-id"));
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({"status": "ok"})
        );
    }
    for path in ["/ready", "/readyz"] {
        let ready = gateway.http.get(gateway.url(path)).send().await.unwrap();
        assert_eq!(ready.status(), 200, "{path}");
        assert_eq!(
            ready.json::<Value>().await.unwrap(),
            json!({"status": "ready"})
        );
    }

    // The database no longer records the newest migration as applied.
    let database = gateway.database().await;
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(&database)
    .await
    .unwrap();
    let unready = gateway
        .http
        .get(gateway.url("/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(unready.status(), 503);
    assert_eq!(
        unready.json::<Value>().await.unwrap(),
        json!({"status": "not_ready", "reason": "migrations_pending"})
    );
    // Liveness does not depend on the database.
    let live = gateway
        .http
        .get(gateway.url("/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 200);
}
on_every_backend!(should_be_live_and_ready_then_unready_when_a_migration_is_missing);

async fn should_replace_a_client_request_id_with_its_own(backend: Backend) {
    let gateway = sandbox(&backend).await;
    let response = gateway
        .http
        .get(gateway.url("/health"))
        .header("x-request-id", MA_XIAOYAN.1)
        .send()
        .await
        .unwrap();
    let x_request_id = response.headers()["x-request-id"].to_str().unwrap();
    assert!(x_request_id.starts_with("req_"), "{x_request_id}");
    assert_eq!(response.headers()["request-id"], x_request_id);
    assert!(!support::captured_logs().contains(MA_XIAOYAN.1));
}
on_every_backend!(should_replace_a_client_request_id_with_its_own);

async fn should_count_requests_refusals_and_payments_in_metrics(backend: Backend) {
    let gateway = sandbox(&backend).await;
    let refused = gateway
        .http
        .post(gateway.url("/v1/devices"))
        .json(&json!({"public_key": "not a key"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let device = gateway.enroll().await;
    gateway.paid_order(&device, MA_XIAOYAN).await;

    let scraped = gateway
        .http
        .get(gateway.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    assert!(
        scraped.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let text = scraped.text().await.unwrap();
    for series in [
        r#"shebao_http_requests_total{method="POST",route="/v1/devices",status="422"} 1"#,
        r#"shebao_http_requests_total{method="POST",route="/v1/devices",status="201"} 1"#,
        r#"shebao_http_requests_total{method="POST",route="/v1/identity/confirmations",status="200"} 1"#,
        r#"shebao_http_request_duration_seconds_count{method="GET",route="/v1/payment-orders/{order_id}",status="200"}"#,
        r#"shebao_problems_total{code="validation_failed"} 1"#,
        r#"shebao_payment_notifications_total{channel="unionpay",outcome="paid"} 1"#,
    ] {
        assert!(text.contains(series), "missing {series} in:\n{text}");
    }
    assert!(text.trim_end().ends_with("# EOF"));
    // Route templates only: no concrete id reaches a label.
    assert!(!text.contains("ord_"));
}
on_every_backend!(should_count_requests_refusals_and_payments_in_metrics);

/// Every `METHOD path` of an OpenAPI document.
fn operations(document: &Value) -> Vec<String> {
    let mut operations: Vec<String> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    operations.sort();
    operations
}

async fn should_serve_an_openapi_document_with_the_protocol_schemas(backend: Backend) {
    let gateway = sandbox(&backend).await;
    let document: Value = gateway
        .http
        .get(gateway.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let operations = operations(&document);
    for operation in [
        "POST /v1/identity/confirmations",
        "GET /v1/payment-orders/{order_id}",
        "GET /v1/payments",
        "GET /C/{payload}",
        "GET /sandbox/captchas/{captcha_id}/answer",
        "GET /ready",
        "GET /metrics",
        "GET /openapi.json",
    ] {
        assert!(operations.iter().any(|op| op == operation), "{operation}");
    }
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["device_signature"]["name"], "Authorization");
    assert_eq!(schemes["identity_token"]["name"], "Identity-Token");
    let schemas = &document["components"]["schemas"];
    let required = schemas["ConfirmIdentity"]["required"].as_array().unwrap();
    assert!(schemas["PaidPayment"]["properties"]["certificate_status"].is_object());
    assert!(required.contains(&json!("captcha_answer")));
    assert!(
        schemas["ErrorCode"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("nonce_replayed"))
    );
    let confirm = &document["paths"]["/v1/identity/confirmations"]["post"];
    assert_eq!(confirm["security"], json!([{"device_signature": []}]));
    assert_eq!(
        confirm["responses"]["default"]["content"]["application/problem+json"]["schema"]["$ref"],
        "#/components/schemas/Problem"
    );

    // Outside sandbox mode the sandbox routes are neither served nor described.
    let production = non_sandbox(&backend).await;
    let document: Value = production
        .http
        .get(production.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let operations = self::operations(&document);
    assert!(
        operations.iter().all(|op| !op.contains("/sandbox/")),
        "{operations:?}"
    );
    assert!(operations.iter().any(|op| op == "POST /v1/declarations"));
}
on_every_backend!(should_serve_an_openapi_document_with_the_protocol_schemas);
