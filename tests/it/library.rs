//! The library: authoring and publishing, sanitising, slugs, topics, search,
//! filters, saved items and collections, the learning record, open access,
//! embed, feeds and Open Graph tags.

use axum::http::StatusCode;
use uuid::Uuid;

use crate::harness::{Client, TestApp};

async fn topic_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM topics WHERE name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn item_id(app: &TestApp, slug: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM content_items WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

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
    let res = admin
        .post(&format!("{edit_url}/status"), &[("to", "published")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
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
async fn search_ranks_titles_first_tolerates_typos_and_combines_with_filters() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let res = c.get("/library?q=feedback").await;
    let titles = res.texts(".item-card h3");
    assert!(titles.len() >= 6, "{titles:?}");
    assert!(
        titles[0].to_lowercase().contains("feedback"),
        "a title match comes first: {titles:?}"
    );
    assert!(res.body.contains("<mark>"), "matches are highlighted");

    let typo = c.get("/library?q=feedbak").await;
    assert!(typo.text("[role=status]").contains("No exact matches"));
    assert!(
        typo.texts(".item-card h3")
            .iter()
            .any(|t| t.contains("feedback")),
        "{:?}",
        typo.texts(".item-card h3")
    );

    let filtered = c.get("/library?q=feedback&topic=wellbeing").await;
    assert_eq!(
        filtered.texts(".item-card h3"),
        vec!["Receiving difficult feedback without getting defensive".to_owned()]
    );
    let short = c.get("/library?topic=tooling&length=short").await;
    assert!(
        short
            .texts(".item-card .meta")
            .iter()
            .all(|m| m.contains(" min") && !m.contains("45 min"))
    );
    let videos = c.get("/library?kind=video").await;
    assert!(
        videos
            .texts(".item-card .meta")
            .iter()
            .all(|m| m.starts_with("Video"))
    );

    for silly in [
        "%22%22%22",
        "%27%3B%20DROP%20TABLE%20content_items%3B--",
        "(((",
        "!!!%20%26%26%20%7C%7C",
        "the",
    ] {
        let res = c.get(&format!("/library?q={silly}")).await;
        assert_eq!(res.status, StatusCode::OK, "{silly}");
    }
    let long = "x".repeat(2000);
    assert_eq!(
        c.get(&format!("/library?q={long}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM content_items").await,
        60
    );
}

#[tokio::test]
async fn browse_paginates_and_sorts_by_usefulness() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let first = c.get("/library").await;
    assert!(first.text("[role=status]").contains("56 items"));
    assert_eq!(first.texts(".item-card").len(), 20);
    assert_eq!(c.get("/library?page=3").await.texts(".item-card").len(), 16);
    let useful = c.get("/library?sort=useful").await;
    let top = useful.texts(".item-card h3")[0].clone();
    let best: String = sqlx::query_scalar("SELECT title FROM content_items WHERE status = 'published' ORDER BY useful_yes - useful_no DESC, published_at DESC LIMIT 1").fetch_one(&app.pool).await.unwrap();
    assert_eq!(top, best);
}

#[tokio::test]
async fn done_counts_once_and_the_record_has_the_local_date() {
    let app = TestApp::demo().await;
    sqlx::query(
        "UPDATE users SET timezone = 'Pacific/Kiritimati' WHERE email = 'learner@example.com'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let mut c = app.signed_in("learner@example.com").await;
    let slug = "praise-that-means-something";
    let id = item_id(&app, slug).await;
    assert_eq!(
        c.get(&format!("/library/{slug}")).await.status,
        StatusCode::OK
    );
    let res = c.post(&format!("/library/{slug}/done"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let again = c.post(&format!("/library/{slug}/done"), &[]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let page = c.get(&format!("/library/{slug}")).await;
    assert!(page.text("[role=status]").contains("already done"));
    assert!(page.text(".done-badge").contains("Done"));
    let completed = sqlx::query_scalar::<_, i64>(
        "SELECT count(*) FROM activities WHERE verb = 'completed' AND object_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(completed, 1);
    let (viewed, local): (i64, chrono::NaiveDate) = sqlx::query_as(
        "SELECT count(*), max(local_date) FROM activities WHERE verb = 'viewed' AND object_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(viewed, 2);
    let kiritimati = chrono::Utc::now()
        .with_timezone(&chrono_tz::Pacific::Kiritimati)
        .date_naive();
    assert_eq!(local, kiritimati, "the learner's own date (UTC+14)");
    let err = sqlx::query("UPDATE activities SET verb = 'viewed'")
        .execute(&app.pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"));
}

#[tokio::test]
async fn saving_rating_and_collections_are_private_unless_shared() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let mut priya = app.signed_in("priya.nair@example.com").await;
    let slug = "plain-language-in-five-rules";
    leo.post(&format!("/library/{slug}/save"), &[("saved", "1")])
        .await;
    assert!(
        leo.get("/library/saved")
            .await
            .texts(".item-card h3")
            .contains(&"Plain language in five rules".to_owned())
    );
    assert!(
        !priya
            .get("/library/saved")
            .await
            .texts(".item-card h3")
            .contains(&"Plain language in five rules".to_owned())
    );
    leo.post(&format!("/library/{slug}/save"), &[("saved", "0")])
        .await;
    assert!(
        !leo.get("/library/saved")
            .await
            .texts(".item-card h3")
            .contains(&"Plain language in five rules".to_owned())
    );

    let id = item_id(&app, slug).await;
    let counts = |app: &TestApp| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_as::<_, (i32, i32)>(
                "SELECT useful_yes, useful_no FROM content_items WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let (y0, n0) = counts(&app).await;
    leo.post(&format!("/library/{slug}/rate"), &[("useful", "yes")])
        .await;
    leo.post(&format!("/library/{slug}/rate"), &[("useful", "no")])
        .await;
    assert_eq!(
        counts(&app).await,
        (y0, n0 + 1),
        "changing one's mind moves the vote"
    );
    assert_eq!(
        leo.get(&format!("/library/{slug}"))
            .await
            .texts("[aria-pressed=true]"),
        vec!["No".to_owned()]
    );

    let res = leo
        .post(
            &format!("/library/{slug}/collect"),
            &[("new_collection", "Writing well")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let k: Uuid = sqlx::query_scalar("SELECT id FROM collections WHERE name = 'Writing well'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let url = format!("/collections/{k}");
    assert_eq!(
        leo.get(&url).await.texts(".item-card h3"),
        vec!["Plain language in five rules".to_owned()]
    );
    assert_eq!(
        priya.get(&url).await.status,
        StatusCode::NOT_FOUND,
        "private by default"
    );
    let stolen = priya
        .post(
            "/library/praise-that-means-something/collect",
            &[("collection_id", &k.to_string())],
        )
        .await;
    assert_eq!(
        stolen.status,
        StatusCode::NOT_FOUND,
        "nobody adds to someone else's collection"
    );

    leo.post(&url, &[("name", "Writing well"), ("shared", "on")])
        .await;
    let shared = priya.get(&url).await;
    assert_eq!(shared.status, StatusCode::OK);
    assert!(shared.text(".muted").contains("shared by Leo Martins"));
    assert!(
        shared.texts("form[action$='/remove']").is_empty(),
        "viewers cannot edit"
    );
    assert_eq!(
        priya.post(&format!("{url}/delete"), &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.client().get(&url).await.status,
        StatusCode::SEE_OTHER,
        "signed-in only"
    );
    leo.post(&url, &[("name", "Writing well"), ("shared", "")])
        .await;
    let _ = leo.post(&url, &[("name", "Writing well")]).await;
    assert_eq!(
        priya.get(&url).await.status,
        StatusCode::NOT_FOUND,
        "unshared at once"
    );
}

#[tokio::test]
async fn open_access_items_are_public_and_others_never_leak() {
    let app = TestApp::demo().await;
    let mut visitor = app.client();
    let open = visitor.get("/library/reading-a-chart-in-30-seconds").await;
    assert_eq!(open.status, StatusCode::OK);
    assert!(open.text(".prose").contains("Where does the axis start?"));
    assert!(open.text("main").contains("Sign in to save this"));
    let closed = visitor
        .get("/library/averages-hide-things-look-at-the-spread")
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        closed.location(),
        "/login?next=%2Flibrary%2Faverages-hide-things-look-at-the-spread"
    );
    assert!(!closed.body.contains("median"));
    let draft = visitor.get("/library/hybrid-meeting-etiquette").await;
    assert_eq!(draft.status, StatusCode::NOT_FOUND);
    assert_eq!(
        visitor
            .post("/library/reading-a-chart-in-30-seconds/done", &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT count(*) FROM activities WHERE verb = 'completed' AND user_id IS NULL"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_embed_page_frames_only_open_items_for_configured_origins() {
    let mut app = TestApp::demo().await;
    let mut settings = (*app.state.settings).clone();
    settings.embed_origins = vec!["https://intranet.example.com".into()];
    app.state.settings = std::sync::Arc::new(settings);
    app.router = inflow::app::build_router(app.state.clone());
    let mut visitor = app.client();
    let res = visitor.get("/embed/meeting-notes-in-five-lines").await;
    assert_eq!(res.status, StatusCode::OK);
    let csp = res.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors https://intranet.example.com"),
        "{csp}"
    );
    assert!(!res.headers.contains_key("x-frame-options"));
    assert!(res.text("h1").contains("Meeting notes in five lines"));
    for slug in [
        "averages-hide-things-look-at-the-spread",
        "hybrid-meeting-etiquette",
        "no-such-item",
    ] {
        let res = visitor.get(&format!("/embed/{slug}")).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{slug}");
        assert!(
            res.headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        assert!(!res.body.contains("median"));
    }
}

#[tokio::test]
async fn atom_feeds_list_new_open_access_items() {
    let app = TestApp::demo().await;
    let mut visitor = app.client();
    let res = visitor.get("/library/feed.atom").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed: atom_syndication::Feed = res.body.parse().expect("valid Atom");
    let open: i64 = app
        .scalar_i64("SELECT count(*) FROM content_items WHERE open_access AND status = 'published'")
        .await;
    assert_eq!(feed.entries().len() as i64, open);
    assert!(
        feed.entries()
            .iter()
            .all(|e| e.links()[0].href().starts_with("http://localhost/library/"))
    );
    assert!(
        !res.body.contains("Averages hide things"),
        "signed-in-only items are not in the feed"
    );
    let topic = visitor.get("/library/topics/data-literacy/feed.atom").await;
    let feed: atom_syndication::Feed = topic.body.parse().expect("valid Atom");
    assert_eq!(
        feed.entries()
            .iter()
            .map(|e| e.title().as_str())
            .collect::<Vec<_>>(),
        vec!["Reading a chart in 30 seconds"]
    );
    assert_eq!(
        visitor.get("/library/topics/nope/feed.atom").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn permalinks_carry_open_graph_tags_for_chat_unfurls() {
    let app = TestApp::demo().await;
    let res = app
        .client()
        .get("/library/handling-an-angry-customer-the-heard-steps")
        .await;
    let meta = |p: &str| {
        let sel = scraper::Selector::parse(&format!("meta[property=\"{p}\"], meta[name=\"{p}\"]"))
            .unwrap();
        res.doc()
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr("content").map(str::to_owned))
    };
    assert_eq!(
        meta("og:title").as_deref(),
        Some("Handling an angry customer: the HEARD steps")
    );
    assert!(
        meta("og:description")
            .unwrap()
            .starts_with("Hear, Empathise")
    );
    assert_eq!(
        meta("og:url").as_deref(),
        Some("http://localhost/library/handling-an-angry-customer-the-heard-steps")
    );
    assert_eq!(meta("twitter:card").as_deref(), Some("summary"));
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

#[tokio::test]
async fn the_reference_hub_groups_reference_items_by_topic() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    let hub = c.get("/support").await;
    assert_eq!(hub.status, StatusCode::OK);
    let headings = hub.texts("main section h2");
    assert!(
        headings.contains(&"Feedback".to_owned()) && headings.contains(&"Meetings".to_owned()),
        "{headings:?}"
    );
    assert!(
        hub.texts(".item-card .meta")
            .iter()
            .all(|m| m.contains("Reference"))
    );
    let search = c.get("/support?q=chart").await;
    assert_eq!(
        search.texts(".item-card h3"),
        vec!["Reading a chart in 30 seconds".to_owned()]
    );
    let none = c.get("/support?q=burnout").await;
    assert!(
        none.texts(".item-card").is_empty(),
        "non-reference items stay out of the hub"
    );
    assert_eq!(
        app.client().get("/support").await.status,
        StatusCode::SEE_OTHER
    );
}
