//! The simulated payment channels — UnionPay, Alipay, WeChat Pay, 云闪付 and the 我的宁夏
//! wallet — one implementation driven by a table of their differences ([`PROFILES`]). Each
//! has its own key pair and its books (`sandbox_channel_orders`), a cashier page a person (or
//! a test) pays on, and sends signed notifications to the gateway over real HTTP, retried.
//!
//! It talks to the rest of the gateway the way a real channel would: the gateway opens an
//! order with it for each attempt, asks it about an order (query), closes an order and
//! refunds a payment; it reports payments only through
//! `POST /v1/channels/{channel}/notifications`, signed with that channel's key.
//!
//! Faults ([`SandboxFaults`]) make it misbehave the way real channels do: a lost
//! notification, one delivered twice or late, a query that times out, a close that is
//! acknowledged while the cashier still takes the money.

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use ed25519_dalek::SigningKey;
use std::sync::{Arc, Mutex};

use rand::rngs::{OsRng, StdRng};
use rand::{RngCore, SeedableRng};
use serde::Deserialize;
use shebao_core::Amount;
use shebao_core::sign;
use shebao_core::wire::Channel;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::channels::{PaymentNotification, SIGNATURE_HEADER, sign_body};
use crate::clock::{Clock, china_minutes, rfc3339};
use crate::html::escape;
use crate::ids;
use crate::state::AppState;
use crate::store::{SandboxOrder, SandboxOrderStatus, Store};
use crate::{Fault, GatewayError, SandboxFaults};

const MERCHANT: &str = "国家税务总局宁夏回族自治区税务局";
/// The sandbox's test card, pre-filled on the cashier page.
const TEST_CARD: &str = "6222020000000000000";
/// Waits before each delivery try of a notification.
const RETRY_DELAYS_MS: [u64; 6] = [0, 500, 1_000, 2_000, 4_000, 8_000];
/// The funding source every channel takes.
const BANK_CARD: &str = "bank_card";

/// What sets one simulated channel apart from the others.
#[derive(Debug)]
pub struct Profile {
    pub channel: Channel,
    /// The cashier page's heading.
    pub title: &'static str,
    /// The page's colour.
    colour: &'static str,
    /// What the bank-card option is called on this cashier.
    card_label: &'static str,
    /// Funding sources the cashier shows but the channel refuses for social-security fees:
    /// `(form value, label)`.
    refused: &'static [(&'static str, &'static str)],
    /// Why, in the words of the seed guide (宁夏税务 / 我的宁夏 payment steps).
    refusal: &'static str,
}

const HUABEI: (&str, &str) = ("huabei", "花呗");
const YUEBAO: (&str, &str) = ("yuebao", "余额宝");
const WECHAT_CHANGE: (&str, &str) = ("wechat_change", "微信零钱");

/// The five sandbox channels.
pub static PROFILES: [Profile; 5] = [
    Profile {
        channel: Channel::Unionpay,
        title: "银联在线支付",
        colour: "#0b5d8f",
        card_label: "银行卡",
        refused: &[],
        refusal: "该付款方式不可用于缴纳社保费，请使用银行卡。",
    },
    Profile {
        channel: Channel::Alipay,
        title: "支付宝",
        colour: "#1677ff",
        card_label: "绑定的银行卡",
        refused: &[HUABEI, YUEBAO],
        refusal: "支付宝支付需要绑定银行卡，花呗、余额宝无法使用。",
    },
    Profile {
        channel: Channel::Wechatpay,
        title: "微信支付",
        colour: "#07c160",
        card_label: "绑定的银行卡",
        refused: &[WECHAT_CHANGE],
        refusal: "微信支付需要绑定银行卡，微信零钱无法使用。",
    },
    Profile {
        channel: Channel::Quickpass,
        title: "云闪付",
        colour: "#e60012",
        card_label: "银行卡",
        refused: &[],
        refusal: "该付款方式不可用于缴纳社保费，请使用银行卡。",
    },
    Profile {
        channel: Channel::NingxiaWallet,
        title: "我的宁夏·钱包",
        colour: "#b8860b",
        card_label: "我的宁夏·钱包（绑定的银行卡）",
        refused: &[WECHAT_CHANGE, YUEBAO, HUABEI],
        refusal: "付款时微信零钱、支付宝的余额、花呗暂无法使用。",
    },
];

pub fn profile(channel: Channel) -> &'static Profile {
    PROFILES
        .iter()
        .find(|profile| profile.channel == channel)
        .unwrap_or(&PROFILES[0])
}

