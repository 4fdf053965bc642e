//! Library authoring through HTTP: drafts, preview and publishing, rejected
//! input, sanitising, slug redirects, topic merges and the link import.

use axum::http::StatusCode;

use crate::harness::{Client, TestApp};
use crate::library::{item_id, topic_id};

/// Create an item as admin and return its edit URL.
async fn create_item(admin: &mut Client, fields: &[(&str, &str)]) -> String {
    let res = admin.post("/admin/library", fields).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "{}",
        res.text("[role=alert], .error")
    );
    res.location().to_owned()
}

async fn publish(admin: &mut Client, edit_url: &str) {
    set_status(admin, edit_url, "published").await;
}

/// Move an item (by its edit URL) to another status as admin.
pub(crate) async fn set_status(admin: &mut Client, edit_url: &str, to: &str) {
    let res = admin
        .post(&format!("{edit_url}/status"), &[("to", to)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "to {to}");
}

#[tokio::test]
async fn a_draft_is_invisible_until_published_and_the_preview_shows_it() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let feedback = topic_id(&app, "Feedback").await.to_string();
    let edit = create_item(
        &mut admin,
        &[
            ("title", "Five-minute feedback warm-up"),
            (
                "summary",
                "A quick exercise before a feedback conversation.",
            ),
            ("kind", "article"),
            ("body", "Breathe, then name **one** behaviour."),
            ("minutes", "5"),
            ("topics", &feedback),
        ],
    )
    .await;
    let mut learner = app.signed_in("learner@example.com").await;
    assert_eq!(
        learner
            .get("/library/five-minute-feedback-warm-up")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !learner
            .get("/library?q=warm-up")
            .await
            .body
            .contains("Five-minute feedback warm-up")
    );

    let preview = admin.get(&format!("{edit}/preview")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.text("[role=note]").contains("Preview"));
    assert!(
        preview
            .text(".prose")
            .contains("Breathe, then name one behaviour.")
    );
    assert!(preview.body.contains("<strong>one</strong>"));
    assert!(
        preview.text(".crumbs").contains("Feedback"),
        "the preview lists the item's topics"
    );
    let views: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM activities a JOIN content_items i ON i.id = a.object_id
         WHERE a.verb = 'viewed' AND i.slug = 'five-minute-feedback-warm-up'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        views, 0,
        "neither the learner's 404 nor the preview is a view"
    );

    publish(&mut admin, &edit).await;
    let page = learner.get("/library/five-minute-feedback-warm-up").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text("h1"), "Five-minute feedback warm-up");
    assert!(page.text(".crumbs").contains("Feedback"));
    admin
        .post(&format!("{edit}/status"), &[("to", "archived")])
        .await;
    assert_eq!(
        learner
            .get("/library/five-minute-feedback-warm-up")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'item.%' ORDER BY at")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        vec!["item.create", "item.published", "item.archived"]
    );
}

#[tokio::test]
async fn rejected_input_keeps_what_was_typed_and_saves_nothing() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let before = app.scalar_i64("SELECT count(*) FROM content_items").await;
    let writing = topic_id(&app, "Writing").await.to_string();
    let res = admin
        .post(
            "/admin/library",
            &[
                ("title", "Half-finished"),
                ("summary", ""),
                ("kind", "article"),
                ("body", "Some *text* I wrote"),
                ("url", "javascript:alert(1)"),
                ("minutes", "600"),
                ("topics", &writing),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text("#summary-error").contains("summary"));
    assert!(res.text("#url-error").contains("https://"));
    assert!(res.text("#minutes-error").contains("1 to 120"));
    assert_eq!(res.input_value("title").as_deref(), Some("Half-finished"));
    assert_eq!(res.text("#body"), "Some *text* I wrote");
    assert_eq!(
        res.input_value("url").as_deref(),
        Some("javascript:alert(1)")
    );
    assert_eq!(
        res.texts(&format!("#topic-{writing}[checked]")).len(),
        1,
        "the chosen topic stays ticked"
    );

    let huge = "word ".repeat(21_000);
    let res = admin
        .post(
            "/admin/library",
            &[
                ("title", "Too long"),
                ("summary", "S"),
                ("kind", "article"),
                ("body", &huge),
                ("minutes", "5"),
                ("topics", &writing),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text("#body-error").contains("limit is 100 KB"));
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM content_items").await,
        before
    );
}

#[tokio::test]
async fn hostile_markdown_never_reaches_the_page() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let body = "Hello\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n[click me](javascript:alert(1))\n\n<a href=\"javascript:alert(2)\" onclick=\"alert(3)\">link</a>\n\n<iframe src=\"https://evil.example\"></iframe>";
    let tooling = topic_id(&app, "Tooling").await.to_string();
    let edit = create_item(
        &mut admin,
        &[
            ("title", "Hostile"),
            ("summary", "S"),
            ("kind", "article"),
            ("body", body),
            ("minutes", "2"),
            ("topics", &tooling),
        ],
    )
    .await;
    publish(&mut admin, &edit).await;
    let page = admin.get("/library/hostile").await;
    let prose = page
        .doc()
        .select(&scraper::Selector::parse(".prose").unwrap())
        .next()
        .unwrap()
        .html()
        .to_lowercase();
    for bad in ["<script", "onerror", "onclick", "javascript:", "<iframe"] {
        assert!(!prose.contains(bad), "{bad} in {prose}");
    }
    assert!(prose.contains("hello") && prose.contains("click me"));
}

