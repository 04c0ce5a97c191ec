//! `shebao-load`: drives a sandbox gateway the way many phones would, and measures it.
//!
//! - `reads`: each client enrolls, confirms one person of the load-test population, then sends
//!   signed `GET /v1/payables` (response signatures verified) for the given time.
//! - `payments`: each person of a range is confirmed first (not timed), then paid completely —
//!   declare → payment order → attempt → the sandbox cashier's form → the channel's
//!   notification → `paid` (long poll) — by concurrent clients; a share of the state-changing
//!   requests is sent twice under one idempotency key, as a client retrying after a lost answer
//!   does.
//!
//! Prints one JSON object with the counts, the rate and the latency percentiles. The population
//! comes from `shebao-gateway seed --population N`; the sandbox's captcha answer route completes
//! identity confirmation.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use ed25519_dalek::SigningKey;
use hdrhistogram::Histogram;
use rand::Rng;
use serde_json::json;
use shebao_client::{Client, ClientError, TrustedKeys, enroll, new_idempotency_key};
use shebao_core::IdType;
use shebao_core::wire::{Channel, ConfirmIdentity, KeySet, NewPaymentAttempt, OrderStatus};
use tokio::sync::Mutex;

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Scenario {
    Reads,
    Payments,
}

#[derive(Debug, Parser)]
struct Args {
    /// The gateway, e.g. http://127.0.0.1:18080 (sandbox mode).
    #[arg(long)]
    origin: String,
    #[arg(long, value_enum)]
    scenario: Scenario,
    /// Concurrent clients, each its own device.
    #[arg(long, default_value_t = 32)]
    clients: u32,
    /// `reads`: how long to send, in seconds.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// `payments`: the first person of the load-test population to pay.
    #[arg(long, default_value_t = 0)]
    first_person: u32,
    /// `payments`: how many people to pay, one payment each.
    #[arg(long, default_value_t = 1000)]
    payments: u32,
    /// `payments`: the share of state-changing requests sent twice under one key.
    #[arg(long, default_value_t = 0.2)]
    retry_share: f64,
}

type Failure = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let args = Args::parse();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let keys: KeySet = http
        .get(format!("{}/.well-known/shebao-keys", args.origin))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let trusted = TrustedKeys::from_key_set(&keys).map_err(|error| error.to_string())?;
    let load = Load {
        origin: args.origin.clone(),
        http,
        trusted,
    };
    let report = match args.scenario {
        Scenario::Reads => load.reads(&args).await?,
        Scenario::Payments => load.payments(&args).await?,
    };
    println!("{report}");
    Ok(())
}

struct Load {
    origin: String,
    http: reqwest::Client,
    trusted: TrustedKeys,
}

impl Load {
    async fn client(&self) -> Result<Client, Failure> {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let device_id = enroll(&self.origin, &key).await.map_err(text)?;
        Client::new(&self.origin, device_id, key, self.trusted.clone()).map_err(text)
    }

    /// An identity token for person `index` of the load-test population.
    async fn confirm(&self, client: &Client, index: u32) -> Result<String, Failure> {
        let (name, id_number) = shebao_gateway::load_identity(index);
        let captcha = client.new_captcha().await.map_err(text)?;
        let answer: serde_json::Value = self
            .http
            .get(format!(
                "{}/sandbox/captchas/{}/answer",
                self.origin, captcha.captcha_id
            ))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let confirmed = client
            .confirm_identity(&ConfirmIdentity {
                name,
                id_type: IdType::ResidentIdCard,
                id_number,
                captcha_id: captcha.captcha_id,
                captcha_answer: answer["answer"].as_str().unwrap_or_default().to_owned(),
            })
            .await
            .map_err(text)?;
        Ok(confirmed.identity_token)
    }

