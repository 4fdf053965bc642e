//! A person's own settings.

use axum::http::StatusCode;

use crate::harness::TestApp;

#[tokio::test]
async fn settings_validate_the_time_zone_and_keep_what_was_typed() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let bad = c
        .post(
            "/me/settings",
            &[("name", "Leo M."), ("timezone", "Mars/Olympus")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text("#timezone-error").contains("time zone"));
    assert_eq!(bad.input_value("timezone").as_deref(), Some("Mars/Olympus"));
    assert_eq!(bad.input_value("name").as_deref(), Some("Leo M."));
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM users WHERE name = 'Leo M.'")
            .await,
        0
    );

    let ok = c
        .post(
            "/me/settings",
            &[("name", "Leo M."), ("timezone", "America/Chicago")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = c.get("/me/settings").await;
    assert_eq!(page.text("[role=status]"), "Your settings are saved.");
    assert_eq!(
        page.input_value("timezone").as_deref(),
        Some("America/Chicago")
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let mut other_device = app.signed_in("learner@example.com").await;
    let bad = c
        .post(
            "/me/password",
            &[
                ("current", "wrong one!!"),
                ("password", "new password 1"),
                ("confirm", "new password 1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text("#current-error")
            .contains("not your current password")
    );
    let ok = c
        .post(
            "/me/password",
            &[
                ("current", "inflow-demo"),
                ("password", "new password 1"),
                ("confirm", "new password 1"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(
        c.get("/me/settings").await.status,
        StatusCode::OK,
        "this device stays signed in"
    );
    assert_eq!(
        other_device.get("/me/settings").await.status,
        StatusCode::SEE_OTHER,
        "other devices are signed out"
    );
    assert_eq!(
        app.client()
            .login("learner@example.com", "new password 1")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}