#[tokio::test]
async fn renaming_keeps_the_old_link_working() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let id = item_id(&app, "write-the-conclusion-first").await;
    let edit = format!("/admin/library/{id}");
    let form = admin.get(&edit).await;
    let writing = topic_id(&app, "Writing").await.to_string();
    assert_eq!(form.texts(&format!("#topic-{writing}[checked]")).len(), 1);
    let body = form.text("#body");
    let res = admin
        .post(
            &edit,
            &[
                ("title", "Lead with the answer"),
                ("summary", "Put the conclusion first."),
                ("kind", "article"),
                ("body", &body),
                ("minutes", "3"),
                ("topics", &writing),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut visitor = app.signed_in("learner@example.com").await;
    let old = visitor.get("/library/write-the-conclusion-first").await;
    assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(old.location(), "/library/lead-with-the-answer");
    assert_eq!(
        visitor.get("/library/lead-with-the-answer").await.status,
        StatusCode::OK
    );
    // Renamed back: the first slug is current again, the second redirects.
    admin
        .post(
            &edit,
            &[
                ("title", "Write the conclusion first"),
                ("summary", "S"),
                ("kind", "article"),
                ("body", &body),
                ("minutes", "3"),
                ("topics", &writing),
            ],
        )
        .await;
    assert_eq!(
        visitor
            .get("/library/write-the-conclusion-first")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        visitor
            .get("/library/lead-with-the-answer")
            .await
            .location(),
        "/library/write-the-conclusion-first"
    );
}

#[tokio::test]
async fn merging_topics_moves_the_items_over() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let res = admin
        .post("/admin/topics", &[("name", "Giving feedback")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let dup = admin.post("/admin/topics", &[("name", "feedback")]).await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    let from = topic_id(&app, "Feedback").await;
    let into = topic_id(&app, "Giving feedback").await;
    let n_feedback = app.scalar_i64("SELECT count(*) FROM item_topics it JOIN topics t ON t.id = it.topic_id WHERE t.name = 'Feedback'").await;
    assert!(n_feedback >= 8);
    let res = admin
        .post(
            "/admin/topics/merge",
            &[("from", &from.to_string()), ("into", &into.to_string())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM topics WHERE name = 'Feedback'")
            .await,
        0
    );
    assert_eq!(app.scalar_i64("SELECT count(*) FROM item_topics it JOIN topics t ON t.id = it.topic_id WHERE t.name = 'Giving feedback'").await, n_feedback);
    let page = admin.get("/admin/topics").await;
    assert!(
        page.text("[role=status]")
            .contains(&format!("{n_feedback} items moved over"))
    );
}

#[tokio::test]
async fn importing_links_previews_then_lands_all_or_nothing() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let good = "title,url,source,kind,minutes,topics,summary\n\
Working agreements,https://example.org/working-agreements,Example,guide,6,Leading teams; Team rituals,How teams agree how they work.\n\
Inbox zero,https://example.org/inbox-zero,Example,,4,Tooling,A way to keep email under control.\n";
    let preview = admin
        .post_multipart(
            "/admin/library/import",
            &[("csv", good), ("action", "preview"), ("publish", "on")],
            &[],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview
            .text("[role=status]")
            .contains("2 links to add, and new topics: Team rituals")
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM content_items").await,
        60
    );
    let res = admin
        .post_multipart(
            "/admin/library/import",
            &[("csv", good), ("action", "import"), ("publish", "on")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar_i64("SELECT count(*) FROM content_items WHERE status = 'published' AND url LIKE 'https://example.org/%'").await, 2);
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM topics WHERE name = 'Team rituals'")
            .await,
        1
    );

    let bad = "title,url,source,kind,minutes,topics,summary\n\
New one,https://example.org/new,Example,link,5,Tooling,Fine.\n\
Again,https://example.org/inbox-zero,Example,link,5,Tooling,Duplicate of the library.\n\
,notaurl,,podcastish,0,,\n";
    let res = admin
        .post_multipart(
            "/admin/library/import",
            &[("csv", bad), ("action", "import")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = res.texts("ul.problems li");
    assert_eq!(problems.len(), 2);
    assert!(
        problems[0].starts_with("Line 3:")
            && problems[0].contains("already in the library (/library/inbox-zero)")
    );
    assert!(problems[1].starts_with("Line 4:"));
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM content_items WHERE url = 'https://example.org/new'")
            .await,
        0
    );
}