/// Creates each channel's key pair on first start: the secret half in the channel's books,
/// the public half among the keys the gateway trusts.
pub async fn ensure_keys(store: &Store, now: i64) -> Result<(), GatewayError> {
    for channel in Channel::ALL {
        if store
            .sandbox_channel_secret(channel.as_str())
            .await?
            .is_none()
        {
            let key = SigningKey::generate(&mut OsRng);
            let created = store
                .insert_sandbox_channel_key(
                    channel.as_str(),
                    &sign::public_key_b64(&key),
                    &sign::b64(key.as_bytes()),
                    now,
                )
                .await?;
            if created {
                tracing::info!(
                    channel = channel.as_str(),
                    "created the sandbox channel key"
                );
            }
        }
    }
    Ok(())
}

/// What a channel says about one of its orders when the gateway queries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryAnswer {
    /// The money was taken (and possibly refunded since).
    Paid {
        channel_txn_id: String,
        amount: Amount,
        paid_at: i64,
    },
    /// Still payable.
    Open,
    /// Closed, or expired unpaid: it can no longer be paid.
    Closed,
    /// The channel does not know the order.
    Unknown,
    /// No answer in time.
    TimedOut,
}

/// The simulated channels as the gateway's handlers and jobs use them.
#[derive(Clone)]
pub struct SandboxChannels {
    store: Store,
    keys: HashMap<Channel, SigningKey>,
    clock: Clock,
    /// The gateway's origin: cashier links point here, notifications are sent here.
    origin: String,
    http: reqwest::Client,
    faults: SandboxFaults,
    /// The seeded stream each new order draws from: which faults with a share it shows.
    draws: Arc<Mutex<StdRng>>,
}

