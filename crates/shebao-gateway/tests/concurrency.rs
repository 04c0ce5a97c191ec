//! Many payers at once against channels that misbehave in every way the sandbox knows: clients
//! pay on the cashier forms, retry requests under the same idempotency key, and void tickets,
//! all concurrently, with every fault on for a share of the channel orders; then recovery passes
//! run until nothing changes, and the books must add up.
//!
//! Everything random is drawn from fixed seeds (the clients' choices, and which channel orders a
//! fault applies to); the interleaving of the tasks is up to the scheduler.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use shebao_gateway::{FaultShares, GatewayConfig, SandboxFaults};
use sqlx::AnyPool;
use support::{
    Answer, Backend, CHEN_JIAXIN, Call, Device, MA_FUHAI, MA_XIAOYAN, TestDatabase, TestGateway,
    WANG_JIANGUO, on_every_backend,
};

/// The seed of the clients' choices and of the faults' draw.
const SEED: u64 = 20_250_615;
/// Clients per payer: a person with a phone and a tablet and an impatient relative.
const CLIENTS_PER_PAYER: usize = 3;
/// Steps each client takes.
const STEPS: usize = 24;
const CHANNELS: [&str; 5] = [
    "unionpay",
    "alipay",
    "wechatpay",
    "quickpass",
    "ningxia_wallet",
];
/// Payers and the document type each confirms with.
const PAYERS: [((&str, &str), &str); 4] = [
    (MA_XIAOYAN, "resident_id_card"),
    (WANG_JIANGUO, "resident_id_card"),
    (MA_FUHAI, "resident_id_card"),
    (CHEN_JIAXIN, "residence_permit_hmt"),
];
/// How late a late notification comes.
const LATE_MS: u64 = 700;

fn faults() -> SandboxFaults {
    SandboxFaults {
        lose_notifications: true,
        duplicate_notifications: true,
        late_notification_ms: LATE_MS,
        query_timeouts: 2,
        pay_after_void: true,
        share: FaultShares {
            lose_notifications: 35,
            duplicate_notifications: 50,
            late_notification: 60,
            query_timeouts: 40,
            pay_after_void: 80,
        },
        seed: Some(SEED),
    }
}

on_every_backend!(
    should_keep_the_books_straight_under_concurrent_payments_and_faults,
    multi_thread
);
async fn should_keep_the_books_straight_under_concurrent_payments_and_faults(backend: Backend) {
    run(backend).await;
}

/// A POST a client made, to send again under the same key.
struct Sent {
    target: String,
    body: Value,
    key: String,
    answer: Answer,
}

/// One client of a payer: its own device and identity token, what it has seen.
struct Client {
    gw: Arc<TestGateway>,
    device: Device,
    token: String,
    declaration_id: String,
    rng: StdRng,
    order_id: Option<String>,
    /// Every cashier link it was given.
    pay_urls: Vec<String>,
    sent: Vec<Sent>,
    answers: Vec<(String, u16, String)>,
}

impl Client {
    async fn post(&mut self, target: String, body: Value) -> Answer {
        let key = uuid::Uuid::new_v4().to_string();
        let answer = self
            .gw
            .call(
                &self.device,
                Call::post(&target, &body).key(&key).token(&self.token),
            )
            .await;
        assert!(answer.status < 500, "{target}: {}", answer.text());
        self.answers
            .push((target.clone(), answer.status, answer.code()));
        // An answer that says "later" is not stored: a retry under its key runs afresh, so
        // only stored answers are retried and compared.
        let later = answer.status == 429
            || answer.headers.contains_key("retry-after")
            || answer.code() == "payment_in_progress";
        if !later {
            self.sent.push(Sent {
                target,
                body,
                key,
                answer: answer.clone(),
            });
        }
        answer
    }

    /// The declaration's open order, from the declaration.
    async fn find_open_order(&mut self) {
        let target = format!("/v1/declarations/{}", self.declaration_id);
        let answer = self
            .gw
            .call(&self.device, Call::get(&target).token(&self.token))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        self.order_id = answer.json()["open_order_id"].as_str().map(str::to_owned);
    }

