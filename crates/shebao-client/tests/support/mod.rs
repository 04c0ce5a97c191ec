//! A real sandbox gateway on loopback, a device enrolled with it, and a small HTTP/1.1 proxy
//! between the client and the gateway that records every request and can lose, alter or
//! replay the gateway's answers.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use shebao_client::{Client, TrustedKeys};
use shebao_core::IdType;
use shebao_core::wire::ConfirmIdentity;
use shebao_gateway::{GatewayConfig, RunningGateway};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A fictional insured person of the sandbox with a 2025-06 pension payable.
pub const MA_XIAOYAN: (&str, &str) = ("马小燕", "640104199003150022");
/// A fictional person of the sandbox who is in the population register but not insured.
pub const ZHANG_XIAOMEI: (&str, &str) = ("张晓梅", "640104199003150049");

pub struct Sandbox {
    pub gateway: RunningGateway,
    _dir: TempDir,
}

pub async fn sandbox() -> Sandbox {
    let dir = TempDir::new().unwrap();
    let gateway = shebao_gateway::start(GatewayConfig::sandbox(
        dir.path().join("gateway.sqlite3"),
        "127.0.0.1:0".parse().unwrap(),
        NaiveDate::from_ymd_opt(2025, 6, 15),
    ))
    .await
    .unwrap();
    Sandbox { gateway, _dir: dir }
}

impl Sandbox {
    /// A newly enrolled device's client talking to `origin` (the gateway or a proxy to it).
    pub async fn client_via(&self, origin: &str) -> Client {
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let device_id = shebao_client::enroll(&self.gateway.origin, &key)
            .await
            .unwrap();
        let trusted = TrustedKeys::from_key_set(&self.gateway.key_set).unwrap();
        Client::new(origin, device_id, key, trusted).unwrap()
    }

    pub async fn client(&self) -> Client {
        self.client_via(&self.gateway.origin.clone()).await
    }

    /// The sandbox's answer to a captcha (a public sandbox-only page).
    pub async fn captcha_answer(&self, captcha_id: &str) -> String {
        let url = format!(
            "{}/sandbox/captchas/{captcha_id}/answer",
            self.gateway.origin
        );
        let answer: serde_json::Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        answer["answer"].as_str().unwrap().to_owned()
    }

    /// Confirms 马小燕 through `client` and answers her identity token.
    pub async fn confirm(&self, client: &Client) -> String {
        self.confirm_as(client, MA_XIAOYAN).await
    }

    /// Confirms a sandbox person (name, resident ID number) and answers their identity token.
    pub async fn confirm_as(&self, client: &Client, (name, id_number): (&str, &str)) -> String {
        let captcha = client.new_captcha().await.unwrap();
        let answer = self.captcha_answer(&captcha.captcha_id).await;
        let confirmed = client
            .confirm_identity(&ConfirmIdentity {
                name: name.into(),
                id_type: IdType::ResidentIdCard,
                id_number: id_number.into(),
                captcha_id: captcha.captcha_id,
                captcha_answer: answer,
            })
            .await
            .unwrap();
        confirmed.identity_token
    }
}

/// What the proxy does with the gateway's answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forwards the request, then closes the connection without answering.
    LoseAnswer,
    /// Changes one digit of the answer's `"total"`, keeping it valid JSON of the same length.
    AlterTotal,
    /// Answers with the gateway's previous answer to the same request line instead.
    ReplayPrevious,
}

/// A request the proxy saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `POST /v1/declarations`
    pub line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `nonce=` of the Authorization header.
    pub fn nonce(&self) -> String {
        let authorization = self.header("authorization").unwrap_or_default();
        authorization
            .split(',')
            .find_map(|part| part.strip_prefix("nonce="))
            .unwrap_or_default()
            .to_owned()
    }
}

#[derive(Default)]
struct Rules {
    /// (request line prefix, fault, how many more times)
    faults: Vec<(String, Fault, usize)>,
    seen: Vec<Seen>,
    answers: Vec<(String, Vec<u8>)>,
}

#[derive(Clone)]
pub struct Proxy {
    pub origin: String,
    rules: Arc<Mutex<Rules>>,
}

impl Proxy {
    pub async fn start(upstream: &str) -> Self {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let rules = Arc::new(Mutex::new(Rules::default()));
        let shared = rules.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, upstream.clone(), shared.clone()));
            }
        });
        Self { origin, rules }
    }

    /// Applies `fault` to the next `times` requests whose line starts with `line_prefix`.
    pub fn fault(&self, line_prefix: &str, fault: Fault, times: usize) {
        let mut rules = self.rules.lock().unwrap();
        rules.faults.push((line_prefix.to_owned(), fault, times));
    }

    /// The requests seen whose line starts with `line_prefix`, in order.
    pub fn seen(&self, line_prefix: &str) -> Vec<Seen> {
        let rules = self.rules.lock().unwrap();
        rules
            .seen
            .iter()
            .filter(|seen| seen.line.starts_with(line_prefix))
            .cloned()
            .collect()
    }
}

async fn serve(mut client: TcpStream, upstream: String, rules: Arc<Mutex<Rules>>) {
    let Some(seen) = read_request(&mut client).await else {
        return;
    };
    let fault = {
        let mut rules = rules.lock().unwrap();
        rules.seen.push(seen.clone());
        let fault = rules
            .faults
            .iter_mut()
            .find(|(prefix, _, times)| *times > 0 && seen.line.starts_with(prefix.as_str()));
        fault.map(|(_, fault, times)| {
            *times -= 1;
            *fault
        })
    };

    let answer = forward(&seen, &upstream).await;
    let previous = {
        let mut rules = rules.lock().unwrap();
        let previous = rules
            .answers
            .iter()
            .rev()
            .find(|(line, _)| *line == seen.line)
            .map(|(_, bytes)| bytes.clone());
        rules.answers.push((seen.line.clone(), answer.clone()));
        previous
    };
    let to_send = match fault {
        None => answer,
        Some(Fault::LoseAnswer) => return,
        Some(Fault::AlterTotal) => alter_total(answer),
        Some(Fault::ReplayPrevious) => previous.expect("no earlier answer to replay"),
    };
    let _ = client.write_all(&to_send).await;
    let _ = client.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?;
    let line = request_line.rsplit_once(' ')?.0.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        line,
        headers,
        body,
    })
}

/// Sends the request upstream on a fresh connection (`Connection: close`) and reads the whole
/// answer.
async fn forward(seen: &Seen, upstream: &str) -> Vec<u8> {
    let mut request = format!("{} HTTP/1.1\r\n", seen.line).into_bytes();
    for (name, value) in &seen.headers {
        if !name.eq_ignore_ascii_case("connection") {
            request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    request.extend_from_slice(&seen.body);
    let mut stream = TcpStream::connect(upstream).await.unwrap();
    stream.write_all(&request).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    answer
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn alter_total(mut answer: Vec<u8>) -> Vec<u8> {
    let at = find(&answer, b"\"total\":\"").expect("answer without a total") + 9;
    answer[at] = if answer[at] == b'1' { b'2' } else { b'1' };
    answer
}
