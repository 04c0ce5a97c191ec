//! Running the gateway as an operator does: several gateways on one database, and the
//! `shebao-gateway` binary's commands and settings (file, environment, flags).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::json;
use support::{Backend, Call, MA_XIAOYAN, TestDatabase, on_every_backend, sandbox, sandbox_date};

/// Runs the real binary with only the given environment (no inherited `SHEBAO_GATEWAY_*`).
async fn gateway_command(args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_shebao-gateway"))
            .args(&args)
            .env_clear()
            .envs(env)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

on_every_backend!(should_share_nonces_and_idempotent_responses_between_gateways);
async fn should_share_nonces_and_idempotent_responses_between_gateways(backend: Backend) {
    let first = sandbox(&backend).await;
    let second = support::launch(first.db.clone(), true, Some(sandbox_date())).await;
    assert_ne!(first.origin, second.origin);
    // One set of keys: the second gateway found the first one's.
    assert_eq!(
        serde_json::to_value(&second.key_set).unwrap(),
        serde_json::to_value(&first.key_set).unwrap()
    );

    // Enrolled through one, known to the other.
    let device = first.enroll().await;
    let token = first.confirm(&device, MA_XIAOYAN).await;

    // A nonce used on the first gateway is a replay on the second.
    let body = json!({"purpose": "identity"});
    let used = first.call(&device, Call::post("/v1/captchas", &body)).await;
    assert_eq!(used.status, 201, "{}", used.text());
    let mut replayed = Call::post("/v1/captchas", &body);
    replayed.nonce = used.nonce.clone();
    let replayed = second.call(&device, replayed).await;
    assert_eq!(
        (replayed.status, replayed.code()),
        (401, "nonce_replayed".into())
    );

    // An idempotent request completed on the first gateway is answered from its record on the
    // second, without running again.
    let payables = second
        .call(&device, Call::get("/v1/payables").token(&token))
        .await
        .json();
    let declare = json!([payables["items"][0]["id"]]);
    let key = uuid::Uuid::new_v4().to_string();
    let declared = first.declare(&device, &token, &declare, &key).await;
    assert_eq!(declared.status, 201, "{}", declared.text());
    let again = second.declare(&device, &token, &declare, &key).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body, declared.body);
    assert_ne!(again.nonce, declared.nonce);
    let db = first.database().await;
    let declarations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM declarations")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(declarations, 1);

    // The same key with another body is refused by either gateway.
    let reused = second
        .declare(&device, &token, &json!(["pay_other"]), &key)
        .await;
    assert_eq!(reused.code(), "idempotency_key_reused");

    second.shutdown().await;
    first.shutdown().await;
}

on_every_backend!(should_refuse_a_device_the_operator_revoked);
async fn should_refuse_a_device_the_operator_revoked(backend: Backend) {
    let gw = sandbox(&backend).await;
    let device = gw.enroll().await;
    let other = gw.enroll().await;
    let body = json!({"purpose": "identity"});
    let before = gw.call(&device, Call::post("/v1/captchas", &body)).await;
    assert_eq!(before.status, 201, "{}", before.text());

    let url = gw.db.url();
    let revoked = gateway_command(
        &["admin", "revoke-device", &device.id, "--database", &url],
        &[],
    )
    .await;
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    assert_eq!(stdout(&revoked), format!("revoked {}\n", device.id));

    let after = gw.call(&device, Call::post("/v1/captchas", &body)).await;
    assert_eq!((after.status, after.code()), (401, "device_revoked".into()));
    // Only that device.
    let still = gw.call(&other, Call::post("/v1/captchas", &body)).await;
    assert_eq!(still.status, 201);

    let listed = gateway_command(&["admin", "list-devices", "--database", &url], &[]).await;
    assert!(listed.status.success(), "{}", stderr(&listed));
    let listing = stdout(&listed);
    let line = |id: &str| {
        listing
            .lines()
            .find(|line| line.starts_with(id))
            .unwrap_or_else(|| panic!("{id} not in {listing}"))
            .to_owned()
    };
    assert!(line(&device.id).contains("\trevoked "), "{listing}");
    assert!(line(&other.id).ends_with("\tactive"), "{listing}");

    let again = gateway_command(
        &["admin", "revoke-device", &device.id, "--database", &url],
        &[],
    )
    .await;
    assert!(again.status.success());
    assert!(stdout(&again).contains("revoked before"));
    let unknown = gateway_command(
        &["admin", "revoke-device", "dev_nobody", "--database", &url],
        &[],
    )
    .await;
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no device dev_nobody"));
    gw.shutdown().await;
}