    async fn order(&mut self) {
        let answer = self
            .post(
                "/v1/payment-orders".to_owned(),
                json!({"declaration_id": self.declaration_id}),
            )
            .await;
        match (answer.status, answer.code().as_str()) {
            (201, _) => self.order_id = Some(answer.json()["id"].as_str().unwrap().to_owned()),
            (409, "payment_in_progress") => self.find_open_order().await,
            (409, "declaration_not_payable") => self.order_id = None,
            other => panic!("order: {other:?} {}", answer.text()),
        }
    }

    async fn attempt(&mut self) {
        let Some(order_id) = self.order_id.clone() else {
            return self.order().await;
        };
        let channel = CHANNELS[self.rng.gen_range(0..CHANNELS.len())];
        let answer = self
            .post(
                format!("/v1/payment-orders/{order_id}/attempts"),
                json!({"channel": channel}),
            )
            .await;
        match (answer.status, answer.code().as_str()) {
            (200 | 201, _) => {
                let attempt = answer.json();
                assert_eq!(attempt["channel"], channel);
                self.pay_urls
                    .push(attempt["pay_url"].as_str().unwrap().to_owned());
            }
            (409, "payment_in_progress") => {}
            (409, "declaration_not_payable") => self.order_id = None,
            other => panic!("attempt: {other:?} {}", answer.text()),
        }
    }

    /// Pays on a cashier link it was given: mostly the newest, sometimes an old one.
    async fn pay(&mut self) {
        if self.pay_urls.is_empty() {
            return self.attempt().await;
        }
        let index = if self.rng.gen_bool(0.5) {
            self.pay_urls.len() - 1
        } else {
            self.rng.gen_range(0..self.pay_urls.len())
        };
        let url = self.pay_urls[index].clone();
        let (status, page) = self.gw.pay_on_cashier(&url).await;
        // Paid, already paid or in progress, closed or expired.
        assert!(
            matches!(status, 200 | 409 | 410),
            "cashier answered {status}: {page}"
        );
        self.answers
            .push(("cashier".to_owned(), status, String::new()));
    }

    async fn void(&mut self) {
        let Some(order_id) = self.order_id.clone() else {
            return self.find_open_order().await;
        };
        let answer = self
            .post(format!("/v1/payment-orders/{order_id}/void"), json!({}))
            .await;
        match (answer.status, answer.code().as_str()) {
            (200, _) => {
                let status = answer.json()["status"].as_str().unwrap().to_owned();
                assert!(matches!(status.as_str(), "voided" | "paid"), "{status}");
                self.order_id = None;
            }
            // The channel did not confirm the close (yet).
            (409, "payment_in_progress") => {}
            (409, "declaration_not_payable") => self.order_id = None,
            other => panic!("void: {other:?} {}", answer.text()),
        }
    }

    /// Sends one of its earlier requests again under the same key: the same answer comes back
    /// and nothing happens twice.
    async fn retry(&mut self) {
        if self.sent.is_empty() {
            return;
        }
        let index = if self.rng.gen_bool(0.6) {
            self.sent.len() - 1
        } else {
            self.rng.gen_range(0..self.sent.len())
        };
        let sent = &self.sent[index];
        let again = self
            .gw
            .call(
                &self.device,
                Call::post(&sent.target, &sent.body)
                    .key(&sent.key)
                    .token(&self.token),
            )
            .await;
        assert_eq!(
            (again.status, again.json()),
            (sent.answer.status, sent.answer.json()),
            "a retry of {} under its key",
            sent.target
        );
        self.answers
            .push(("retry".to_owned(), again.status, String::new()));
    }