impl SandboxChannels {
    pub async fn load(
        store: &Store,
        clock: Clock,
        origin: &str,
        faults: SandboxFaults,
    ) -> Result<Self, GatewayError> {
        let mut keys = HashMap::new();
        for channel in Channel::ALL {
            let secret: [u8; 32] = store
                .sandbox_channel_secret(channel.as_str())
                .await?
                .and_then(|text| sign::b64_decode(&text).ok())
                .and_then(|bytes| bytes.try_into().ok())
                .ok_or(GatewayError::Key(
                    "a sandbox channel key is missing or unusable",
                ))?;
            keys.insert(channel, SigningKey::from_bytes(&secret));
        }
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(10))
            .build()?;
        let seed = faults.seed.unwrap_or_else(|| OsRng.next_u64());
        Ok(Self {
            store: store.clone(),
            keys,
            clock,
            origin: origin.to_owned(),
            http,
            faults,
            draws: Arc::new(Mutex::new(StdRng::seed_from_u64(seed))),
        })
    }

    /// Whether `fault` applies to the channel order of `attempt_id` (the fault is on, and the
    /// order's draw puts it among the fault's share).
    async fn faulty(&self, fault: Fault, attempt_id: &str) -> Result<bool, sqlx::Error> {
        let on = match fault {
            Fault::LoseNotifications => self.faults.lose_notifications,
            Fault::DuplicateNotifications => self.faults.duplicate_notifications,
            Fault::LateNotification => self.faults.late_notification_ms > 0,
            Fault::QueryTimeouts => self.faults.query_timeouts > 0,
            Fault::PayAfterVoid => self.faults.pay_after_void,
        };
        if !on {
            return Ok(false);
        }
        let draw = self
            .store
            .sandbox_order(attempt_id)
            .await?
            .map_or(0, |order| order.fault_draw);
        Ok(self.faults.applies(fault, draw))
    }

    /// The cashier page of an attempt, for paying in a browser on this device.
    pub fn pay_url(&self, channel: Channel, attempt_id: &str) -> String {
        format!(
            "{}/sandbox/{}/cashier/{attempt_id}",
            self.origin,
            channel.as_str()
        )
    }

    /// The QR payload a phone scans. Like the QR codes of real channels it is an https(-like)
    /// link that both the channel's app and a phone's browser open: here the cashier page.
    pub fn qr_text(&self, channel: Channel, attempt_id: &str) -> String {
        self.pay_url(channel, attempt_id)
    }

    /// Opens the channel's order for an attempt (a real channel's "prepay" call).
    pub async fn open_order(
        &self,
        channel: Channel,
        attempt_id: &str,
        amount: Amount,
        ticket_number: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let order = SandboxOrder {
            attempt_id: attempt_id.to_owned(),
            channel,
            amount,
            ticket_number: ticket_number.to_owned(),
            expires_at,
            status: SandboxOrderStatus::Open,
            channel_txn_id: None,
            paid_at: None,
            closed_at: None,
            fault_draw: self.draws.lock().map_or_else(
                |poisoned| poisoned.into_inner().next_u64(),
                |mut rng| rng.next_u64(),
            ),
        };
        self.store.open_sandbox_order(&order, now).await
    }

    /// The channel's query API: what became of the order of `attempt_id`. With the
    /// `query_timeouts` fault the first queries of each order time out.
    pub async fn query(&self, attempt_id: &str) -> Result<QueryAnswer, sqlx::Error> {
        let asked = self.store.count_sandbox_query(attempt_id).await?;
        if asked == 0 {
            return Ok(QueryAnswer::Unknown);
        }
        if asked <= i64::from(self.faults.query_timeouts)
            && self.faulty(Fault::QueryTimeouts, attempt_id).await?
        {
            tracing::info!(%attempt_id, "sandbox fault: the channel query times out");
            return Ok(QueryAnswer::TimedOut);
        }
        let Some(order) = self.store.sandbox_order(attempt_id).await? else {
            return Ok(QueryAnswer::Unknown);
        };
        Ok(match (order.status, order.channel_txn_id, order.paid_at) {
            (SandboxOrderStatus::Paid | SandboxOrderStatus::Refunded, Some(txn), Some(at)) => {
                QueryAnswer::Paid {
                    channel_txn_id: txn,
                    amount: order.amount,
                    paid_at: at,
                }
            }
            (SandboxOrderStatus::Open, ..)
                if order.closed_at.is_none() && order.expires_at > self.clock.now() =>
            {
                QueryAnswer::Open
            }
            _ => QueryAnswer::Closed,
        })
    }

    /// The channel's close API: an open order can no longer be paid. With the
    /// `pay_after_void` fault the close is acknowledged but the cashier still takes money.
    pub async fn close(&self, attempt_id: &str) -> Result<(), sqlx::Error> {
        let keep_payable = self.faulty(Fault::PayAfterVoid, attempt_id).await?;
        if keep_payable {
            tracing::info!(%attempt_id, "sandbox fault: the close is acknowledged, not done");
        }
        self.store
            .close_sandbox_order(attempt_id, keep_payable, self.clock.now())
            .await
    }

    /// The channel's refund API: gives a payment's money back; answers the refund id (the
    /// same one when asked again), `None` when the order was never paid.
    pub async fn refund(&self, attempt_id: &str) -> Result<Option<String>, sqlx::Error> {
        let refund_id = ids::random_digits(24);
        self.store
            .refund_sandbox_order(attempt_id, &refund_id, self.clock.now())
            .await
    }

    /// Sends the notification until the gateway accepts it or the tries run out; the faults
    /// may delay it, send it twice or lose it.
    async fn notify(self, channel: Channel, attempt_id: String, body: Vec<u8>) {
        let faulty = |fault| self.faulty(fault, &attempt_id);
        let (lose, late, twice) = match tokio::try_join!(
            faulty(Fault::LoseNotifications),
            faulty(Fault::LateNotification),
            faulty(Fault::DuplicateNotifications),
        ) {
            Ok(faults) => faults,
            Err(error) => {
                tracing::error!(%error, "the sandbox channel could not read its order");
                return;
            }
        };
        if lose {
            tracing::info!(%attempt_id, "sandbox fault: the payment notification is lost");
            return;
        }
        if late {
            tokio::time::sleep(Duration::from_millis(self.faults.late_notification_ms)).await;
        }
        let copies = if twice { 2 } else { 1 };
        for _ in 0..copies {
            if !self.deliver(channel, &attempt_id, &body).await {
                tracing::error!(%attempt_id, "gave up delivering the payment notification");
                return;
            }
        }
    }

    /// One notification, retried; whether the gateway accepted it.
    async fn deliver(&self, channel: Channel, attempt_id: &str, body: &[u8]) -> bool {
        let Some(key) = self.keys.get(&channel) else {
            return false;
        };
        let signature = sign_body(key, body);
        let url = format!(
            "{}/v1/channels/{}/notifications",
            self.origin,
            channel.as_str()
        );
        for (attempt, delay) in RETRY_DELAYS_MS.into_iter().enumerate() {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            let sent = self
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, &signature)
                .body(body.to_vec())
                .send()
                .await;
            match sent {
                Ok(response) if response.status().is_success() => {
                    if let Err(error) = self
                        .store
                        .mark_sandbox_notified(attempt_id, self.clock.now())
                        .await
                    {
                        tracing::warn!(%error, "recording the notification delivery failed");
                    }
                    return true;
                }
                Ok(response) => {
                    tracing::warn!(%attempt_id, attempt, status = response.status().as_u16(), "notification refused");
                }
                Err(error) => {
                    tracing::warn!(%attempt_id, attempt, %error, "notification not delivered");
                }
            }
        }
        // The gateway's recovery job finds the payment by querying the channel.
        false
    }
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(cashier, pay))
}

