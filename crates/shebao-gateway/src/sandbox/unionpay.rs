//! The simulated UnionPay channel: its own key pair and books, a cashier page a person (or a
//! test) pays on, and signed notifications to the gateway over real HTTP, retried.
//!
//! It talks to the rest of the gateway the way a real channel would: the gateway opens an
//! order with it for each attempt, and it reports payments only through
//! `POST /v1/channels/unionpay/notifications`.

use std::time::Duration;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use serde::Deserialize;
use shebao_core::Amount;
use shebao_core::sign;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::GatewayError;
use crate::channels::{PaymentNotification, SIGNATURE_HEADER, sign_body};
use crate::clock::{Clock, china_minutes, rfc3339};
use crate::html::escape;
use crate::ids;
use crate::state::AppState;
use crate::store::{Store, UnionpayOrder, UnionpayOrderStatus};

const CHANNEL: &str = "unionpay";
const MERCHANT: &str = "国家税务总局宁夏回族自治区税务局";
/// The sandbox's test card, pre-filled on the cashier page.
const TEST_CARD: &str = "6222020000000000000";
/// Waits before each delivery try of a notification.
const RETRY_DELAYS_MS: [u64; 6] = [0, 500, 1_000, 2_000, 4_000, 8_000];

/// Creates the channel's key pair on first start: the secret half in the channel's books,
/// the public half among the keys the gateway trusts.
pub async fn ensure_key(store: &Store, now: i64) -> Result<(), GatewayError> {
    if store.sandbox_channel_secret(CHANNEL).await?.is_none() {
        let key = SigningKey::generate(&mut OsRng);
        let created = store
            .insert_sandbox_channel_key(
                CHANNEL,
                &sign::public_key_b64(&key),
                &sign::b64(key.as_bytes()),
                now,
            )
            .await?;
        if created {
            tracing::info!(channel = CHANNEL, "created the sandbox channel key");
        }
    }
    Ok(())
}

/// The channel as the gateway's handlers use it.
#[derive(Clone)]
pub struct UnionpaySandbox {
    store: Store,
    key: SigningKey,
    clock: Clock,
    /// The gateway's origin: cashier links point here, notifications are sent here.
    origin: String,
    http: reqwest::Client,
}

impl UnionpaySandbox {
    pub async fn load(store: &Store, clock: Clock, origin: &str) -> Result<Self, GatewayError> {
        let secret: [u8; 32] = store
            .sandbox_channel_secret(CHANNEL)
            .await?
            .and_then(|text| sign::b64_decode(&text).ok())
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(GatewayError::Key(
                "the sandbox channel key is missing or unusable",
            ))?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            store: store.clone(),
            key: SigningKey::from_bytes(&secret),
            clock,
            origin: origin.to_owned(),
            http,
        })
    }

    /// The cashier page of an attempt; also the QR text.
    pub fn pay_url(&self, attempt_id: &str) -> String {
        format!("{}/sandbox/unionpay/cashier/{attempt_id}", self.origin)
    }

    /// Opens the channel's order for an attempt (a real channel's "prepay" call).
    pub async fn open_order(
        &self,
        attempt_id: &str,
        amount: Amount,
        ticket_number: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let order = UnionpayOrder {
            attempt_id: attempt_id.to_owned(),
            amount,
            ticket_number: ticket_number.to_owned(),
            expires_at,
            status: UnionpayOrderStatus::Open,
        };
        self.store.open_unionpay_order(&order, now).await
    }

    /// Sends the notification until the gateway accepts it or the tries run out.
    async fn notify(self, attempt_id: String, body: Vec<u8>) {
        let signature = sign_body(&self.key, &body);
        let url = format!("{}/v1/channels/unionpay/notifications", self.origin);
        for (attempt, delay) in RETRY_DELAYS_MS.into_iter().enumerate() {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            let sent = self
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, &signature)
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => {
                    if let Err(error) = self
                        .store
                        .mark_unionpay_notified(&attempt_id, self.clock.now())
                        .await
                    {
                        tracing::warn!(%error, "recording the notification delivery failed");
                    }
                    return;
                }
                Ok(response) => {
                    tracing::warn!(%attempt_id, attempt, status = response.status().as_u16(), "notification refused");
                }
                Err(error) => {
                    tracing::warn!(%attempt_id, attempt, %error, "notification not delivered");
                }
            }
        }
        // LIMITATION: with no query job yet, an order whose notifications all failed stays
        // awaiting payment although the channel took the money.
        tracing::error!(%attempt_id, "gave up delivering the payment notification");
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(cashier, pay))
}

/// The cashier form: `source=bank_card&card_number=<12 to 19 digits>`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PayForm {
    source: String,
    card_number: String,
}

