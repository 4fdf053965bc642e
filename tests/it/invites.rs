//! Invitations and password resets: one-time links through the outbox.

use axum::http::StatusCode;

use crate::harness::TestApp;

#[tokio::test]
async fn an_invitation_works_once_and_signs_the_person_in() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let res = admin
        .post(
            "/admin/people",
            &[
                ("name", "Nadia Rahman"),
                ("email", "nadia@example.com"),
                ("role", "learner"),
                ("manager_email", "manager@example.com"),
                ("team_id", ""),
                ("timezone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let link = app
        .last_mail_link("nadia@example.com")
        .await
        .expect("invitation in the outbox");
    assert!(link.starts_with("/invite/"));
    let outbox = admin.get("/admin/outbox").await;
    assert!(
        outbox
            .text("article h2")
            .contains("You are invited to Inflow")
    );

    let mut nadia = app.client();
    let form = nadia.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.text("h1"), "Welcome to Inflow, Nadia Rahman");
    let short = nadia
        .post(&link, &[("password", "short"), ("confirm", "short")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text("#password-error").contains("at least 10"));
    let differ = nadia
        .post(
            &link,
            &[
                ("password", "long enough pw"),
                ("confirm", "long enough px"),
            ],
        )
        .await;
    assert!(differ.text("#confirm-error").contains("different"));
    let ok = nadia
        .post(
            &link,
            &[
                ("password", "my new password"),
                ("confirm", "my new password"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let first = nadia.get("/today").await;
    assert_eq!(
        first.location(),
        "/me/habit?welcome=1",
        "a new learner starts with onboarding"
    );
    assert!(
        nadia
            .get("/me/settings")
            .await
            .text(".account")
            .contains("Nadia Rahman")
    );

    let again = app
        .client()
        .post(
            &link,
            &[
                ("password", "another password"),
                ("confirm", "another password"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::GONE, "an invitation works once");
    assert_eq!(app.client().get(&link).await.status, StatusCode::GONE);
    assert_eq!(
        app.client()
            .login("nadia@example.com", "my new password")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_expired_invitation_is_refused() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    admin
        .post(
            "/admin/people",
            &[
                ("name", "Late Person"),
                ("email", "late@example.com"),
                ("role", "learner"),
                ("timezone", "UTC"),
            ],
        )
        .await;
    let link = app.last_mail_link("late@example.com").await.unwrap();
    sqlx::query("UPDATE account_tokens SET expires_at = now() - interval '1 minute'")
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app
        .client()
        .post(
            &link,
            &[
                ("password", "long enough pw"),
                ("confirm", "long enough pw"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::GONE);
    assert_eq!(res.text("h1"), "This invitation has expired");
    assert_eq!(app.scalar_i64("SELECT count(*) FROM users WHERE email = 'late@example.com' AND password_hash IS NOT NULL").await, 0);
}

#[tokio::test]
async fn a_reset_link_works_once_within_the_hour() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let res = c.post("/forgot", &[("email", "Learner@example.com")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let msg = c.get("/login").await.text("[role=status]");
    assert!(msg.contains("If that address has an Inflow account"));

    let unknown = c.post("/forgot", &[("email", "nobody@example.com")]).await;
    assert_eq!(
        unknown.status,
        StatusCode::SEE_OTHER,
        "unknown addresses look the same"
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM outbox WHERE to_email = 'nobody@example.com'")
            .await,
        0
    );
    let bad = c.post("/forgot", &[("email", "not an email")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.input_value("email").as_deref(), Some("not an email"));

    let link = app
        .last_mail_link("learner@example.com")
        .await
        .expect("reset mail");
    assert!(link.starts_with("/reset/"));
    let res = c
        .post(
            &link,
            &[
                ("password", "a brand new secret"),
                ("confirm", "a brand new secret"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.client()
            .login("learner@example.com", "inflow-demo")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.client()
            .login("learner@example.com", "a brand new secret")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let reuse = app
        .client()
        .post(
            &link,
            &[
                ("password", "yet another secret"),
                ("confirm", "yet another secret"),
            ],
        )
        .await;
    assert_eq!(reuse.status, StatusCode::GONE);

    c.post("/forgot", &[("email", "learner@example.com")]).await;
    let link = app.last_mail_link("learner@example.com").await.unwrap();
    sqlx::query(
        "UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        app.client().get(&link).await.status,
        StatusCode::GONE,
        "older than an hour"
    );
    let hashes: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM account_tokens")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    let token = link.rsplit('/').next().unwrap();
    assert!(
        hashes.iter().all(|h| h.as_slice() != token.as_bytes()),
        "tokens are stored hashed"
    );
}
