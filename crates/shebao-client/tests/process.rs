//! The steps before payment through the client, against a real sandbox gateway: registration
//! (resent under its key when the answer is lost, registered once), the insured-information
//! query, and an assessment from transmission to payable.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use shebao_client::ClientError;
use shebao_core::policy::InsuranceItem;
use shebao_core::wire::{AssessmentStatus, NewAssessment, NewRegistration};
use shebao_core::{Amount, ErrorCode, PeriodType};
use support::{Fault, Proxy, ZHANG_XIAOMEI, sandbox};

fn code_of<T: std::fmt::Debug>(result: Result<T, ClientError>) -> Option<ErrorCode> {
    match result {
        Err(error) => error.code(),
        Ok(answer) => panic!("expected a refusal, got {answer:?}"),
    }
}

#[tokio::test]
async fn should_register_once_when_the_answer_to_the_registration_is_lost() {
    let sandbox = sandbox().await;
    let proxy = Proxy::start(&sandbox.gateway.origin).await;
    let client = sandbox.client_via(&proxy.origin).await;
    let token = sandbox.confirm_as(&client, ZHANG_XIAOMEI).await;
    let before = client.insured_info(&token).await.unwrap();
    assert!(!before.insured);
    assert!(before.items.is_empty());

    proxy.fault("POST /v1/registrations", Fault::LoseAnswer, 1);
    let key = shebao_client::new_idempotency_key();
    let registered = client
        .register(&token, &NewRegistration::default(), &key)
        .await
        .unwrap();

    let sent = proxy.seen("POST /v1/registrations");
    assert_eq!(
        sent.len(),
        2,
        "one lost answer, one resend under the same key"
    );
    assert_eq!(sent[1].header("idempotency-key"), Some(key.as_str()));
    assert!(registered.insured);
    assert_eq!(registered.items, vec![InsuranceItem::Pension]);
    assert_eq!(
        registered.insured_since.map(|m| m.to_string()).as_deref(),
        Some("2025-06")
    );
    assert!(registered.agency.is_some());

    let fresh_key = shebao_client::new_idempotency_key();
    let again = client
        .register(&token, &NewRegistration::default(), &fresh_key)
        .await;
    assert_eq!(code_of(again), Some(ErrorCode::AlreadyInsured));
}

#[tokio::test]
async fn should_assess_a_registered_person_and_see_the_items_become_payable() {
    let sandbox = sandbox().await;
    let client = sandbox.client().await;
    let token = sandbox.confirm_as(&client, ZHANG_XIAOMEI).await;
    let request = NewAssessment {
        items: vec![InsuranceItem::Pension],
        base: None,
        grade: Some("0.60".parse().unwrap()),
        period_type: PeriodType::Monthly,
        start_month: "2025-06".parse().unwrap(),
    };
    let key = shebao_client::new_idempotency_key();
    let refused = client.create_assessment(&token, &request, &key).await;
    assert_eq!(code_of(refused), Some(ErrorCode::NotInsured));

    let key = shebao_client::new_idempotency_key();
    client
        .register(&token, &NewRegistration::default(), &key)
        .await
        .unwrap();
    let key = shebao_client::new_idempotency_key();
    let assessment = client
        .create_assessment(&token, &request, &key)
        .await
        .unwrap();
    assert_eq!(assessment.status, AssessmentStatus::Transmitting);
    assert_eq!(assessment.base, Amount::from_fen(495_500));
    assert_eq!(assessment.total, Amount::from_fen(99_100));

    // The sandbox transmits in 3 s.
    tokio::time::sleep(Duration::from_millis(3_500)).await;
    let now = client.assessment(&token, &assessment.id).await.unwrap();
    assert_eq!(now.status, AssessmentStatus::Payable);
    let payables = client.payables(&token).await.unwrap();
    assert_eq!(payables.items.len(), 1);
    assert_eq!(payables.items[0].id, assessment.items[0].id);
}
