//! The `shebao-gateway serve` binary as an operator runs it: JSON logs on standard output with
//! a request id per request and no personal data, and a graceful stop on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::{Value, json};
use support::{
    Backend, Call, MA_XIAOYAN, SANDBOX_DATE, TestDatabase, TestGateway, attach, on_every_backend,
};

/// A running `shebao-gateway serve --sandbox` and everything it printed so far.
struct Served {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    origin: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// Waits for the process to end; its exit status, or `None` after `limit`.
    fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

/// Starts the binary on a free port and waits until `/ready` answers 200.
async fn serve(db: &TestDatabase) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shebao-gateway"))
        .args(["serve", "--database", &db.url()])
        .args([
            "--bind",
            "127.0.0.1:0",
            "--sandbox",
            "--sandbox-date",
            SANDBOX_DATE,
        ])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let stderr = child.stderr.take().unwrap();
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });

    let deadline = Instant::now() + Duration::from_secs(60);
    let origin = loop {
        let found = lines.lock().unwrap().iter().find_map(|line| {
            let entry: Value = serde_json::from_str(line).ok()?;
            (entry["fields"]["message"] == "gateway listening")
                .then(|| entry["fields"]["origin"].as_str().map(str::to_owned))
                .flatten()
        });
        if let Some(origin) = found {
            break origin;
        }
        assert!(
            Instant::now() < deadline,
            "the gateway never said where it listens"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    loop {
        if let Ok(response) = http.get(format!("{origin}/ready")).send().await
            && response.status() == 200
        {
            break;
        }
        assert!(Instant::now() < deadline, "the gateway never became ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Served {
        child,
        lines,
        origin,
    }
}

/// Enrollment, captcha, identity confirmation of 马小燕 and her payables; answers the
/// gateway harness and the request ids the gateway gave each step.
async fn journey(gateway: &TestGateway) -> (support::Device, String, Vec<String>) {
    let device = gateway.enroll().await;
    let mut request_ids = Vec::new();
    let captcha = gateway
        .call(
            &device,
            Call::post("/v1/captchas", &json!({"purpose": "identity"})),
        )
        .await;
    request_ids.push(captcha.request_id());
    let confirmed = gateway
        .confirm_call(&device, MA_XIAOYAN.0, MA_XIAOYAN.1)
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    request_ids.push(confirmed.request_id());
    let token = confirmed.json()["identity_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let payables = gateway
        .call(&device, Call::get("/v1/payables").token(&token))
        .await;
    assert_eq!(payables.status, 200, "{}", payables.text());
    request_ids.push(payables.request_id());
    (device, token, request_ids)
}

async fn should_log_json_lines_with_request_ids_and_no_personal_data(backend: Backend) {
    let db = TestDatabase::new(&backend).await;
    let served = serve(&db).await;
    let gateway = attach(&served.origin, db).await;
    let (_device, token, request_ids) = journey(&gateway).await;
    // A request to a path that could carry personal data: only the route template is logged.
    let verify = gateway
        .http
        .get(gateway.url(&format!("/C/{}", MA_XIAOYAN.1)))
        .send()
        .await
        .unwrap();
    assert_eq!(verify.status(), 200);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let output = served.output();
    let entries: Vec<Value> = output
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    for request_id in &request_ids {
        let answered = entries.iter().any(|entry| {
            entry["span"]["request_id"] == request_id.as_str()
                && entry["fields"]["message"] == "answered"
        });
        assert!(answered, "no 'answered' line for {request_id}:\n{output}");
    }
    assert!(
        entries.iter().any(
            |entry| entry["span"]["route"] == "/v1/identity/confirmations"
                && entry["span"]["method"] == "POST"
        ),
        "the span names the route template"
    );
    for secret in [MA_XIAOYAN.0, MA_XIAOYAN.1, token.as_str()] {
        let escaped = serde_json::to_string(secret).unwrap();
        let ascii_escaped: String = secret
            .chars()
            .map(|c| {
                if c.is_ascii() {
                    c.to_string()
                } else {
                    format!("\\u{:04x}", c as u32)
                }
            })
            .collect();
        for form in [
            secret.to_owned(),
            escaped.trim_matches('"').to_owned(),
            ascii_escaped,
        ] {
            assert!(!output.contains(&form), "the logs contain {form:?}");
        }
    }
    assert!(!output.to_ascii_lowercase().contains("shebao1-ed25519 kid="));
}
on_every_backend!(should_log_json_lines_with_request_ids_and_no_personal_data);

async fn should_finish_a_request_in_flight_and_exit_0_on_sigterm(backend: Backend) {
    let db = TestDatabase::new(&backend).await;
    let mut served = serve(&db).await;
    let gateway = attach(&served.origin, db).await;
    let (device, token, _) = journey(&gateway).await;
    let declaration = gateway.declare_all(&device, &token).await;
    let order = gateway
        .create_order(&device, &token, declaration["id"].as_str().unwrap())
        .await;
    assert_eq!(order.status, 201, "{}", order.text());
    let order_id = order.json()["id"].as_str().unwrap().to_owned();

    // A long poll that would wait 20 s: in flight when the signal comes.
    let target = format!("/v1/payment-orders/{order_id}?wait=20");
    let call = Call::get(&target).token(&token);
    let authorization = gateway.authorization(&device.id, &device.key, &call);
    let started = Instant::now();
    let in_flight = async { gateway.send(&call, Some(&authorization)).await };
    let signal = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        kill(Pid::from_raw(served.child.id() as i32), Signal::SIGTERM).unwrap();
    };
    let (answer, ()) = tokio::join!(in_flight, signal);
    assert_eq!(answer.status, 200, "{}", answer.text());
    gateway.verify(&answer).unwrap();
    assert_eq!(answer.json()["status"], "created");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the long poll was not cut short by the stop"
    );

    let status = served
        .wait_exit(Duration::from_secs(5))
        .expect("still running 5 s after SIGTERM");
    assert!(status.success(), "exit status {status}");
    let output = served.output();
    assert!(output.contains("stop signal received"), "{output}");
    assert!(output.contains("gateway stopped"), "{output}");
    // Stopped means stopped: nothing listens any more.
    let refused = gateway.http.get(gateway.url("/health")).send().await;
    assert!(refused.is_err());
}
on_every_backend!(should_finish_a_request_in_flight_and_exit_0_on_sigterm);
