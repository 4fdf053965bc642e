//! The reflection journal: writing (free and guided), search, tags, edit,
//! delete, export, sharing and unsharing, prompts on Today, and the privacy
//! matrix: another learner, the manager of someone else and an admin never
//! see the text of a private entry.

use axum::http::StatusCode;
use uuid::Uuid;

use crate::harness::{Client, TestApp};

const PRIVATE: &str = "Zanzibar-private-thought about my salary worries";
const SHARED: &str = "Quokka-shared note on running better standups";

async fn write(c: &mut Client, body: &str, shared: bool) -> Uuid {
    let mut fields = vec![("body", body), ("tags", "Growth, standups")];
    if shared {
        fields.push(("shared", "on"));
    }
    let res = c.post("/reflections", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    res.location().rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn writing_searching_editing_deleting_and_exporting() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let empty = leo
        .post("/reflections", &[("body", "   "), ("tags", "kept tag")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text("#body-error").contains("Write your reflection"));
    assert_eq!(empty.input_value("tags").as_deref(), Some("kept tag"));

    let id = write(
        &mut leo,
        "Today I *noticed* that short standups keep energy high.",
        false,
    )
    .await;
    let show = leo.get(&format!("/reflections/{id}")).await;
    assert!(show.body.contains("<em>noticed</em>"));
    assert!(show.text("main").contains("Private: only you can see it."));
    assert!(
        leo.get("/reflections?q=standups")
            .await
            .text(".reflection")
            .contains("short standups")
    );
    assert!(
        leo.get("/reflections?q=salary")
            .await
            .texts(".reflection")
            .is_empty()
    );
    assert_eq!(
        leo.get("/reflections?tag=growth")
            .await
            .texts(".reflection")
            .len(),
        1
    );

    let res = leo
        .post(
            &format!("/reflections/{id}"),
            &[
                ("body", "Edited: standups at 9:15 work best."),
                ("tags", "standups"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        leo.get(&format!("/reflections/{id}"))
            .await
            .text(".prose")
            .contains("Edited: standups")
    );

    let export = leo.get("/reflections/export.md").await;
    assert!(
        export.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/markdown")
    );
    assert!(export.body.starts_with("# Reflections of Leo Martins"));
    assert!(export.body.contains("Edited: standups at 9:15 work best."));
    assert!(
        export.body.contains("**What happened?**"),
        "the demo's guided entries are exported too"
    );
    assert!(
        !export.body.contains("Lead with the ask"),
        "Priya's entry is hers"
    );

    let confirm = leo.get(&format!("/reflections/{id}/delete")).await;
    assert_eq!(confirm.text("h1"), "Delete this reflection?");
    assert_eq!(
        leo.post(&format!("/reflections/{id}/delete"), &[])
            .await
            .location(),
        "/reflections"
    );
    assert_eq!(
        leo.get(&format!("/reflections/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_guided_form_and_reflecting_count_as_a_learning_day() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let week = app.week_days_before_today("learner@example.com").await;
    assert!(
        leo.get("/today")
            .await
            .text(".habit-stats")
            .contains(&format!("{week} of 3 days"))
    );
    let form = leo.get("/reflections/new?guided=1").await;
    assert_eq!(
        form.texts("label[for=happened], label[for=so_what], label[for=now_what]")
            .len(),
        3
    );
    let bad = leo
        .post(
            "/reflections",
            &[("guided", "1"), ("so_what", "It mattered")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text("#happened-error").contains("what happened"));
    assert_eq!(bad.text("#so_what"), "It mattered");
    let res = leo
        .post(
            "/reflections",
            &[
                ("guided", "1"),
                ("happened", "A client praised the demo."),
                ("so_what", "Rehearsal paid off."),
                ("now_what", "Rehearse every demo."),
            ],
        )
        .await;
    let page = leo.get(res.location()).await;
    assert_eq!(
        page.texts(".prose strong"),
        vec!["What happened?", "So what?", "Now what?"]
    );
    let today = leo.get("/today").await;
    assert!(
        today
            .text(".habit-stats")
            .contains(&format!("{} of 3 days", week + 1)),
        "a reflection counts"
    );
    assert!(
        today
            .texts("main section h2")
            .iter()
            .all(|h| h != "Reflect"),
        "the prompt goes once you have reflected"
    );
}

#[tokio::test]
async fn todays_prompt_leads_to_a_prefilled_entry() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let today = leo.get("/today").await;
    let prompt = today.text(".reflect-card .prompt");
    assert!(!prompt.is_empty());
    let sel = scraper::Selector::parse(".reflect-card a").unwrap();
    let href = today
        .doc()
        .select(&sel)
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert_eq!(
        leo.get("/today").await.text(".reflect-card .prompt"),
        prompt,
        "the same prompt all day"
    );
    let form = leo.get(&href).await;
    assert_eq!(form.text(".lead"), prompt);
    let pid = form.input_value("prompt_id").unwrap();
    let res = leo
        .post(
            "/reflections",
            &[
                ("guided", "1"),
                ("prompt_id", &pid),
                ("happened", "Something happened."),
            ],
        )
        .await;
    assert!(
        leo.get(res.location())
            .await
            .text(".lead")
            .contains(&prompt)
    );
}

#[tokio::test]
async fn the_admin_adds_prompts_and_sees_counts_never_text() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    write(&mut leo, PRIVATE, false).await;
    let mut admin = app.signed_in("admin@example.com").await;
    let bad = admin.post("/admin/prompts", &[("text", "")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        admin
            .post("/admin/prompts", &[("text", "What surprised you today?")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = admin.get("/admin/prompts").await;
    assert!(page.body.contains("What surprised you today?"));
    assert!(
        page.text("#use-h + p")
            .contains("wrote at least one reflection in the last 30 days")
    );
    assert!(!page.body.contains("Zanzibar"));
}

#[tokio::test]
async fn sharing_shows_an_entry_to_the_manager_and_unsharing_takes_it_back() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    write(&mut leo, PRIVATE, false).await;
    let shared = write(&mut leo, SHARED, true).await;
    let mut maya = app.signed_in("manager@example.com").await;
    let page = maya.get("/manage/reflections").await;
    assert!(page.body.contains("Quokka-shared"));
    assert!(
        !page.body.contains("Zanzibar"),
        "private entries never reach the manager"
    );
    assert!(page.text("main").contains("Leo Martins"));
    leo.post(&format!("/reflections/{shared}/share"), &[("shared", "0")])
        .await;
    assert!(
        !maya
            .get("/manage/reflections")
            .await
            .body
            .contains("Quokka-shared"),
        "unsharing is immediate"
    );
    assert_eq!(
        maya.get(&format!("/reflections/{shared}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn nobody_else_ever_sees_a_private_entry() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let private = write(&mut leo, PRIVATE, false).await;
    let shared = write(&mut leo, SHARED, true).await;
    let leo_id: Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'learner@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();

    // Another learner (same team, same manager).
    let mut priya = app.signed_in("priya.nair@example.com").await;
    for id in [private, shared] {
        for path in [
            format!("/reflections/{id}"),
            format!("/reflections/{id}/edit"),
            format!("/reflections/{id}/delete"),
        ] {
            assert_eq!(
                priya.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        assert_eq!(
            priya
                .post(&format!("/reflections/{id}"), &[("body", "hijacked")])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            priya
                .post(&format!("/reflections/{id}/share"), &[("shared", "1")])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            priya
                .post(&format!("/reflections/{id}/delete"), &[])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
    for path in [
        "/reflections",
        "/reflections?q=Zanzibar",
        "/reflections?q=Quokka",
        "/reflections/export.md",
        "/today",
        "/today/history",
    ] {
        let body = priya.get(path).await.body;
        assert!(
            !body.contains("salary worries") && !body.contains("running better standups"),
            "{path}"
        );
    }
    assert!(
        priya
            .get("/reflections?q=Zanzibar")
            .await
            .texts(".reflection")
            .is_empty(),
        "search covers one's own entries only"
    );
    assert_eq!(
        priya.get("/manage/reflections").await.status,
        StatusCode::FORBIDDEN
    );

    // The manager of someone else.
    let mut sam = app.signed_in("sam.carter@example.com").await;
    for path in [
        "/manage/reflections".to_owned(),
        "/manage/team".to_owned(),
        format!("/reflections/{shared}"),
    ] {
        let body = sam.get(&path).await.body;
        assert!(
            !body.contains("salary worries") && !body.contains("running better standups"),
            "{path}"
        );
    }

    // Leo's own manager sees only the shared one.
    let mut maya = app.signed_in("manager@example.com").await;
    let body = maya.get("/manage/reflections").await.body;
    assert!(body.contains("running better standups") && !body.contains("salary worries"));

    // An admin: no page shows the text.
    let mut admin = app.signed_in("admin@example.com").await;
    let mut paths = vec![
        format!("/reflections/{private}"),
        format!("/reflections/{shared}"),
        "/reflections".into(),
        "/reflections/export.md".into(),
        "/admin/prompts".into(),
        "/admin/audit".into(),
        "/admin/outbox".into(),
        "/admin/people".into(),
        format!("/admin/people/{leo_id}"),
        "/admin/people/export.csv".into(),
        "/manage/reflections".into(),
        "/metrics".into(),
    ];
    paths.push("/library".into());
    for path in paths {
        let body = admin.get(&path).await.body;
        assert!(
            !body.contains("salary worries") && !body.contains("running better standups"),
            "{path}"
        );
    }
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM reflections WHERE body LIKE 'Zanzibar%'")
            .await,
        1,
        "still there, untouched"
    );
}