    /// One step. Early on a client hesitates (opens orders and attempts, voids tickets, pays
    /// now and then and voids at once as if the payment had failed); later it pays.
    async fn step(&mut self, step: usize) {
        let hesitant = step < STEPS * 3 / 5;
        let (pay_share, void_after_pay) = if hesitant { (15, 0.6) } else { (35, 0.2) };
        let roll = self.rng.gen_range(0..100);
        if roll < pay_share {
            self.pay().await;
            // The payment is still landing when the ticket is voided.
            if self.rng.gen_bool(void_after_pay) {
                self.void().await;
            }
        } else if roll < pay_share + 15 {
            self.order().await;
        } else if roll < pay_share + 40 {
            self.attempt().await;
        } else if roll < pay_share + 60 {
            self.void().await;
        } else {
            self.retry().await;
        }
        let pause = self.rng.gen_range(0..25);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

async fn client(
    gw: Arc<TestGateway>,
    payer: usize,
    number: usize,
    declaration_id: String,
) -> Vec<(String, u16, String)> {
    let ((name, id_number), id_type) = PAYERS[payer];
    let device = gw.enroll().await;
    let confirmed = gw
        .confirm_document_call(&device, name, id_type, id_number)
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let token = confirmed.json()["identity_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut client = Client {
        gw,
        device,
        token,
        declaration_id,
        rng: StdRng::seed_from_u64(SEED + (payer * CLIENTS_PER_PAYER + number) as u64),
        order_id: None,
        pay_urls: Vec::new(),
        sent: Vec::new(),
        answers: Vec::new(),
    };
    for step in 0..STEPS {
        client.step(step).await;
    }
    client.answers
}

async fn run(backend: Backend) {
    let started = Instant::now();
    let db = TestDatabase::new(&backend).await;
    let config = GatewayConfig {
        sandbox_faults: faults(),
        ..support::config(&db, true, Some(support::sandbox_date()))
    };
    let gw = Arc::new(support::launch_with(db, config).await);

    // Each payer declares their payables once.
    let mut declarations = Vec::new();
    for ((name, id_number), id_type) in PAYERS {
        let device = gw.enroll().await;
        let confirmed = gw
            .confirm_document_call(&device, name, id_type, id_number)
            .await;
        assert_eq!(confirmed.status, 200, "{}", confirmed.text());
        let token = confirmed.json()["identity_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let declaration = gw.declare_all(&device, &token).await;
        declarations.push(declaration["id"].as_str().unwrap().to_owned());
    }

    // The clients, and the recovery job's passes beside them.
    let mut clients = tokio::task::JoinSet::new();
    for (payer, declaration_id) in declarations.iter().enumerate() {
        for number in 0..CLIENTS_PER_PAYER {
            clients.spawn(client(gw.clone(), payer, number, declaration_id.clone()));
        }
    }
    let recovering = {
        let gw = gw.clone();
        // Like the background job, a pass that fails (SQLite busy under this load) is logged
        // and the next one tries again; the final passes below must not fail.
        tokio::spawn(async move {
            loop {
                if let Err(error) = gw.try_recover().await {
                    eprintln!("a recovery pass beside the clients failed: {error}");
                }
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        })
    };
    let mut answers = Vec::new();
    while let Some(done) = clients.join_next().await {
        answers.extend(done.unwrap());
    }
    recovering.abort();
    let _ = recovering.await;
    let clients_done = started.elapsed();

    // Late and retried notifications land; then recovery passes until one changes nothing.
    tokio::time::sleep(Duration::from_millis(LATE_MS + 800)).await;
    let mut passes = 0;
    loop {
        passes += 1;
        assert!(passes <= 12, "recovery does not settle");
        let report = gw.recover().await;
        let changed =
            report.paid + report.duplicates + report.ended + report.unanswered + report.refunded
                > 0;
        if !changed {
            break;
        }
    }

    let pool = gw.database().await;
    let metrics = gw
        .http
        .get(gw.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let fired = faults_fired(&pool, &metrics).await;

    let count = |what: &str| {
        answers
            .iter()
            .filter(|(target, ..)| target.ends_with(what))
            .count()
    };
    let orders: i64 = scalar(&pool, "SELECT COUNT(*) FROM payment_orders").await;
    let attempts: i64 = scalar(&pool, "SELECT COUNT(*) FROM payment_attempts").await;
    let taken: i64 = scalar(
        &pool,
        "SELECT COUNT(*) FROM sandbox_channel_orders WHERE channel_txn_id IS NOT NULL",
    )
    .await;
    let backend = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres(_) => "PostgreSQL",
    };
    eprintln!(
        "{backend}: {} clients, {} requests ({} orders, {} attempts, {} cashier, {} voids, {} retries); \
         {orders} orders, {attempts} attempts, {taken} channel payments; {passes} final recovery passes; \
         faults fired: {fired:?}; clients {clients_done:?}, all {:?}",
        PAYERS.len() * CLIENTS_PER_PAYER,
        answers.len(),
        count("/v1/payment-orders"),
        count("/attempts"),
        count("cashier"),
        count("/void"),
        count("retry"),
        started.elapsed(),
    );
    for (fault, times) in &fired {
        assert!(*times > 0, "the fault {fault} never fired: {fired:?}");
    }
    books_add_up(&pool, &declarations).await;
    events_explain_every_status(&pool).await;
    support::reconcile(&pool).await;
}

async fn scalar(pool: &AnyPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// One metric's value, 0 when it was never counted.
fn metric(metrics: &str, series: &str) -> i64 {
    metrics
        .lines()
        .filter_map(|line| line.strip_prefix(series))
        .filter_map(|value| value.trim().parse::<f64>().ok())
        .map(|value| value as i64)
        .sum()
}

/// How often each fault showed, from what the gateway recorded; each must have shown.
async fn faults_fired(pool: &AnyPool, metrics: &str) -> HashMap<&'static str, i64> {
    let mut fired = HashMap::new();
    // A payment no notification ever reported: only a query found it.
    fired.insert(
        "lose_notifications",
        scalar(
            pool,
            "SELECT COUNT(*) FROM channel_notifications WHERE found_by = 'query' AND deliveries = 0",
        )
        .await,
    );
    // A payment notified more than once; the metric counts the copies it recognised.
    fired.insert(
        "duplicate_notifications",
        scalar(
            pool,
            "SELECT COUNT(*) FROM channel_notifications WHERE deliveries >= 2",
        )
        .await,
    );
    let recognised: i64 = ["unionpay", "alipay", "wechatpay", "quickpass", "ningxia_wallet"]
        .iter()
        .map(|channel| {
            metric(
                metrics,
                &format!(
                    r#"shebao_payment_notifications_total{{channel="{channel}",outcome="already_recorded"}}"#
                ),
            )
        })
        .sum();
    assert!(
        recognised >= fired["duplicate_notifications"],
        "{recognised} copies recognised"
    );
    // A notification that came after a query had found the payment.
    fired.insert(
        "late_notification",
        scalar(
            pool,
            "SELECT COUNT(*) FROM channel_notifications WHERE found_by = 'query' AND deliveries >= 1",
        )
        .await,
    );
    // A query without an answer: the attempt became unknown.
    fired.insert(
        "query_timeouts",
        scalar(
            pool,
            "SELECT COUNT(*) FROM events WHERE entity = 'payment_attempt' AND to_status = 'unknown'",
        )
        .await,
    );
    // A payment on an attempt whose close the channel had confirmed.
    fired.insert(
        "pay_after_void",
        scalar(
            pool,
            "SELECT COUNT(*) FROM events WHERE entity = 'payment_attempt' \
             AND from_status = 'closed' AND to_status = 'succeeded'",
        )
        .await,
    );
    fired
}

/// Each declaration paid at most once, every extra payment refunded, every payment a channel
/// took either its order's payment or refunded.
async fn books_add_up(pool: &AnyPool, declarations: &[String]) {
    for declaration_id in declarations {
        let status: String = sqlx::query_scalar("SELECT status FROM declarations WHERE id = $1")
            .bind(declaration_id)
            .fetch_one(pool)
            .await
            .unwrap();
        let paid_orders: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM payment_orders WHERE declaration_id = $1 AND status = 'paid'",
        )
        .bind(declaration_id)
        .fetch_all(pool)
        .await
        .unwrap();
        let kept: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM payment_attempts a JOIN payment_orders o ON o.id = a.order_id \
             WHERE o.declaration_id = $1 AND a.status = 'succeeded'",
        )
        .bind(declaration_id)
        .fetch_one(pool)
        .await
        .unwrap();
        assert!(paid_orders.len() <= 1, "{declaration_id} paid twice");
        assert!(kept <= 1, "{declaration_id}: {kept} payments kept");
        assert_eq!(
            status == "paid",
            paid_orders.len() == 1 && kept == 1,
            "{declaration_id} is {status}"
        );
        if status == "paid" {
            let payables: Vec<String> = sqlx::query_scalar(
                "SELECT p.status FROM payables p JOIN declaration_lines l \
                 ON l.payable_id = p.id WHERE l.declaration_id = $1",
            )
            .bind(declaration_id)
            .fetch_all(pool)
            .await
            .unwrap();
            assert!(
                payables.iter().all(|status| status == "paid"),
                "{payables:?}"
            );
        }
    }

    // Every payment a channel took.
    type Taken = (String, String, String, String, String, i64, Option<String>);
    let taken: Vec<Taken> = sqlx::query_as(
        "SELECT c.attempt_id, c.status, a.status, o.status, o.id, a.duplicate, o.channel \
         FROM sandbox_channel_orders c JOIN payment_attempts a ON a.id = c.attempt_id \
         JOIN payment_orders o ON o.id = a.order_id WHERE c.channel_txn_id IS NOT NULL",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(!taken.is_empty());
    let mut paying = HashSet::new();
    for (attempt_id, on_channel, attempt, order, order_id, duplicate, _) in &taken {
        match (on_channel.as_str(), attempt.as_str()) {
            // The order's payment.
            ("paid", "succeeded") => {
                assert_eq!(*duplicate, 0, "{attempt_id}");
                assert_eq!(order, "paid", "{attempt_id} paid {order_id}");
                assert!(paying.insert(order_id.clone()), "{order_id} kept twice");
            }
            // Given back.
            ("refunded", "refunded") => {
                assert_eq!(*duplicate, 1, "{attempt_id} refunded without being extra")
            }
            other => panic!("the payment of {attempt_id} is lost: {other:?} ({order})"),
        }
    }
    let paid_orders: i64 = scalar(
        pool,
        "SELECT COUNT(*) FROM payment_orders WHERE status = 'paid'",
    )
    .await;
    assert_eq!(paid_orders as usize, paying.len());
    let extra: i64 = scalar(
        pool,
        "SELECT COUNT(*) FROM payment_attempts WHERE duplicate = 1 AND status <> 'refunded'",
    )
    .await;
    assert_eq!(extra, 0, "an extra payment was not refunded");
}

/// The transitions the code makes, per entity (`None`: the row's creation).
fn allowed(entity: &str) -> HashSet<(Option<&'static str>, &'static str)> {
    let pairs: &[(Option<&'static str>, &'static str)] = match entity {
        "payment_order" => &[
            (None, "created"),
            (Some("created"), "awaiting_payment"),
            (Some("awaiting_payment"), "unknown"),
            (Some("unknown"), "awaiting_payment"),
            (Some("awaiting_payment"), "paid"),
            (Some("unknown"), "paid"),
            (Some("created"), "voided"),
            (Some("awaiting_payment"), "voided"),
            (Some("unknown"), "voided"),
            (Some("paid"), "refunded"),
        ],
        "payment_attempt" => &[
            (None, "pending"),
            (Some("pending"), "unknown"),
            (Some("unknown"), "pending"),
            (Some("pending"), "closed"),
            (Some("unknown"), "closed"),
            (Some("pending"), "expired"),
            (Some("unknown"), "expired"),
            (Some("pending"), "succeeded"),
            (Some("unknown"), "succeeded"),
            (Some("closed"), "succeeded"),
            (Some("expired"), "succeeded"),
            (Some("succeeded"), "succeeded"),
            (Some("succeeded"), "refund_pending"),
            (Some("refund_pending"), "refunded"),
        ],
        _ => &[
            (None, "declared"),
            (Some("declared"), "paid"),
            (Some("declared"), "voided"),
        ],
    };
    pairs.iter().copied().collect()
}

/// Replaying each row's events from its creation reaches its stored status, one allowed
/// transition at a time.
async fn events_explain_every_status(pool: &AnyPool) {
    for (entity, table) in [
        ("payment_order", "payment_orders"),
        ("payment_attempt", "payment_attempts"),
        ("declaration", "declarations"),
    ] {
        let allowed = allowed(entity);
        let rows: Vec<(String, String)> =
            sqlx::query_as(&format!("SELECT id, status FROM {table}"))
                .fetch_all(pool)
                .await
                .unwrap();
        for (id, status) in rows {
            let events: Vec<(Option<String>, String)> = sqlx::query_as(
                "SELECT from_status, to_status FROM events WHERE entity = $1 AND entity_id = $2 \
                 ORDER BY id",
            )
            .bind(entity)
            .bind(&id)
            .fetch_all(pool)
            .await
            .unwrap();
            let mut current: Option<String> = None;
            for (from, to) in &events {
                assert_eq!(from, &current, "{entity} {id}: {events:?}");
                assert!(
                    allowed
                        .iter()
                        .any(|(f, t)| *f == from.as_deref() && t == to),
                    "{entity} {id}: {from:?} → {to} is no transition of the code"
                );
                current = Some(to.clone());
            }
            assert_eq!(
                current.as_deref(),
                Some(status.as_str()),
                "{entity} {id}: {events:?}"
            );
        }
    }
}
