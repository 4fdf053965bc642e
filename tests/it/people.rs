//! People admin: list and search, create and edit, deactivate, teams, the
//! audit log, demo data (CSV import and export: `people_import.rs`).

use axum::http::StatusCode;

use crate::harness::TestApp;

#[tokio::test]
async fn the_people_list_searches_and_paginates() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    let all = c.get("/admin/people").await;
    assert!(all.body.contains("41 people"));
    assert_eq!(all.texts("tbody tr").len(), 25);
    assert!(all.text("nav.pager").contains("Page 1 of 2"));
    let page2 = c.get("/admin/people?q=&page=2").await;
    assert_eq!(page2.texts("tbody tr").len(), 16);
    let found = c.get("/admin/people?q=martins").await;
    assert_eq!(
        found.texts("tbody td:first-child"),
        vec!["Leo Martins".to_owned()]
    );
    // A search that finds everyone pages and sorts as the whole list does.
    let everyone = app
        .scalar_i64("SELECT count(*) FROM users WHERE email LIKE '%example.com%'")
        .await;
    assert_eq!(everyone, 41, "every demo address is at example.com");
    let by_email = c.get("/admin/people?q=EXAMPLE.COM").await;
    assert!(by_email.body.contains("41 people"));
    assert_eq!(
        by_email.texts("tbody td:first-child"),
        all.texts("tbody td:first-child")
    );
    let by_email2 = c.get("/admin/people?q=example.com&page=2").await;
    assert_eq!(
        by_email2.texts("tbody td:first-child"),
        page2.texts("tbody td:first-child")
    );
    let nobody = c.get("/admin/people?q=nobody-by-this-name").await;
    assert!(nobody.body.contains("0 people"));
    assert!(nobody.texts("tbody tr").is_empty());
    let odd = c
        .get("/admin/people?q=%25_%27%3B%20DROP%20TABLE%20users")
        .await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(odd.body.contains("0 people"));
}

