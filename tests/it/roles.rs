//! Route-group boundaries, safe `next`, cross-site requests.

use axum::http::StatusCode;

use crate::harness::TestApp;

#[tokio::test]
async fn a_visitor_is_sent_to_login_with_a_local_next() {
    let app = TestApp::demo().await;
    let mut c = app.client();
    let res = c.get("/admin/people?q=ana").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?next=%2Fadmin%2Fpeople%3Fq%3Dana");
    let form = c.get(res.location()).await;
    assert_eq!(
        form.input_value("next").as_deref(),
        Some("/admin/people?q=ana")
    );
    let res = c
        .post(
            "/login",
            &[
                ("email", "admin@example.com"),
                ("password", "inflow-demo"),
                ("next", "/admin/people?q=ana"),
            ],
        )
        .await;
    assert_eq!(res.location(), "/admin/people?q=ana");

    let mut c = app.client();
    for evil in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let res = c
            .post(
                "/login",
                &[
                    ("email", "learner@example.com"),
                    ("password", "inflow-demo"),
                    ("next", evil),
                ],
            )
            .await;
        assert_eq!(res.location(), "/", "{evil}");
    }
}

#[tokio::test]
async fn a_learner_gets_403_on_admin_and_manage_pages() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    for path in [
        "/admin/people",
        "/admin/teams",
        "/admin/audit",
        "/admin/outbox",
        "/manage/team",
    ] {
        let res = c.get(path).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(res.text("h1"), "Not allowed");
        assert!(
            res.text(".muted").contains("request id"),
            "the 403 page shows a request id"
        );
    }
    let res = c.post("/admin/teams", &[("name", "Sneaky")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM teams WHERE name = 'Sneaky'")
            .await,
        0
    );
    let nav = c.get("/me/settings").await.text("nav[aria-label=Main]");
    assert!(
        nav.contains("Today")
            && nav.contains("Library")
            && !nav.contains("My team")
            && !nav.contains("L&D admin"),
        "{nav}"
    );
}

#[tokio::test]
async fn a_manager_sees_only_their_own_reports_and_no_admin() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("manager@example.com").await;
    let team = c.get("/manage/team").await;
    assert_eq!(team.status, StatusCode::OK);
    let names = team.texts("tbody td:first-child");
    assert_eq!(names.len(), 9);
    assert!(names.contains(&"Leo Martins".to_owned()));
    assert!(
        !names.contains(&"Olivia Brooks".to_owned()),
        "a Sales report is not the Product manager's"
    );
    assert_eq!(c.get("/admin/people").await.status, StatusCode::FORBIDDEN);
    let nav = c.get("/me/settings").await.text("nav[aria-label=Main]");
    assert!(nav.contains("My team") && !nav.contains("L&D admin"));
}

#[tokio::test]
async fn an_admin_reaches_every_area() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    for path in [
        "/admin/people",
        "/admin/teams",
        "/admin/audit",
        "/admin/outbox",
        "/admin/people/import",
        "/manage/team",
        "/me/settings",
        "/me/habit",
        "/admin/library",
        "/admin/topics",
        "/admin/library/import",
        "/library",
        "/support",
    ] {
        assert_eq!(c.get(path).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_changes_nothing() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    let res = c
        .post_cross_site("/admin/teams", &[("name", "Forged")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.text("h1"), "Request refused");
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM teams WHERE name = 'Forged'")
            .await,
        0
    );
    let res = c.post_cross_site("/logout", &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM sessions").await,
        1,
        "a forged logout does nothing"
    );
    assert_eq!(
        c.post("/admin/teams", &[("name", "Real")]).await.status,
        StatusCode::SEE_OTHER
    );
}