on_every_backend!(should_migrate_and_seed_fictional_people_once);
async fn should_migrate_and_seed_fictional_people_once(backend: Backend) {
    let db = TestDatabase::new(&backend).await;
    let url = db.url();
    let migrated = gateway_command(&["migrate"], &[("SHEBAO_GATEWAY_DATABASE_URL", &url)]).await;
    assert!(migrated.status.success(), "{}", stderr(&migrated));
    let pool = db.connect().await;
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM population")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(people, 0);

    let seeded = gateway_command(&["seed", "--date", "2025-06-15", "--database", &url], &[]).await;
    assert!(seeded.status.success(), "{}", stderr(&seeded));
    assert!(stdout(&seeded).starts_with("seeded"));
    let again = gateway_command(&["seed", "--database", &url], &[]).await;
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stdout(&again).contains("nothing changed"));

    let (people, insured): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(CASE WHEN insured = 1 THEN 1 END) FROM population")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((people, insured), (5, 4));
    let payables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM payables WHERE status = 'payable' AND period_end = '2025-06'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(payables, 4);

    // The load-test population fills up to its size, once.
    let grown = gateway_command(
        &[
            "seed",
            "--date",
            "2025-06-15",
            "--population",
            "2500",
            "--database",
            &url,
        ],
        &[],
    )
    .await;
    assert!(grown.status.success(), "{}", stderr(&grown));
    assert!(
        stdout(&grown).contains("2500 people (2500 added)"),
        "{}",
        stdout(&grown)
    );
    let again = gateway_command(&["seed", "--population", "2500", "--database", &url], &[]).await;
    assert!(
        stdout(&again).contains("2500 people (0 added)"),
        "{}",
        stdout(&again)
    );
    let (people, payables): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM population WHERE insured = 1), \
         (SELECT COUNT(*) FROM payables WHERE status = 'payable' AND period_end = '2025-06')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((people, payables), (2504, 2504));
}

/// A settings file with these lines.
fn settings_file(dir: &Path, lines: &[String]) -> String {
    let path = dir.join("gateway.toml");
    std::fs::write(&path, lines.join("\n")).unwrap();
    path.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn should_take_flags_over_environment_over_the_settings_file() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let file = settings_file(
        dir.path(),
        &[format!("database_url = {:?}", path("file.sqlite3"))],
    );
    let env_url = path("env.sqlite3");

    let from_file = gateway_command(&["migrate", "--config", &file], &[]).await;
    assert_eq!(
        stdout(&from_file),
        format!("migrated sqlite:{}\n", path("file.sqlite3")),
        "{}",
        stderr(&from_file)
    );
    let from_env = gateway_command(
        &["migrate", "--config", &file],
        &[("SHEBAO_GATEWAY_DATABASE_URL", &env_url)],
    )
    .await;
    assert_eq!(stdout(&from_env), format!("migrated sqlite:{env_url}\n"));
    let from_flag = gateway_command(
        &["migrate", "--database", &path("flag.sqlite3")],
        &[
            ("SHEBAO_GATEWAY_DATABASE_URL", &env_url),
            ("SHEBAO_GATEWAY_CONFIG", &file),
        ],
    )
    .await;
    assert_eq!(
        stdout(&from_flag),
        format!("migrated sqlite:{}\n", path("flag.sqlite3"))
    );
    for name in ["file.sqlite3", "env.sqlite3", "flag.sqlite3"] {
        assert!(dir.path().join(name).is_file(), "{name}");
    }

    // A misspelt setting is an error, not a silent default.
    let typo = settings_file(dir.path(), &["databse_url = \"x.sqlite3\"".to_owned()]);
    let refused = gateway_command(&["migrate", "--config", &typo], &[]).await;
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("databse_url"),
        "{}",
        stderr(&refused)
    );
    let missing = gateway_command(&["migrate", "--config", &path("none.toml")], &[]).await;
    assert!(!missing.status.success());
    let no_bind = gateway_command(
        &["serve", "--sandbox", "--database", &path("s.sqlite3")],
        &[],
    )
    .await;
    assert!(stderr(&no_bind).contains("--bind"), "{}", stderr(&no_bind));
}

