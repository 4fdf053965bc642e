//! Sign-in, failures, lockout, sign-out and session rotation.

use axum::http::StatusCode;

use crate::harness::TestApp;

#[tokio::test]
async fn login_success_sets_a_safe_session_cookie_and_follows_next() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let res = c
        .post(
            "/login",
            &[
                ("email", " Learner@Example.com "),
                ("password", "inflow-demo"),
                ("next", "/me/settings"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/me/settings");
    let cookie = res
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("inflow_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http must not set Secure: {cookie}"
    );
    let page = c.get("/me/settings").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text(".account").contains("Leo Martins"),
        "{}",
        page.text("h1")
    );
    assert_eq!(app.scalar_i64("SELECT count(*) FROM sessions").await, 1);
}

#[tokio::test]
async fn each_login_failure_has_a_clear_message_and_keeps_the_email() {
    let app = TestApp::demo().await;
    let mut c = app.client();

    let empty = c.post("/login", &[("email", ""), ("password", "")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty.text("#email-error"), "Enter your email address.");
    assert_eq!(empty.text("#password-error"), "Enter your password.");

    let wrong = c.login("learner@example.com", "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text("[role=alert]")
            .contains("do not match an account")
    );
    assert_eq!(
        wrong.input_value("email").as_deref(),
        Some("learner@example.com")
    );

    let unknown = c.login("nobody@example.com", "whatever-long").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        unknown.text("[role=alert]"),
        wrong.text("[role=alert]"),
        "unknown accounts look the same"
    );

    sqlx::query("UPDATE users SET active = false WHERE email = 'learner@example.com'")
        .execute(&app.pool)
        .await
        .unwrap();
    let inactive = c.login("learner@example.com", "inflow-demo").await;
    assert_eq!(inactive.status, StatusCode::FORBIDDEN);
    assert!(inactive.text("[role=alert]").contains("deactivated"));
    assert!(!c.cookies.contains_key("inflow_session"));
    assert_eq!(app.scalar_i64("SELECT count(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn ten_failures_lock_the_account_for_fifteen_minutes_and_success_resets() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    for _ in 0..10 {
        assert_eq!(
            c.login("learner@example.com", "wrong password!")
                .await
                .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let locked = c.login("learner@example.com", "inflow-demo").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        locked
            .text("[role=alert]")
            .contains("locked for 15 more minutes"),
        "{}",
        locked.text("[role=alert]")
    );
    // Another account is not affected.
    assert_eq!(
        c.login("manager@example.com", "inflow-demo").await.status,
        StatusCode::SEE_OTHER
    );

    // Fifteen minutes later the right password works and clears the count.
    sqlx::query("UPDATE login_failures SET at = at - interval '16 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut c2 = app.client();
    assert_eq!(
        c2.login("learner@example.com", "inflow-demo").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM login_failures WHERE email = 'learner@example.com'")
            .await,
        0
    );
}

#[tokio::test]
async fn one_client_address_is_throttled_across_accounts() {
    let app = TestApp::demo().await;
    sqlx::query("INSERT INTO login_failures (email, client_ip) SELECT 'x' || g || '@example.com', '10.0.0.1' FROM generate_series(1, 50) g")
        .execute(&app.pool)
        .await
        .unwrap();
    let mut c = app.client();
    let res = c.login("learner@example.com", "inflow-demo").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text("[role=alert]").contains("from your network"));
    let mut elsewhere = app.client();
    elsewhere.ip = "10.0.0.2:1234".parse().unwrap();
    assert_eq!(
        elsewhere
            .login("learner@example.com", "inflow-demo")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let res = c.post("/logout", &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login");
    assert_eq!(app.scalar_i64("SELECT count(*) FROM sessions").await, 0);
    let after = c.get("/login").await;
    assert!(after.text("[role=status]").contains("You have signed out."));
    assert_eq!(c.get("/me/settings").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_session_id_changes_at_login() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let first = c.cookies["inflow_session"].clone();
    let stolen = first.clone();
    assert_eq!(
        c.login("learner@example.com", "inflow-demo").await.status,
        StatusCode::SEE_OTHER
    );
    let second = c.cookies["inflow_session"].clone();
    assert_ne!(first, second);
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM sessions").await,
        1,
        "the old session is gone"
    );
    let mut attacker = app.client();
    attacker.cookies.insert("inflow_session".into(), stolen);
    assert_eq!(
        attacker.get("/me/settings").await.status,
        StatusCode::SEE_OTHER,
        "the old id no longer signs anyone in"
    );
}

/// A session in use is marked seen (at most once a minute), which is what
/// keeps it from expiring while the person is active.
#[tokio::test]
async fn a_session_in_use_is_marked_seen() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    sqlx::query("UPDATE sessions SET last_seen_at = now() - interval '7 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(c.get("/me/settings").await.status, StatusCode::OK);
    let fresh = app
        .scalar_i64(
            "SELECT count(*) FROM sessions WHERE last_seen_at > now() - interval '1 minute'",
        )
        .await;
    assert_eq!(fresh, 1, "the request marked its session seen");
    // Seven hours later again, the session still signs in: it was renewed.
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - interval '7 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(c.get("/me/settings").await.status, StatusCode::OK);
}

#[tokio::test]
async fn idle_sessions_expire_after_eight_hours() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    assert_eq!(c.get("/me/settings").await.status, StatusCode::OK);
    sqlx::query("UPDATE sessions SET last_seen_at = now() - interval '9 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(c.get("/me/settings").await.status, StatusCode::SEE_OTHER);
    let mut c = app.signed_in("learner@example.com").await;
    sqlx::query("UPDATE sessions SET created_at = now() - interval '31 days'")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        c.get("/me/settings").await.status,
        StatusCode::SEE_OTHER,
        "absolute limit"
    );
    let mut conn = app.pool.acquire().await.unwrap();
    let purged = inflow::auth::store::purge_expired(&mut conn).await.unwrap();
    assert_eq!(purged.sessions, 2);
    assert_eq!(app.scalar_i64("SELECT count(*) FROM sessions").await, 0);
}

#[tokio::test]
async fn signing_in_with_a_stale_cookie_keeps_the_new_session() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    c.cookies.insert("inflow_session".into(), "00".repeat(32));
    let res = c.login("learner@example.com", "inflow-demo").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.set_cookies()
            .iter()
            .filter(|c| c.starts_with("inflow_session="))
            .count(),
        1
    );
    assert_eq!(c.get("/me/settings").await.status, StatusCode::OK);
}

#[tokio::test]
async fn behind_a_trusted_proxy_throttling_uses_the_forwarded_address() {
    let mut app = TestApp::demo().await;
    app.change_settings(|settings| {
        settings.trust_proxy = true;
    });
    sqlx::query("INSERT INTO login_failures (email, client_ip) SELECT 'x' || g || '@example.com', '203.0.113.9' FROM generate_series(1, 50) g")
        .execute(&app.pool)
        .await
        .unwrap();
    let forwarded = |client: &str| {
        axum::http::Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-forwarded-for", format!("198.51.100.1, {client}"))
            .body(axum::body::Body::from(
                "email=learner%40example.com&password=inflow-demo",
            ))
            .unwrap()
    };
    let mut c = app.client();
    assert_eq!(
        c.send(forwarded("203.0.113.9")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        c.send(forwarded("203.0.113.10")).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_https_public_url_marks_the_session_cookie_secure() {
    let mut app = TestApp::demo().await;
    app.change_settings(|settings| {
        settings.public_url = "https://learn.example.com".into();
        settings.secure_cookies = true;
    });
    let res = app
        .client()
        .login("learner@example.com", "inflow-demo")
        .await;
    let cookie = res
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("inflow_session="))
        .unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

/// Today reads the session with its own state in one statement
/// (`daily::store::today::with_session`): by the same rules as every other
/// page's session, and should that statement fail, by reading the session
/// alone.
#[tokio::test]
async fn today_reads_the_session_by_the_same_rules() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let first: String = sqlx::query_scalar(
        "SELECT split_part(name, ' ', 1) FROM users WHERE email = 'learner@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let greets = |res: crate::harness::Res| {
        assert_eq!(res.status, StatusCode::OK);
        assert!(res.body.contains(&format!("Hello, {first}")));
    };
    greets(c.get("/today").await);

    // A session in use is marked seen.
    app.exec("UPDATE sessions SET last_seen_at = now() - interval '7 hours'")
        .await;
    assert_eq!(c.get("/today").await.status, StatusCode::OK);
    let fresh = "SELECT count(*) FROM sessions WHERE last_seen_at > now() - interval '1 minute'";
    assert_eq!(
        app.scalar_i64(fresh).await,
        1,
        "Today marked its session seen"
    );

    // A time zone Postgres does not know fails the joint statement: the
    // session is read alone and the page reads its state itself (Inflow
    // reckons the day in UTC then).
    let learner = "email = 'learner@example.com'";
    app.exec(&format!(
        "UPDATE users SET timezone = 'Mars/Olympus_Mons' WHERE {learner}"
    ))
    .await;
    greets(c.get("/today").await);
    app.exec(&format!(
        "UPDATE users SET timezone = 'Europe/London' WHERE {learner}"
    ))
    .await;

    // An idle session, one past its absolute limit, or a deactivated
    // person's session signs in no more: back to sign-in, cookie cleared.
    for spoil in [
        "UPDATE sessions SET last_seen_at = now() - interval '9 hours'",
        "UPDATE sessions SET created_at = now() - interval '31 days'",
        "UPDATE users SET active = false WHERE email = 'learner@example.com'",
    ] {
        let mut c = app.signed_in("learner@example.com").await;
        assert_eq!(c.get("/today").await.status, StatusCode::OK);
        app.exec(spoil).await;
        let res = c.get("/today").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{spoil}");
        assert_eq!(res.location(), "/login?next=%2Ftoday", "{spoil}");
        assert!(
            res.set_cookies()
                .iter()
                .any(|v| v.starts_with("inflow_session=;")),
            "{spoil}: the stale cookie is cleared"
        );
        app.exec("UPDATE sessions SET last_seen_at = now(), created_at = now()")
            .await;
    }
}
