//! The five sandbox channels: each pays through its own cashier form and notifies with its
//! own key; the funding sources the seed guide says they refuse are refused with its reason;
//! a second deduction while one is in flight is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::Value;
use support::{Backend, MA_XIAOYAN, TestGateway, on_every_backend, reconcile, sandbox};

const CHANNELS: [(&str, &str); 5] = [
    ("unionpay", "银联在线支付"),
    ("alipay", "支付宝"),
    ("wechatpay", "微信支付"),
    ("quickpass", "云闪付"),
    ("ningxia_wallet", "我的宁夏·钱包"),
];

/// Confirms 马小燕, declares her payables and opens an order: (device, token, order).
async fn open_order(gw: &TestGateway) -> (support::Device, String, Value) {
    let device = gw.enroll().await;
    let token = gw.confirm(&device, MA_XIAOYAN).await;
    let declaration = gw.declare_all(&device, &token).await;
    let order = gw
        .create_order(&device, &token, declaration["id"].as_str().unwrap())
        .await;
    assert_eq!(order.status, 201, "{}", order.text());
    (device, token, order.json())
}

on_every_backend!(should_pay_through_each_channel_on_its_cashier_form);
async fn should_pay_through_each_channel_on_its_cashier_form(backend: Backend) {
    for (channel, title) in CHANNELS {
        let gw = sandbox(&backend).await;
        let (device, token, order) = open_order(&gw).await;
        let order_id = order["id"].as_str().unwrap();
        let attempt = gw.attempt_on(&device, &token, order_id, channel).await;
        assert_eq!(attempt.status, 201, "{channel}: {}", attempt.text());
        let attempt = attempt.json();
        assert_eq!(attempt["channel"], channel);
        let pay_url = attempt["pay_url"].as_str().unwrap();
        assert_eq!(
            pay_url,
            gw.url(&format!(
                "/sandbox/{channel}/cashier/{}",
                attempt["id"].as_str().unwrap()
            ))
        );
        // The QR a phone scans opens the same cashier page.
        assert_eq!(attempt["qr_text"], attempt["pay_url"]);

        // The page a person sees: the channel's own, with the amount and the ticket.
        let page = gw.http.get(pay_url).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        assert!(page.contains(title), "{channel}");
        assert!(page.contains(order["ticket_number"].as_str().unwrap()));
        assert!(page.contains(r#"value="bank_card" checked"#));

        let (status, paid_page) = gw.pay_on_cashier(pay_url).await;
        assert_eq!(status, 200, "{paid_page}");
        assert!(paid_page.contains("支付成功") && paid_page.contains(title));
        let paid = gw.wait_order(&device, &token, order_id, 10).await;
        assert_eq!(paid["status"], "paid", "{channel}");
        assert_eq!(paid["channel"], channel);

        // The notification came signed with this channel's key, through its own route.
        let pool = gw.database().await;
        let (notified, txn): (String, String) = sqlx::query_as(
            "SELECT channel, channel_txn_id FROM channel_notifications WHERE attempt_id = $1",
        )
        .bind(attempt["id"].as_str().unwrap())
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(notified, channel);
        assert_eq!(txn.len(), 24);
        // A second submission of the form takes no more money.
        let (again, _) = gw.pay_on_cashier(pay_url).await;
        assert_eq!(again, 409);
        reconcile(&pool).await;
    }
}

on_every_backend!(should_refuse_the_funding_sources_the_channels_refuse);
async fn should_refuse_the_funding_sources_the_channels_refuse(backend: Backend) {
    let cases: [(&str, &[&str], &str); 4] = [
        (
            "alipay",
            &["huabei", "yuebao"],
            "支付宝支付需要绑定银行卡，花呗、余额宝无法使用。",
        ),
        (
            "wechatpay",
            &["wechat_change"],
            "微信支付需要绑定银行卡，微信零钱无法使用。",
        ),
        (
            "ningxia_wallet",
            &["huabei", "yuebao", "wechat_change"],
            "付款时微信零钱、支付宝的余额、花呗暂无法使用。",
        ),
        (
            "unionpay",
            &["huabei"],
            "该付款方式不可用于缴纳社保费，请使用银行卡。",
        ),
    ];
    for (channel, sources, reason) in cases {
        let gw = sandbox(&backend).await;
        let (device, token, order) = open_order(&gw).await;
        let order_id = order["id"].as_str().unwrap();
        let attempt = gw
            .attempt_on(&device, &token, order_id, channel)
            .await
            .json();
        let pay_url = attempt["pay_url"].as_str().unwrap();
        let page = gw
            .http
            .get(pay_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for source in sources.iter().filter(|_| channel != "unionpay") {
            assert!(
                page.contains(&format!(r#"value="{source}""#)),
                "{channel} offers {source} to try"
            );
        }
        for source in sources {
            let (status, refused) = gw.pay_from(pay_url, source).await;
            assert_eq!(status, 422, "{channel} {source}");
            assert!(refused.contains(reason), "{channel} {source}: {refused}");
        }
        // Nothing was taken: the order still waits and the channel's books have no payment.
        let waiting = gw.wait_order(&device, &token, order_id, 0).await;
        assert_eq!(waiting["status"], "awaiting_payment");
        let pool = gw.database().await;
        let status: String =
            sqlx::query_scalar("SELECT status FROM sandbox_channel_orders WHERE attempt_id = $1")
                .bind(attempt["id"].as_str().unwrap())
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(status, "open");
        // A bank card then pays.
        let (status, _) = gw.pay_from(pay_url, "bank_card").await;
        assert_eq!(status, 200);
        assert_eq!(
            gw.wait_order(&device, &token, order_id, 10).await["status"],
            "paid"
        );
    }
}

on_every_backend!(should_refuse_a_second_deduction_while_one_is_in_flight);
async fn should_refuse_a_second_deduction_while_one_is_in_flight(backend: Backend) {
    let gw = sandbox(&backend).await;
    let (device, token, order) = open_order(&gw).await;
    let order_id = order["id"].as_str().unwrap();

    // Two attempts on two channels at once: one opens, the other is refused.
    let (alipay, wechat) = tokio::join!(
        gw.attempt_on(&device, &token, order_id, "alipay"),
        gw.attempt_on(&device, &token, order_id, "wechatpay"),
    );
    let mut statuses = [alipay.status, wechat.status];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [201, 409],
        "{} / {}",
        alipay.text(),
        wechat.text()
    );
    let refused = if alipay.status == 409 {
        &alipay
    } else {
        &wechat
    };
    assert_eq!(refused.code(), "payment_in_progress");
    let opened = if alipay.status == 201 {
        &alipay
    } else {
        &wechat
    };
    let opened = opened.json();

    // The same channel again resumes the attempt in flight instead.
    let again = gw
        .attempt_on(
            &device,
            &token,
            order_id,
            opened["channel"].as_str().unwrap(),
        )
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["id"], opened["id"]);

    let pool = gw.database().await;
    let attempts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM payment_attempts WHERE order_id = $1")
            .bind(order_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
}

on_every_backend!(should_refuse_a_notification_signed_by_another_channel);
async fn should_refuse_a_notification_signed_by_another_channel(backend: Backend) {
    let gw = sandbox(&backend).await;
    let (device, token, order) = open_order(&gw).await;
    let order_id = order["id"].as_str().unwrap();
    let attempt = gw
        .attempt_on(&device, &token, order_id, "alipay")
        .await
        .json();
    let pool = gw.database().await;
    // Sign with WeChat Pay's key, claim to be Alipay.
    let secret: String = sqlx::query_scalar(
        "SELECT secret_key FROM sandbox_channel_keys WHERE channel = 'wechatpay'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(
        &shebao_core::sign::b64_decode(&secret)
            .unwrap()
            .try_into()
            .unwrap(),
    );
    let body = serde_json::to_vec(&serde_json::json!({
        "attempt_id": attempt["id"],
        "channel_txn_id": "000000000000000000000001",
        "amount": attempt["amount"],
        "paid_at": "2025-06-15T10:00:00+08:00",
    }))
    .unwrap();
    let signature = shebao_core::sign::b64(&ed25519_dalek::Signer::sign(&key, &body).to_bytes());
    for (channel, expected) in [("alipay", 401), ("nochannel", 404)] {
        let response = gw
            .http
            .post(gw.url(&format!("/v1/channels/{channel}/notifications")))
            .header("content-type", "application/json")
            .header("channel-signature", &signature)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), expected, "{channel}");
    }
    let waiting = gw.wait_order(&device, &token, order_id, 0).await;
    assert_eq!(waiting["status"], "awaiting_payment");
}