#[tokio::test]
async fn a_bad_person_form_keeps_input_and_saves_nothing() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    let res = c
        .post(
            "/admin/people",
            &[
                ("name", "Zed"),
                ("email", "learner@example.com"),
                ("role", "learner"),
                ("manager_email", "ghost@example.com"),
                ("timezone", "Atlantis/Capital"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text("#timezone-error").contains("time zone"));
    assert_eq!(res.input_value("name").as_deref(), Some("Zed"));
    assert_eq!(
        res.input_value("timezone").as_deref(),
        Some("Atlantis/Capital")
    );
    let res = c
        .post(
            "/admin/people",
            &[
                ("name", "Zed"),
                ("email", "learner@example.com"),
                ("role", "learner"),
                ("manager_email", "ghost@example.com"),
                ("timezone", "UTC"),
            ],
        )
        .await;
    assert!(res.text("#email-error").contains("already has this email"));
    assert!(
        res.text("#manager_email-error")
            .contains("Nobody in Inflow")
    );
    assert_eq!(app.scalar_i64("SELECT count(*) FROM users").await, 41);
}

#[tokio::test]
async fn editing_a_manager_link_refuses_a_loop() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    let maya: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'manager@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let form = c.get(&format!("/admin/people/{maya}")).await;
    assert_eq!(form.text("#team_id option[selected]"), "Product");
    assert_eq!(form.text("#role option[selected]"), "Manager");
    assert_eq!(
        form.input_value("timezone").as_deref(),
        Some("Europe/London")
    );
    let res = c
        .post(
            &format!("/admin/people/{maya}"),
            &[
                ("name", "Maya Patel"),
                ("email", "manager@example.com"),
                ("role", "manager"),
                ("manager_email", "learner@example.com"),
                ("timezone", "Europe/London"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text("#manager_email-error").contains("loop"));
    let ok = c
        .post(
            &format!("/admin/people/{maya}"),
            &[
                ("name", "Maya Patel-Jones"),
                ("email", "manager@example.com"),
                ("role", "manager"),
                ("manager_email", "sam.carter@example.com"),
                ("timezone", "Europe/Dublin"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let row: (String, String) = sqlx::query_as(
        "SELECT u.name, m.email FROM users u JOIN users m ON m.id = u.manager_id WHERE u.id = $1",
    )
    .bind(maya)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        ("Maya Patel-Jones".into(), "sam.carter@example.com".into())
    );
    let audit = c.get("/admin/audit").await;
    assert!(audit.text("tbody").contains("person.update"));
}

#[tokio::test]
async fn deactivating_blocks_sign_in_and_keeps_data() {
    let app = TestApp::demo().await;
    let mut learner = app.signed_in("learner@example.com").await;
    let mut admin = app.signed_in("admin@example.com").await;
    let leo: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'learner@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        admin
            .post(&format!("/admin/people/{leo}/deactivate"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        learner.get("/me/settings").await.status,
        StatusCode::SEE_OTHER,
        "their session ends"
    );
    assert_eq!(
        app.client()
            .login("learner@example.com", "inflow-demo")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM users WHERE email = 'learner@example.com'")
            .await,
        1
    );
    assert!(
        admin
            .get("/admin/people?q=leo")
            .await
            .text("tbody")
            .contains("Deactivated")
    );
    admin
        .post(&format!("/admin/people/{leo}/reactivate"), &[])
        .await;
    assert_eq!(
        app.client()
            .login("learner@example.com", "inflow-demo")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE subject = 'learner@example.com' ORDER BY at",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(actions, vec!["person.deactivate", "person.reactivate"]);
}

#[tokio::test]
async fn teams_are_created_renamed_and_list_their_members() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    let dup = c.post("/admin/teams", &[("name", "product")]).await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(dup.text("#name-error").contains("already a team"));
    let res = c.post("/admin/teams", &[("name", "Finance")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let team = c.get(res.location()).await;
    assert_eq!(team.text("h1"), "Finance");
    let res = c.post(res.location(), &[("name", "Finance & Legal")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let list = c.get("/admin/teams").await;
    assert!(
        list.texts("tbody td:first-child")
            .contains(&"Finance & Legal".to_owned())
    );
    // Many teams: 50 a page, and a search by name.
    sqlx::query(
        "INSERT INTO teams (id, name) SELECT gen_random_uuid(), 'Shift ' || n FROM generate_series(1, 60) n",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let total = app.scalar_i64("SELECT count(*) FROM teams").await;
    let first = c.get("/admin/teams").await;
    assert_eq!(first.texts("tbody tr").len(), 50);
    assert!(
        first
            .text("#teams-count")
            .starts_with(&format!("{total} teams"))
    );
    let last = c.get("/admin/teams?q=&page=2").await;
    assert_eq!(last.texts("tbody tr").len() as i64, total - 50);
    let found = c.get("/admin/teams?q=FINANCE").await;
    assert_eq!(
        found.texts("tbody td:first-child"),
        ["Finance & Legal"],
        "any case"
    );
    assert_eq!(found.input_value("q").as_deref(), Some("FINANCE"));
    assert!(found.text("#teams-count").starts_with("1 team match"));
    let product_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Product'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let product = c.get(&format!("/admin/teams/{product_id}")).await;
    assert_eq!(product.texts("tbody tr").len(), 10);
}

#[tokio::test]
async fn seeding_the_demo_twice_duplicates_nothing() {
    let app = TestApp::demo().await;
    inflow::demo::seed(&app.pool).await.unwrap();
    assert_eq!(app.scalar_i64("SELECT count(*) FROM users").await, 41);
    assert_eq!(app.scalar_i64("SELECT count(*) FROM teams").await, 4);
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM users WHERE role = 'manager'")
            .await,
        4
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM audit_log WHERE action = 'demo.seed'")
            .await,
        1
    );
}