#[utoipa::path(
    get,
    path = "/sandbox/unionpay/cashier/{attempt_id}",
    tag = "sandbox",
    summary = "The simulated UnionPay cashier page (sandbox only)",
    params(("attempt_id" = String, Path, description = "`att_...`")),
    responses(
        (status = 200, description = "The cashier form", content_type = "text/html", body = String),
        (status = "4XX", description = "Why the attempt cannot be paid", content_type = "text/html", body = String),
    )
)]
async fn cashier(State(state): State<AppState>, Path(attempt_id): Path<String>) -> Response {
    let Some(channel) = state.unionpay.as_ref() else {
        return refusal(StatusCode::NOT_FOUND, "未找到该支付订单");
    };
    let order = match payable_order(channel, &attempt_id).await {
        Ok(order) => order,
        Err(response) => return response,
    };
    page(StatusCode::OK, &cashier_body(&order))
}

#[utoipa::path(
    post,
    path = "/sandbox/unionpay/cashier/{attempt_id}",
    tag = "sandbox",
    summary = "Pay on the simulated cashier (sandbox only)",
    description = "The channel takes the money and notifies the gateway.",
    params(("attempt_id" = String, Path, description = "`att_...`")),
    request_body(content = PayForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Paid", content_type = "text/html", body = String),
        (status = "4XX", description = "Refused, with the reason", content_type = "text/html", body = String),
        (status = 500, description = "The channel could not record the payment", content_type = "text/html", body = String),
    )
)]
async fn pay(
    State(state): State<AppState>,
    Path(attempt_id): Path<String>,
    form: Result<Form<PayForm>, FormRejection>,
) -> Response {
    let Some(channel) = state.unionpay.as_ref() else {
        return refusal(StatusCode::NOT_FOUND, "未找到该支付订单");
    };
    let order = match payable_order(channel, &attempt_id).await {
        Ok(order) => order,
        Err(response) => return response,
    };
    let Ok(Form(form)) = form else {
        return refusal(
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择付款方式并填写银行卡号。",
        );
    };
    if form.source != "bank_card" {
        return refusal(
            StatusCode::UNPROCESSABLE_ENTITY,
            "该付款方式不可用于缴纳社保费，请使用银行卡。",
        );
    }
    let card: String = form
        .card_number
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !(12..=19).contains(&card.len()) || !card.bytes().all(|b| b.is_ascii_digit()) {
        return refusal(
            StatusCode::UNPROCESSABLE_ENTITY,
            "银行卡号应为 12 到 19 位数字。",
        );
    }

    let now = channel.clock.now();
    let txn_id = ids::random_digits(24);
    let last4 = &card[card.len() - 4..];
    match channel
        .store
        .settle_unionpay_order(&attempt_id, &txn_id, last4, now)
        .await
    {
        Ok(true) => {}
        // Paid or expired in the meantime: show why.
        Ok(false) => {
            return match payable_order(channel, &attempt_id).await {
                Ok(_) => refusal(StatusCode::CONFLICT, "该订单正在处理中，请稍后再试。"),
                Err(response) => response,
            };
        }
        Err(error) => {
            tracing::error!(%error, "sandbox channel could not record the payment");
            return refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "支付系统暂时不可用，请稍后再试。",
            );
        }
    }

    let notification = PaymentNotification {
        attempt_id: attempt_id.clone(),
        channel_txn_id: txn_id.clone(),
        amount: order.amount,
        paid_at: rfc3339(now),
    };
    match serde_json::to_vec(&notification) {
        Ok(body) => {
            tokio::spawn(channel.clone().notify(attempt_id.clone(), body));
        }
        Err(error) => tracing::error!(%error, "payment notification could not be encoded"),
    }
    tracing::info!(%attempt_id, "sandbox channel took a payment");
    page(StatusCode::OK, &paid_body(&order, &txn_id))
}

/// The channel's open, unexpired order for an attempt, or the page that says why not.
async fn payable_order(
    channel: &UnionpaySandbox,
    attempt_id: &str,
) -> Result<UnionpayOrder, Response> {
    let order = match channel.store.unionpay_order(attempt_id).await {
        Ok(Some(order)) => order,
        Ok(None) => {
            return Err(refusal(
                StatusCode::NOT_FOUND,
                "未找到该支付订单，请返回应用重新发起支付。",
            ));
        }
        Err(error) => {
            tracing::error!(%error, "sandbox channel could not read an order");
            return Err(refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "支付系统暂时不可用，请稍后再试。",
            ));
        }
    };
    if order.status == UnionpayOrderStatus::Paid {
        return Err(refusal(
            StatusCode::CONFLICT,
            "该订单已支付，请勿重复付款。请返回社保缴费助手查看缴费结果。",
        ));
    }
    if order.expires_at <= channel.clock.now() {
        return Err(refusal(
            StatusCode::GONE,
            "该支付订单已过期，请返回应用重新发起支付。",
        ));
    }
    Ok(order)
}

