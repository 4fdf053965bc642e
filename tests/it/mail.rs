//! Mail over real SMTP (to a local listener), and what happens when SMTP fails.

use axum::http::StatusCode;
use inflow::mail::Mailer;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::harness::{TestApp, fresh_db};

/// A minimal SMTP server: accepts sessions and sends each message's DATA down the channel.
async fn smtp_listener() -> (u16, mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let cmd = line.to_ascii_uppercase();
                    if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        w.write_all(b"250-test\r\n250 8BITMIME\r\n").await.unwrap();
                    } else if cmd.starts_with("DATA") {
                        w.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        tx.send(data).unwrap();
                        w.write_all(b"250 queued\r\n").await.unwrap();
                    } else if cmd.starts_with("QUIT") {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        w.write_all(b"250 OK\r\n").await.unwrap();
                    }
                }
            });
        }
    });
    (port, rx)
}

/// The demo app mailing through SMTP on `port`, after the learner asked for a reset.
async fn demo_app_after_forgot(port: u16) -> (TestApp, crate::harness::Client) {
    let url = format!("smtp://127.0.0.1:{port}");
    let mailer = Mailer::new(Some(&url), "Inflow <noreply@example.com>").unwrap();
    let app = TestApp::with_pool_and_mailer(fresh_db(4).await, mailer);
    inflow::demo::seed(&app.pool).await.unwrap();
    let mut c = app.client();
    let res = c.post("/forgot", &[("email", "learner@example.com")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    (app, c)
}

#[tokio::test]
async fn reset_mail_goes_out_over_smtp_and_its_link_works() {
    let (port, mut inbox) = smtp_listener().await;
    let (app, mut c) = demo_app_after_forgot(port).await;
    let data = inbox
        .recv()
        .await
        .expect("a message reached the SMTP server");
    assert!(
        data.contains("Subject: Reset your Inflow password"),
        "{data}"
    );
    assert!(data.contains("To: learner@example.com"));
    assert!(
        data.contains("Content-Type: text/plain; charset=utf-8"),
        "{data}"
    );
    let data = data.replace("=\n", ""); // quoted-printable soft line breaks
    let link = data
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://localhost"))
        .expect("reset link in the mail")
        .to_owned();
    let res = c
        .post(
            &link,
            &[
                ("password", "sent by smtp ok"),
                ("confirm", "sent by smtp ok"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let (status, body): (String, String) = sqlx::query_as("SELECT status, body FROM outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "sent");
    assert!(
        !body.contains("/reset/"),
        "mail sent by SMTP is not readable in the outbox"
    );
}

#[tokio::test]
async fn a_failing_smtp_server_is_recorded_and_the_person_sees_the_usual_page() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let (app, _) = demo_app_after_forgot(port).await;
    let status: String = sqlx::query_scalar("SELECT status FROM outbox")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(status, "failed");
    let mut admin = app.signed_in("admin@example.com").await;
    assert!(
        admin
            .get("/admin/outbox")
            .await
            .text("article")
            .contains("SMTP failed")
    );
}

#[test]
fn bad_mail_settings_are_refused_at_start() {
    assert!(Mailer::new(Some("ftp://nope"), "Inflow <a@example.com>").is_err());
    assert!(Mailer::new(None, "not an address").is_err());
}
