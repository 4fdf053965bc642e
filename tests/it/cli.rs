//! The `inflow` binary as a newcomer runs it: zero-config `serve` on a
//! private cluster (start, stop on SIGTERM and SIGINT, reuse), the message
//! when PostgreSQL is missing, `create-admin`, `demo-seed`, `bench-seed` and
//! `serve --no-worker`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::ConnectOptions;

use crate::harness::{fresh_db_with_url, scratch_dir};

const BIN: &str = env!("CARGO_BIN_EXE_inflow");

fn inflow(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn");
    c
}

/// Start `inflow serve` and return it with the URL it printed (the caller waits for it).
fn serve(dir: &Path) -> (Child, String) {
    let mut cmd = inflow(&[
        "serve",
        "--demo",
        "--bind",
        "127.0.0.1:0",
        "--drain-seconds",
        "0",
        "--data-dir",
    ]);
    cmd.arg(dir);
    start(cmd)
}

/// Spawn a `serve` command; return it once it printed its URL.
#[allow(clippy::zombie_processes)]
fn start(mut cmd: Command) -> (Child, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn inflow");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        if out.read_line(&mut line).unwrap() == 0 {
            let status = child.wait();
            panic!("inflow exited before it was ready: {status:?}");
        }
        if let Some(url) = line.trim().strip_prefix("Inflow is running at ") {
            let url = url.to_owned();
            std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
            return (child, url);
        }
    }
}

/// A plain HTTP/1.1 GET; returns the status line and body.
fn get(url: &str, path: &str) -> (String, String) {
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp.lines().next().unwrap_or("").to_owned();
    (status, resp)
}

