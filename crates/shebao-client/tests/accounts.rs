//! The natural-person account through the client, against a real sandbox gateway: registration
//! with the identity token, login, the `Session-Token` calls (完税查询, 完税证明, devices), and
//! logout (a signed `204` with an empty body).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use shebao_client::{Client, ClientError, new_idempotency_key};
use shebao_core::wire::{
    CertificateStatus, Channel, NewAccount, NewPaymentAttempt, NewSession, OrderStatus,
};
use shebao_core::{ErrorCode, IdType};
use support::{MA_XIAOYAN, sandbox};

/// The year payments made now fall in: payment dates follow the real clock in China (UTC+8),
/// whatever the sandbox's pinned today.
fn this_year() -> i32 {
    use chrono::Datelike;
    (chrono::Utc::now() + chrono::Duration::hours(8)).year()
}

fn code_of<T: std::fmt::Debug>(result: Result<T, ClientError>) -> Option<ErrorCode> {
    match result {
        Err(error) => error.code(),
        Ok(answer) => panic!("expected a refusal, got {answer:?}"),
    }
}

/// Declares what the person of `token` owes and pays it on the sandbox cashier; answers the
/// paid order's id.
async fn pay_everything(client: &Client, token: &str) -> String {
    let payables = client.payables(token).await.unwrap();
    let ids = payables.items.into_iter().map(|p| p.id).collect();
    let declaration = client
        .declare(token, ids, &new_idempotency_key())
        .await
        .unwrap();
    let order = client
        .create_payment_order(token, &declaration.id, &new_idempotency_key())
        .await
        .unwrap();
    let attempt = client
        .create_payment_attempt(
            token,
            &order.id,
            &NewPaymentAttempt {
                channel: Channel::Unionpay,
            },
            &new_idempotency_key(),
        )
        .await
        .unwrap();
    let paid = reqwest::Client::new()
        .post(&attempt.pay_url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("source=bank_card&card_number=6222020000000000000")
        .send()
        .await
        .unwrap();
    assert!(paid.status().is_success());
    for _ in 0..5 {
        let now = client.payment_order(token, &order.id, true).await.unwrap();
        if now.status == OrderStatus::Paid {
            return order.id;
        }
    }
    panic!("the order was not paid");
}

#[tokio::test]
async fn should_register_log_in_issue_a_tax_certificate_and_log_out() {
    let sandbox = sandbox().await;
    let client = sandbox.client().await;
    let identity = sandbox.confirm(&client).await;
    let order_id = pay_everything(&client, &identity).await;

    let account = NewAccount {
        phone: "13800000000".into(),
        password: "Shebao-2025".into(),
    };
    let registered = client
        .register_account(&identity, &account, &new_idempotency_key())
        .await
        .unwrap();
    assert_eq!(registered.phone_masked, "138****0000");

    let session = client
        .log_in(&NewSession {
            id_type: IdType::ResidentIdCard,
            id_number: MA_XIAOYAN.1.into(),
            password: "Shebao-2025".into(),
        })
        .await
        .unwrap();
    let token = session.session_token;

    // An identity token is no session.
    assert_eq!(
        code_of(client.tax_payments(&identity, this_year()).await),
        Some(ErrorCode::SessionInvalid)
    );

    let payments = client.tax_payments(&token, this_year()).await.unwrap();
    assert_eq!(payments.items.len(), 1);
    assert_eq!(payments.items[0].order_id, order_id);

    let key = new_idempotency_key();
    let issued = client
        .issue_tax_certificate(&token, vec![order_id.clone()], &key)
        .await
        .unwrap();
    assert_eq!(issued.order_ids, vec![order_id.clone()]);
    assert_eq!(issued.status, CertificateStatus::Valid);
    let again = client
        .issue_tax_certificate(&token, vec![order_id.clone()], &key)
        .await
        .unwrap();
    assert_eq!(again.number, issued.number, "the same key answers the same");
    let fetched = client
        .tax_certificate(&token, &issued.number)
        .await
        .unwrap();
    assert_eq!(fetched.qr_text, issued.qr_text);

    let devices = client.account_devices(&token).await.unwrap();
    assert_eq!(devices.items.len(), 1);
    assert!(devices.items[0].current);
    assert_eq!(devices.items[0].id, client.device_id());

    client.log_out(&token).await.unwrap();
    assert_eq!(
        code_of(client.tax_payments(&token, this_year()).await),
        Some(ErrorCode::SessionInvalid)
    );
}

#[tokio::test]
async fn should_revoke_another_device_of_the_person() {
    let sandbox = sandbox().await;
    let home = sandbox.client().await;
    let identity = sandbox.confirm(&home).await;
    let account = NewAccount {
        phone: "13800000000".into(),
        password: "Shebao-2025".into(),
    };
    home.register_account(&identity, &account, &new_idempotency_key())
        .await
        .unwrap();
    let login = NewSession {
        id_type: IdType::ResidentIdCard,
        id_number: MA_XIAOYAN.1.into(),
        password: "Shebao-2025".into(),
    };
    let home_token = home.log_in(&login).await.unwrap().session_token;
    let phone = sandbox.client().await;
    let phone_token = phone.log_in(&login).await.unwrap().session_token;

    let revoked = home
        .revoke_account_device(&home_token, &phone.device_id(), &new_idempotency_key())
        .await
        .unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(!revoked.current);
    assert_eq!(
        code_of(phone.account_devices(&phone_token).await),
        Some(ErrorCode::DeviceRevoked)
    );
    assert_eq!(
        code_of(
            home.revoke_account_device(&home_token, "dev_unknown", &new_idempotency_key())
                .await
        ),
        Some(ErrorCode::NotFound)
    );
}