/// The cashier form: `source=bank_card&card_number=<12 to 19 digits>`, or a source the
/// channel refuses (`huabei`, `yuebao`, `wechat_change`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PayForm {
    source: String,
    #[serde(default)]
    card_number: String,
}

/// The channel a cashier path names, with the simulated channels.
fn channel_of<'a>(
    state: &'a AppState,
    channel: &str,
) -> Option<(&'a SandboxChannels, &'static Profile)> {
    Some((state.channels.as_ref()?, profile(Channel::parse(channel)?)))
}

fn no_such_channel() -> Response {
    refusal(&PROFILES[0], StatusCode::NOT_FOUND, "未找到该支付订单")
}

#[utoipa::path(
    get,
    path = "/sandbox/{channel}/cashier/{attempt_id}",
    tag = "sandbox",
    summary = "A simulated channel's cashier page (sandbox only)",
    params(
        ("channel" = Channel, Path, description = "The channel of the attempt"),
        ("attempt_id" = String, Path, description = "`att_...`"),
    ),
    responses(
        (status = 200, description = "The cashier form", content_type = "text/html", body = String),
        (status = "4XX", description = "Why the attempt cannot be paid", content_type = "text/html", body = String),
    )
)]
async fn cashier(
    State(state): State<AppState>,
    Path((channel, attempt_id)): Path<(String, String)>,
) -> Response {
    let Some((channels, profile)) = channel_of(&state, &channel) else {
        return no_such_channel();
    };
    let order = match payable_order(channels, profile, &attempt_id).await {
        Ok(order) => order,
        Err(response) => return response,
    };
    page(profile, StatusCode::OK, &cashier_body(profile, &order))
}

#[utoipa::path(
    post,
    path = "/sandbox/{channel}/cashier/{attempt_id}",
    tag = "sandbox",
    summary = "Pay on a simulated cashier (sandbox only)",
    description = "The channel takes the money from a bank card and notifies the gateway; 花呗, 余额宝 and 微信零钱 are refused with the reason the seed guide gives.",
    params(
        ("channel" = Channel, Path, description = "The channel of the attempt"),
        ("attempt_id" = String, Path, description = "`att_...`"),
    ),
    request_body(content = PayForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Paid", content_type = "text/html", body = String),
        (status = "4XX", description = "Refused, with the reason", content_type = "text/html", body = String),
        (status = 500, description = "The channel could not record the payment", content_type = "text/html", body = String),
    )
)]
async fn pay(
    State(state): State<AppState>,
    Path((channel, attempt_id)): Path<(String, String)>,
    form: Result<Form<PayForm>, FormRejection>,
) -> Response {
    let Some((channels, profile)) = channel_of(&state, &channel) else {
        return no_such_channel();
    };
    let order = match payable_order(channels, profile, &attempt_id).await {
        Ok(order) => order,
        Err(response) => return response,
    };
    let Ok(Form(form)) = form else {
        return refusal(
            profile,
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择付款方式并填写银行卡号。",
        );
    };
    if form.source != BANK_CARD {
        return refusal(profile, StatusCode::UNPROCESSABLE_ENTITY, profile.refusal);
    }
    let card: String = form
        .card_number
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if !(12..=19).contains(&card.len()) || !card.bytes().all(|b| b.is_ascii_digit()) {
        return refusal(
            profile,
            StatusCode::UNPROCESSABLE_ENTITY,
            "银行卡号应为 12 到 19 位数字。",
        );
    }

    let now = channels.clock.now();
    let txn_id = ids::random_digits(24);
    let last4 = &card[card.len() - 4..];
    match channels
        .store
        .settle_sandbox_order(&attempt_id, &txn_id, BANK_CARD, last4, now)
        .await
    {
        Ok(true) => {}
        // Paid or expired in the meantime: show why.
        Ok(false) => {
            return match payable_order(channels, profile, &attempt_id).await {
                Ok(_) => refusal(
                    profile,
                    StatusCode::CONFLICT,
                    "该订单正在处理中，请稍后再试。",
                ),
                Err(response) => response,
            };
        }
        Err(error) => {
            tracing::error!(%error, "sandbox channel could not record the payment");
            return refusal(
                profile,
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
            tokio::spawn(
                channels
                    .clone()
                    .notify(profile.channel, attempt_id.clone(), body),
            );
        }
        Err(error) => tracing::error!(%error, "payment notification could not be encoded"),
    }
    tracing::info!(%attempt_id, channel = profile.channel.as_str(), "sandbox channel took a payment");
    page(
        profile,
        StatusCode::OK,
        &paid_body(profile, &order, &txn_id),
    )
}

/// The channel's open, unexpired order for an attempt, or the page that says why not.
async fn payable_order(
    channels: &SandboxChannels,
    profile: &Profile,
    attempt_id: &str,
) -> Result<SandboxOrder, Response> {
    let order = match channels.store.sandbox_order(attempt_id).await {
        Ok(Some(order)) if order.channel == profile.channel => order,
        Ok(_) => {
            return Err(refusal(
                profile,
                StatusCode::NOT_FOUND,
                "未找到该支付订单，请返回应用重新发起支付。",
            ));
        }
        Err(error) => {
            tracing::error!(%error, "sandbox channel could not read an order");
            return Err(refusal(
                profile,
                StatusCode::INTERNAL_SERVER_ERROR,
                "支付系统暂时不可用，请稍后再试。",
            ));
        }
    };
    match order.status {
        SandboxOrderStatus::Paid | SandboxOrderStatus::Refunded => {
            return Err(refusal(
                profile,
                StatusCode::CONFLICT,
                "该订单已支付，请勿重复付款。请返回社保缴费助手查看缴费结果。",
            ));
        }
        SandboxOrderStatus::Closed => {
            return Err(refusal(
                profile,
                StatusCode::GONE,
                "该支付订单已关闭，请返回应用重新发起支付。",
            ));
        }
        SandboxOrderStatus::Open => {}
    }
    if order.expires_at <= channels.clock.now() {
        return Err(refusal(
            profile,
            StatusCode::GONE,
            "该支付订单已过期，请返回应用重新发起支付。",
        ));
    }
    Ok(order)
}

fn cashier_body(profile: &Profile, order: &SandboxOrder) -> String {
    let refused: String = profile
        .refused
        .iter()
        .map(|(value, label)| {
            format!(
                r#"
    <label class="option"><input type="radio" name="source" value="{value}"> {label}</label>"#
            )
        })
        .collect();
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
    <label class="option"><input type="radio" name="source" value="{BANK_CARD}" checked> {card_label}</label>{refused}
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
        card_label = profile.card_label,
        card = TEST_CARD,
    )
}