#[tokio::test]
async fn should_refuse_to_serve_with_a_policy_file_from_any_setting_source_that_does_not_load() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let broken = path("broken.toml");
    std::fs::write(&broken, "[not a policy table]\n").unwrap();
    let missing = path("missing.toml");
    let serve = |database: &str| {
        vec![
            "serve".to_owned(),
            "--sandbox".to_owned(),
            "--bind".to_owned(),
            "127.0.0.1:0".to_owned(),
            "--database".to_owned(),
            path(database),
        ]
    };
    let args = |extra: &[&str], database: &str| {
        let mut all = serve(database);
        all.extend(extra.iter().map(|arg| (*arg).to_owned()));
        all
    };
    let run = async |args: Vec<String>, env: &[(&str, &str)]| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // A gateway that ignored the setting would serve on: give up instead of hanging.
        tokio::time::timeout(Duration::from_secs(30), gateway_command(&args, env))
            .await
            .expect("the gateway started instead of refusing the policy file")
    };

    let file = settings_file(dir.path(), &[format!("policy = {broken:?}")]);
    let from_file = run(args(&["--config", &file], "file.sqlite3"), &[]).await;
    let from_env = run(
        args(&[], "env.sqlite3"),
        &[("SHEBAO_GATEWAY_POLICY", &broken)],
    )
    .await;
    for refused in [&from_file, &from_env] {
        assert!(!refused.status.success());
        assert!(
            stderr(refused).contains("could not start: policy table"),
            "{}",
            stderr(refused)
        );
    }
    // The flag wins over the environment.
    let from_flag = run(
        args(&["--policy", &missing], "flag.sqlite3"),
        &[("SHEBAO_GATEWAY_POLICY", &broken)],
    )
    .await;
    assert!(!from_flag.status.success());
    assert!(
        stderr(&from_flag).contains("cannot read the policy table file"),
        "{}",
        stderr(&from_flag)
    );
}

/// `serve` outside sandbox mode, configured by file and environment: it listens, answers, and
/// seeds nobody.
#[tokio::test]
async fn should_serve_from_settings_without_seeding_outside_sandbox_mode() {
    let db = TestDatabase::new(&Backend::Sqlite).await;
    let file = settings_file(
        db.dir.path(),
        &[
            format!("database_url = {:?}", db.url()),
            "bind = \"127.0.0.1:1\"".to_owned(),
            "tax_office = \"国家税务总局测试市税务局\"".to_owned(),
        ],
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_shebao-gateway"))
        .args(["serve", "--config", &file, "--bind", "127.0.0.1:0"])
        .env_clear()
        .env("SHEBAO_GATEWAY_VERIFY_ORIGIN", "https://v.shebao.example")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    let stdout = child.stdout.take().unwrap();
    let first_line = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout).read_line(&mut first_line).unwrap();
        first_line
    })
    .await
    .unwrap();
    let origin = first_line
        .trim()
        .strip_prefix("shebao-gateway listening on ")
        .unwrap_or_else(|| panic!("{first_line}"))
        .to_owned();
    // The flag's port 0 (any free port) won over the file's port 1.
    assert!(!origin.ends_with(":1"), "{origin}");
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let keys = http
        .get(format!("{origin}/.well-known/shebao-keys"))
        .send()
        .await
        .unwrap();
    assert_eq!(keys.status(), 200);
    let sandbox_info = http
        .get(format!("{origin}/sandbox/info"))
        .send()
        .await
        .unwrap();
    assert_eq!(sandbox_info.status(), 404);
    let pool = db.connect().await;
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM population")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(people, 0);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// An admin command names a missing SQLite file instead of creating an empty database, and says
/// so when there is no device to list.
#[tokio::test]
async fn should_refuse_admin_commands_on_a_missing_database_and_say_when_none_enrolled() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo.sqlite3");
    let missing = missing.to_str().unwrap();
    for args in [
        vec!["admin", "list-devices", "--database", missing],
        vec!["admin", "revoke-device", "dev_1", "--database", missing],
    ] {
        let output = gateway_command(&args, &[]).await;
        assert!(!output.status.success(), "{args:?}");
        assert!(
            stderr(&output).contains("there is no database at"),
            "{}",
            stderr(&output)
        );
        assert!(!Path::new(missing).exists(), "{args:?} created {missing}");
    }

    let empty = dir.path().join("empty.sqlite3");
    let empty = empty.to_str().unwrap();
    assert!(
        gateway_command(&["migrate", "--database", empty], &[])
            .await
            .status
            .success()
    );
    let listed = gateway_command(&["admin", "list-devices", "--database", empty], &[]).await;
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert!(
        stdout(&listed).contains("no device has enrolled"),
        "{}",
        stdout(&listed)
    );
}