    async fn reads(&self, args: &Args) -> Result<serde_json::Value, Failure> {
        let latencies = Arc::new(Mutex::new(Histogram::<u64>::new(3)?));
        let errors = Arc::new(AtomicU64::new(0));
        let mut prepared = Vec::new();
        for index in 0..args.clients {
            let client = self.client().await?;
            let token = self.confirm(&client, index).await?;
            prepared.push((client, token));
        }
        let started = Instant::now();
        let until = started + Duration::from_secs(args.seconds);
        let mut tasks = Vec::new();
        for (client, token) in prepared {
            let latencies = latencies.clone();
            let errors = errors.clone();
            tasks.push(tokio::spawn(async move {
                let mut own = Histogram::<u64>::new(3).unwrap_or_else(|_| unreachable!());
                while Instant::now() < until {
                    let sent = Instant::now();
                    match client.payables(&token).await {
                        Ok(_) => {
                            let micros =
                                u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                            let _ = own.record(micros);
                        }
                        Err(_) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                let _ = latencies.lock().await.add(&own);
            }));
        }
        for task in tasks {
            task.await?;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let latencies = latencies.lock().await;
        Ok(json!({
            "scenario": "reads",
            "clients": args.clients,
            "seconds": round(elapsed),
            "requests": latencies.len(),
            "errors": errors.load(Ordering::Relaxed),
            "per_second": round(latencies.len() as f64 / elapsed),
            "p50_ms": millis(latencies.value_at_quantile(0.5)),
            "p99_ms": millis(latencies.value_at_quantile(0.99)),
        }))
    }

    async fn payments(&self, args: &Args) -> Result<serde_json::Value, Failure> {
        // Confirmation first, not timed: a captcha is drawn per person.
        let clients: Vec<Arc<Client>> = {
            let mut clients = Vec::new();
            for _ in 0..args.clients {
                clients.push(Arc::new(self.client().await?));
            }
            clients
        };
        // Person i belongs to client i mod clients: an identity token is bound to the device
        // that confirmed it.
        let mut tasks = Vec::new();
        for (slot, client) in clients.iter().enumerate() {
            let client = client.clone();
            let load = self.shallow();
            let people: Vec<u32> = (args.first_person..args.first_person + args.payments)
                .skip(slot)
                .step_by(clients.len())
                .collect();
            tasks.push(tokio::spawn(async move {
                let mut tokens = Vec::new();
                for index in people {
                    tokens.push(load.confirm(&client, index).await?);
                }
                Ok::<_, Failure>(tokens)
            }));
        }
        let mut tokens = Vec::new();
        for task in tasks {
            tokens.push(task.await??);
        }
        // Then the payments, timed.
        let latencies = Arc::new(Mutex::new(Histogram::<u64>::new(3)?));
        let failures = Arc::new(Mutex::new(Vec::<String>::new()));
        let retried = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (client, tokens) in clients.iter().zip(tokens) {
            let client = client.clone();
            let latencies = latencies.clone();
            let failures = failures.clone();
            let retried = retried.clone();
            let load = self.shallow();
            let retry_share = args.retry_share;
            tasks.push(tokio::spawn(async move {
                let mut own = Histogram::<u64>::new(3).unwrap_or_else(|_| unreachable!());
                for token in tokens {
                    let sent = Instant::now();
                    match load.pay(&client, &token, retry_share, &retried).await {
                        Ok(()) => {
                            let micros =
                                u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                            let _ = own.record(micros);
                        }
                        Err(error) => failures.lock().await.push(error.to_string()),
                    }
                }
                let _ = latencies.lock().await.add(&own);
            }));
        }
        for task in tasks {
            task.await?;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let latencies = latencies.lock().await;
        let failures = failures.lock().await;
        Ok(json!({
            "scenario": "payments",
            "clients": args.clients,
            "seconds": round(elapsed),
            "completed": latencies.len(),
            "failed": failures.len(),
            "first_failures": failures.iter().take(3).collect::<Vec<_>>(),
            "retried_requests": retried.load(Ordering::Relaxed),
            "per_second": round(latencies.len() as f64 / elapsed),
            "p50_ms": millis(latencies.value_at_quantile(0.5)),
            "p99_ms": millis(latencies.value_at_quantile(0.99)),
        }))
    }

    /// One complete payment of the person's payables, on the sandbox UnionPay cashier.
    async fn pay(
        &self,
        client: &Client,
        token: &str,
        retry_share: f64,
        retried: &AtomicU64,
    ) -> Result<(), Failure> {
        let retry = || {
            let twice = rand::thread_rng().gen_bool(retry_share);
            if twice {
                retried.fetch_add(1, Ordering::Relaxed);
            }
            twice
        };
        let payables = client.payables(token).await.map_err(text)?;
        let ids: Vec<String> = payables.items.into_iter().map(|item| item.id).collect();
        let key = new_idempotency_key();
        let mut declaration = client
            .declare(token, ids.clone(), &key)
            .await
            .map_err(text)?;
        if retry() {
            let again = client.declare(token, ids, &key).await.map_err(text)?;
            same(&declaration.id, &again.id)?;
            declaration = again;
        }
        let key = new_idempotency_key();
        let mut order = client
            .create_payment_order(token, &declaration.id, &key)
            .await
            .map_err(text)?;
        if retry() {
            let again = client
                .create_payment_order(token, &declaration.id, &key)
                .await
                .map_err(text)?;
            same(&order.id, &again.id)?;
            order = again;
        }
        let attempt = NewPaymentAttempt {
            channel: Channel::Unionpay,
        };
        let key = new_idempotency_key();
        let mut paying = client
            .create_payment_attempt(token, &order.id, &attempt, &key)
            .await
            .map_err(text)?;
        if retry() {
            let again = client
                .create_payment_attempt(token, &order.id, &attempt, &key)
                .await
                .map_err(text)?;
            same(&paying.id, &again.id)?;
            paying = again;
        }
        // The payer submits the cashier page's form, as a person at the cashier would.
        self.http
            .post(&paying.pay_url)
            .form(&[
                ("source", "bank_card"),
                ("card_number", "6222020000000000000"),
            ])
            .send()
            .await?
            .error_for_status()?;
        for _ in 0..4 {
            let now = client
                .payment_order(token, &order.id, true)
                .await
                .map_err(text)?;
            if now.status == OrderStatus::Paid {
                return Ok(());
            }
        }
        Err(format!("order {} was not paid", order.id).into())
    }

    fn shallow(&self) -> Load {
        Load {
            origin: self.origin.clone(),
            http: self.http.clone(),
            trusted: self.trusted.clone(),
        }
    }
}

fn same(first: &str, again: &str) -> Result<(), Failure> {
    if first == again {
        Ok(())
    } else {
        Err(format!("a retry under the same key answered {again}, not {first}").into())
    }
}

fn text(error: ClientError) -> Failure {
    error.to_string().into()
}

fn millis(micros: u64) -> f64 {
    round(micros as f64 / 1000.0)
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}