fn paid_body(profile: &Profile, order: &SandboxOrder, txn_id: &str) -> String {
    format!(
        r#"<section class="card result">
  <p class="mark ok" aria-hidden="true">✓</p>
  <h2>支付成功</h2>
  <p class="amount">¥{amount}</p>
  <dl>
    <dt>支付渠道</dt><dd>{title}</dd>
    <dt>收款单位</dt><dd>{merchant}</dd>
    <dt>电子税票号码</dt><dd>{ticket}</dd>
    <dt>交易流水号</dt><dd>{txn}</dd>
  </dl>
  <p class="hint">请返回社保缴费助手查看缴费结果。</p>
</section>"#,
        amount = order.amount,
        title = profile.title,
        merchant = MERCHANT,
        ticket = escape(&order.ticket_number),
        txn = escape(txn_id),
    )
}

/// A page that explains why there is nothing to pay; its heading follows the status.
fn refusal(profile: &Profile, status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "未找到订单",
        StatusCode::GONE => "订单已失效",
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
    page(profile, status, &body)
}

fn page(profile: &Profile, status: StatusCode, main: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}（演示）</title>
<style>
  * {{ box-sizing: border-box; }}
  body {{ margin: 0; background: #f2f4f7; color: #1f2329; line-height: 1.5;
    font: 16px/1.5 -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }}
  header {{ background: {colour}; color: #fff; padding: 14px 16px; }}
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
    border: 1px solid #c9cdd4; border-radius: 8px; margin-bottom: 8px; }}
  .option input {{ width: 20px; height: 20px; margin: 0; }}
  input[type=text] {{ width: 100%; font-size: 19px; padding: 12px; letter-spacing: 1px;
    border: 1px solid #c9cdd4; border-radius: 8px; }}
  .hint {{ color: #646a73; font-size: 14px; margin: 8px 0 16px; }}
  button {{ width: 100%; font-size: 18px; font-weight: 600; padding: 14px; border: 0;
    border-radius: 8px; background: {colour}; color: #fff; }}
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
<header><h1>{title}（演示）</h1></header>
<div class="sandbox">沙箱演示环境：所有交易均为模拟，不会产生真实扣款。</div>
<main>
{main}
</main>
</body>
</html>
"#,
        title = profile.title,
        colour = profile.colour,
    );
    (status, Html(html)).into_response()
}