fn cashier_body(order: &UnionpayOrder) -> String {
    format!(
        r#"<section class="card">
  <p class="merchant">{merchant}</p>
  <p class="amount">¥{amount}</p>
  <dl>
    <dt>电子税票号码</dt><dd>{ticket}</dd>
    <dt>订单有效期至</dt><dd>{expires}</dd>
  </dl>
</section>
<form method="post" class="card">
  <fieldset>
    <legend>付款方式</legend>
    <label class="option"><input type="radio" name="source" value="bank_card" checked> 银行卡</label>
  </fieldset>
  <label class="field" for="card_number">银行卡号</label>
  <input id="card_number" name="card_number" type="text" inputmode="numeric" autocomplete="off" value="{card}">
  <p class="hint">演示环境已填入测试卡号，不会产生真实扣款。</p>
  <button type="submit">确认支付</button>
</form>"#,
        merchant = MERCHANT,
        amount = order.amount,
        ticket = escape(&order.ticket_number),
        expires = china_minutes(order.expires_at),
        card = TEST_CARD,
    )
}

fn paid_body(order: &UnionpayOrder, txn_id: &str) -> String {
    format!(
        r#"<section class="card result">
  <p class="mark ok" aria-hidden="true">✓</p>
  <h2>支付成功</h2>
  <p class="amount">¥{amount}</p>
  <dl>
    <dt>收款单位</dt><dd>{merchant}</dd>
    <dt>电子税票号码</dt><dd>{ticket}</dd>
    <dt>交易流水号</dt><dd>{txn}</dd>
  </dl>
  <p class="hint">请返回社保缴费助手查看缴费结果。</p>
</section>"#,
        amount = order.amount,
        merchant = MERCHANT,
        ticket = escape(&order.ticket_number),
        txn = escape(txn_id),
    )
}

/// A page that explains why there is nothing to pay; its heading follows the status.
fn refusal(status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "未找到订单",
        StatusCode::GONE => "订单已过期",
        StatusCode::CONFLICT => "无需再次支付",
        StatusCode::INTERNAL_SERVER_ERROR => "系统繁忙",
        _ => "无法支付",
    };
    let body = format!(
        r#"<section class="card result">
  <p class="mark fail" aria-hidden="true">!</p>
  <h2>{heading}</h2>
  <p>{}</p>
</section>"#,
        escape(message)
    );
    page(status, &body)
}

fn page(status: StatusCode, main: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>银联在线支付（演示）</title>
<style>
  * {{ box-sizing: border-box; }}
  body {{ margin: 0; background: #f2f4f7; color: #1f2329; line-height: 1.5;
    font: 16px/1.5 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }}
  header {{ background: #0b5d8f; color: #fff; padding: 14px 16px; }}
  header h1 {{ margin: 0; font-size: 18px; font-weight: 600; }}
  .sandbox {{ background: #fff4e5; color: #8a4b00; font-size: 14px; padding: 8px 16px; }}
  main {{ max-width: 480px; margin: 0 auto; padding: 16px; }}
  .card {{ background: #fff; border-radius: 12px; padding: 16px; margin: 0 0 16px;
    box-shadow: 0 1px 3px rgba(0, 0, 0, .08); }}
  .merchant {{ margin: 0; text-align: center; color: #646a73; font-size: 15px; }}
  .amount {{ margin: 8px 0 16px; text-align: center; font-size: 34px; font-weight: 700; }}
  dl {{ display: grid; grid-template-columns: auto 1fr; gap: 8px 12px; margin: 0; font-size: 15px; }}
  dt {{ color: #646a73; }}
  dd {{ margin: 0; text-align: right; word-break: break-all; }}
  fieldset {{ border: 0; padding: 0; margin: 0 0 16px; }}
  legend, .field {{ display: block; color: #646a73; font-size: 15px; margin-bottom: 8px; }}
  .option {{ display: flex; align-items: center; gap: 8px; padding: 12px; font-size: 17px;
    border: 1px solid #0b5d8f; border-radius: 8px; }}
  .option input {{ width: 20px; height: 20px; margin: 0; }}
  input[type=text] {{ width: 100%; font-size: 19px; padding: 12px; letter-spacing: 1px;
    border: 1px solid #c9cdd4; border-radius: 8px; }}
  .hint {{ color: #646a73; font-size: 14px; margin: 8px 0 16px; }}
  button {{ width: 100%; font-size: 18px; font-weight: 600; padding: 14px; border: 0;
    border-radius: 8px; background: #0b5d8f; color: #fff; }}
  .result {{ text-align: center; }}
  .result h2 {{ margin: 4px 0; font-size: 22px; }}
  .result dl {{ text-align: left; margin-top: 8px; }}
  .mark {{ width: 56px; height: 56px; margin: 8px auto; border-radius: 50%; color: #fff;
    font-size: 32px; line-height: 56px; font-weight: 700; }}
  .ok {{ background: #1a7f37; }}
  .fail {{ background: #c8102e; }}
</style>
</head>
<body>
<header><h1>银联在线支付（演示）</h1></header>
<div class="sandbox">沙箱演示环境：所有交易均为模拟，不会产生真实扣款。</div>
<main>
{main}
</main>
</body>
</html>
"#
    );
    (status, Html(html)).into_response()
}
