//! The client against a real sandbox gateway on loopback, through a proxy that loses, alters
//! or replays answers: what is resent, how, and what is never taken as data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use shebao_client::{ClientError, TrustedKeys};
use shebao_core::wire::{KeySet, KeyUse, PublicKeyEntry};
use support::{Fault, Proxy, sandbox};

fn assert_network(result: Result<impl std::fmt::Debug, ClientError>) -> String {
    match result {
        Err(ClientError::Network(what)) => what,
        other => panic!("expected a network error, got {other:?}"),
    }
}

#[tokio::test]
async fn should_resend_a_keyed_post_signed_afresh_over_the_same_bytes_when_its_answer_is_lost() {
    let sandbox = sandbox().await;
    let proxy = Proxy::start(&sandbox.gateway.origin).await;
    let client = sandbox.client_via(&proxy.origin).await;
    let token = sandbox.confirm(&client).await;
    let payables = client.payables(&token).await.unwrap();
    let ids: Vec<String> = payables.items.iter().map(|p| p.id.clone()).collect();
    assert!(!ids.is_empty());

    proxy.fault("POST /v1/declarations", Fault::LoseAnswer, 1);
    let key = shebao_client::new_idempotency_key();
    let declaration = client.declare(&token, ids, &key).await.unwrap();

    let sent = proxy.seen("POST /v1/declarations");
    assert_eq!(sent.len(), 2, "one lost answer, one resend");
    assert_eq!(sent[0].body, sent[1].body);
    assert_eq!(sent[0].header("idempotency-key"), Some(key.as_str()));
    assert_eq!(sent[1].header("idempotency-key"), Some(key.as_str()));
    assert_ne!(sent[0].nonce(), sent[1].nonce());
    assert_ne!(
        sent[0].header("authorization"),
        sent[1].header("authorization")
    );

    // The gateway declared once: the resend got the first declaration back.
    let unpaid = client.unpaid_declarations(&token).await.unwrap();
    assert_eq!(unpaid.items.len(), 1);
    assert_eq!(unpaid.items[0].id, declaration.id);
}

#[tokio::test]
async fn should_send_a_post_without_idempotency_key_once() {
    let sandbox = sandbox().await;
    let proxy = Proxy::start(&sandbox.gateway.origin).await;
    let client = sandbox.client_via(&proxy.origin).await;

    proxy.fault("POST /v1/captchas", Fault::LoseAnswer, 1);
    assert_network(client.new_captcha().await);
    assert_eq!(proxy.seen("POST /v1/captchas").len(), 1);
}

#[tokio::test]
async fn should_resend_a_get_when_its_answer_is_lost() {
    let sandbox = sandbox().await;
    let proxy = Proxy::start(&sandbox.gateway.origin).await;
    let client = sandbox.client_via(&proxy.origin).await;
    let token = sandbox.confirm(&client).await;

    proxy.fault("GET /v1/payables", Fault::LoseAnswer, 1);
    let payables = client.payables(&token).await.unwrap();
    assert!(!payables.items.is_empty());
    let sent = proxy.seen("GET /v1/payables");
    assert_eq!(sent.len(), 2);
    assert_ne!(sent[0].nonce(), sent[1].nonce());
}

#[tokio::test]
async fn should_give_up_after_three_sends() {
    let sandbox = sandbox().await;
    let proxy = Proxy::start(&sandbox.gateway.origin).await;
    let client = sandbox.client_via(&proxy.origin).await;
    let token = sandbox.confirm(&client).await;

    proxy.fault("GET /v1/payables", Fault::LoseAnswer, 10);
    assert_network(client.payables(&token).await);
    assert_eq!(proxy.seen("GET /v1/payables").len(), 3);
}

#[tokio::test]
async fn should_not_resend_a_refusal() {
    let sandbox = sandbox().await;
    let proxy = Proxy::start(&sandbox.gateway.origin).await;
    let client = sandbox.client_via(&proxy.origin).await;

    let refused = client.payables("not-a-token").await;
    assert!(matches!(refused, Err(ClientError::Api(_))), "{refused:?}");
    assert_eq!(proxy.seen("GET /v1/payables").len(), 1);
}

#[tokio::test]
async fn should_take_an_altered_answer_as_a_network_error_never_as_data() {
    let sandbox = sandbox().await;
    let proxy = Proxy::start(&sandbox.gateway.origin).await;
    let client = sandbox.client_via(&proxy.origin).await;
    let token = sandbox.confirm(&client).await;

    proxy.fault("GET /v1/payables", Fault::AlterTotal, 3);
    let what = assert_network(client.payables(&token).await);
    assert_eq!(what, "response signature does not verify");
}

#[tokio::test]
async fn should_take_a_replayed_answer_as_a_network_error() {
    let sandbox = sandbox().await;
    let proxy = Proxy::start(&sandbox.gateway.origin).await;
    let client = sandbox.client_via(&proxy.origin).await;
    let token = sandbox.confirm(&client).await;
    client.payables(&token).await.unwrap();

    // The earlier answer is genuine, but signed over the earlier request's nonce.
    proxy.fault("GET /v1/payables", Fault::ReplayPrevious, 3);
    let what = assert_network(client.payables(&token).await);
    assert_eq!(what, "response signature does not verify");
}

#[tokio::test]
async fn should_take_an_answer_signed_by_an_untrusted_key_as_a_network_error() {
    let sandbox = sandbox().await;
    let key = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let device_id = shebao_client::enroll(&sandbox.gateway.origin, &key)
        .await
        .unwrap();
    let mut other_keys: KeySet = sandbox.gateway.key_set.clone();
    for entry in other_keys.keys.iter_mut() {
        if entry.key_use == KeyUse::Response {
            entry.kid = format!("{}-elsewhere", entry.kid);
        }
    }
    let trusted = TrustedKeys::from_key_set(&other_keys).unwrap();
    let client =
        shebao_client::Client::new(&sandbox.gateway.origin, device_id, key, trusted).unwrap();

    let what = assert_network(client.new_captcha().await);
    assert_eq!(what, "response signed by an untrusted key");
}

#[tokio::test]
async fn should_correct_a_wrong_clock_once_from_the_gateways_server_time() {
    let sandbox = sandbox().await;
    let proxy = Proxy::start(&sandbox.gateway.origin).await;
    let client = sandbox
        .client_via(&proxy.origin)
        .await
        .with_clock_offset(-3600);

    client.new_captcha().await.unwrap();

    assert!(
        client.clock_offset().abs() <= 2,
        "{}",
        client.clock_offset()
    );
    let sent = proxy.seen("POST /v1/captchas");
    assert_eq!(sent.len(), 2, "the refused send and the corrected one");
}

#[test]
fn should_refuse_a_key_set_with_an_undecodable_key() {
    let set = KeySet {
        keys: vec![PublicKeyEntry {
            kid: "gw-1".into(),
            key_use: KeyUse::Response,
            index: None,
            public_key: "not base64url!".into(),
            not_before: String::new(),
            not_after: String::new(),
        }],
    };
    assert!(TrustedKeys::from_key_set(&set).is_err());
}