/// A PostgreSQL server that isn't there is reported at once with the reason, not after the
/// pool's acquire timeout as a bare timeout.
#[tokio::test]
async fn should_say_at_once_why_postgresql_cannot_be_reached() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://shebao:secret@127.0.0.1:{port}/shebao");
    let output = gateway_command(&["migrate", "--database", &url], &[]).await;
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("Connection refused"), "{message}");
    assert!(!message.contains("timed out"), "{message}");
    assert!(!message.contains("secret"), "{message}");
    assert_eq!(message.matches("shebao-gateway:").count(), 1, "{message}");
}

#[tokio::test]
async fn should_refuse_to_serve_with_a_zero_limit_or_a_bad_address_header_from_any_source() {
    let dir = tempfile::TempDir::new().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let run = async |extra: &[&str], database: &str, env: &[(&str, &str)]| {
        let database = path(database);
        let mut args = vec![
            "serve",
            "--sandbox",
            "--bind",
            "127.0.0.1:0",
            "--database",
            &database,
        ];
        args.extend_from_slice(extra);
        // A gateway that ignored the setting would serve on: give up instead of hanging.
        tokio::time::timeout(Duration::from_secs(30), gateway_command(&args, env))
            .await
            .expect("the gateway started instead of refusing the setting")
    };

    let file = settings_file(dir.path(), &["limit_per_address = 0".to_owned()]);
    let from_file = run(&["--config", &file], "file.sqlite3", &[]).await;
    let from_env = run(
        &[],
        "env.sqlite3",
        &[("SHEBAO_GATEWAY_LOGIN_FAILURES", "0")],
    )
    .await;
    let from_flag = run(&["--session-seconds", "0"], "flag.sqlite3", &[]).await;
    for refused in [&from_file, &from_env, &from_flag] {
        assert!(!refused.status.success());
        assert!(
            stderr(refused).contains("every access limit must be at least 1"),
            "{}",
            stderr(refused)
        );
    }
    let header = run(
        &["--client-address-header", "X Forwarded"],
        "header.sqlite3",
        &[],
    )
    .await;
    assert!(
        stderr(&header).contains("client address header"),
        "{}",
        stderr(&header)
    );
}

/// A TCP forwarder to `target`, cut (listener and every connection) when the handle is aborted.
async fn forwarder(target: String) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let handle = tokio::spawn(async move {
        let mut connections = tokio::task::JoinSet::new();
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                break;
            };
            let target = target.clone();
            connections.spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (address, handle)
}

#[tokio::test]
async fn should_say_not_ready_at_once_when_postgresql_goes_away() {
    let Some(backend) = Backend::postgres() else {
        eprintln!(
            "not run: needs PostgreSQL ({})",
            support::POSTGRES_URL_VARIABLE
        );
        return;
    };
    let db = TestDatabase::new(&backend).await;
    let url = db.url();
    let (scheme_and_user, rest) = url.split_once('@').unwrap();
    let (server, path) = rest.split_once('/').unwrap();
    let (proxy, cut) = forwarder(server.to_owned()).await;
    let mut config = support::config(&db, true, Some(sandbox_date()));
    config.database =
        shebao_gateway::Database::Postgres(format!("{scheme_and_user}@{proxy}/{path}"));
    let gw = support::launch_with(db, config).await;
    let ready = gw.http.get(gw.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    // The database goes away: the listener and every open connection are cut.
    cut.abort();
    let _ = cut.await;
    let asked = std::time::Instant::now();
    let answer = gw.http.get(gw.url("/ready")).send().await.unwrap();
    assert_eq!(answer.status(), 503);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["reason"], "database_unreachable");
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "answered after {:?}",
        asked.elapsed()
    );
}