fn signal_and_wait(child: &mut Child, signal: &str) -> std::process::ExitStatus {
    let ok = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "inflow did not stop after {signal}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test]
async fn serve_runs_zero_config_stops_cleanly_and_reuses_its_data() {
    let dir = scratch_dir("serve");
    let (mut child, url) = tokio::task::spawn_blocking({
        let d = dir.clone();
        move || serve(&d)
    })
    .await
    .unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    let (status, _) = get(&url, "/healthz");
    assert!(status.contains("200"), "{status}");
    let (status, body) = get(&url, "/login");
    assert!(status.contains("200") && body.contains("Demo logins"));
    let pid_file = dir.join("pg").join("postmaster.pid");
    assert!(pid_file.exists(), "the private cluster runs");

    let status = signal_and_wait(&mut child, "-TERM");
    assert!(status.success(), "exit after SIGTERM: {status}");
    assert!(
        !pid_file.exists(),
        "the private cluster stopped with the server"
    );

    let (mut child, url) = tokio::task::spawn_blocking({
        let d = dir.clone();
        move || serve(&d)
    })
    .await
    .unwrap();
    let cluster_db = sqlx::postgres::PgConnectOptions::new()
        .socket(dir.join("pg"))
        .username("inflow")
        .database("inflow");
    let mut conn = cluster_db.connect().await.unwrap();
    let people: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let seeds: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'demo.seed'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        (people, seeds),
        (41, 1),
        "the second start reuses the data and seeds nothing again"
    );
    drop(conn);
    assert!(get(&url, "/readyz").0.contains("200"));
    let status = signal_and_wait(&mut child, "-INT");
    assert!(status.success(), "exit after Ctrl-C: {status}");
    assert!(!pid_file.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_postgres_is_one_clear_message() {
    let dir = scratch_dir("nopg");
    let out = inflow(&["migrate", "--data-dir"])
        .arg(&dir)
        .env("INFLOW_PG_BIN_DIR", "/nonexistent")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("could not find the PostgreSQL server programs"),
        "{err}"
    );
    assert!(
        err.contains("apt-get install postgresql") && err.contains("DATABASE_URL"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Run the binary against `url` with `stdin`, off the async runtime.
async fn run_with_db(url: &str, args: &[&str], stdin: &'static str) -> std::process::Output {
    let mut cmd = inflow(args);
    cmd.env("DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || {
        let mut child = cmd.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_demo_seed_is_idempotent() {
    let (pool, url) = fresh_db_with_url(2).await;
    let args = [
        "create-admin",
        "--email",
        "Nia.Admin@example.com",
        "--name",
        "Nia Admin",
    ];
    let short = run_with_db(&url, &args, "too short\n").await;
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));

    let ok = run_with_db(&url, &args, "a long admin password\n").await;
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        String::from_utf8_lossy(&ok.stdout)
            .contains("Created L&D admin Nia Admin <nia.admin@example.com>")
    );
    let role: String =
        sqlx::query_scalar("SELECT role FROM users WHERE email = 'nia.admin@example.com'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(role, "admin");
    let app = crate::harness::TestApp::with_pool(pool.clone());
    let login = app
        .client()
        .login("nia.admin@example.com", "a long admin password")
        .await;
    assert_eq!(login.status, axum::http::StatusCode::SEE_OTHER);
    let again = run_with_db(&url, &args, "a long admin password\n").await;
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    for _ in 0..2 {
        let out = run_with_db(&url, &["demo-seed"], "").await;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 42, "41 demo people and Nia, once");
}

#[tokio::test]
async fn bench_seed_fills_an_empty_database_once_and_writes_the_sessions() {
    let (pool, url) = fresh_db_with_url(2).await;
    let dir = scratch_dir("bench-seed");
    let file = dir.join("sessions.tsv");
    let file_arg = file.to_str().unwrap().to_owned();
    let small = |extra: &'static str| {
        let file_arg = file_arg.clone();
        let url = url.clone();
        async move {
            let args = [
                "bench-seed",
                "--learners",
                "60",
                "--items",
                "30",
                "--campaigns",
                "3",
                "--activities-per-learner",
                "4",
                "--sessions",
                extra,
                "--sessions-file",
                &file_arg,
            ];
            run_with_db(&url, &args, "").await
        }
    };
    let wrong = small("61").await;
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--sessions must be between 0 and 60"));

    let ok = small("5").await;
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let tsv = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = tsv.lines().collect();
    assert_eq!(lines[0], "role\ttoken\tuser_id\tgoal_id");
    let learners = lines.iter().filter(|l| l.starts_with("learner\t")).count();
    assert_eq!(learners, 5, "{tsv}");
    assert!(lines.iter().any(|l| l.starts_with("manager\t")), "{tsv}");
    let people: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'learner'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(people, 60);

    let again = small("5").await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("only an empty database"));
    let still: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'learner'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(still, 60, "the second run added nobody");
}

#[tokio::test]
async fn serve_no_worker_leaves_the_jobs_to_another_instance() {
    let (pool, url) = fresh_db_with_url(2).await;
    let has_worker = || async {
        sqlx::query_scalar::<_, bool>("SELECT to_regnamespace('graphile_worker') IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    let command = |extra: &[&str]| {
        let mut args = vec!["serve", "--bind", "127.0.0.1:0", "--drain-seconds", "0"];
        args.extend_from_slice(extra);
        let mut cmd = inflow(&args);
        cmd.env("DATABASE_URL", &url);
        cmd
    };

    let cmd = command(&["--no-worker"]);
    let (mut web, web_url) = tokio::task::spawn_blocking(move || start(cmd))
        .await
        .unwrap();
    let ready = tokio::task::spawn_blocking(move || get(&web_url, "/readyz").0)
        .await
        .unwrap();
    assert!(ready.contains("200"), "{ready}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!has_worker().await, "no worker started with --no-worker");
    tokio::task::spawn_blocking(move || signal_and_wait(&mut web, "-INT"))
        .await
        .unwrap();

    let cmd = command(&[]);
    let (mut both, _) = tokio::task::spawn_blocking(move || start(cmd))
        .await
        .unwrap();
    let started = Instant::now();
    while !has_worker().await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the worker set up its queue without the flag"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::task::spawn_blocking(move || signal_and_wait(&mut both, "-INT"))
        .await
        .unwrap();
}
