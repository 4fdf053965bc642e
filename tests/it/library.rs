//! The library: authoring and publishing, sanitising, slugs, topics, search,
//! filters, saved items and collections, the learning record, open access,
//! embed, feeds and Open Graph tags.

use axum::http::StatusCode;
use uuid::Uuid;

use crate::harness::TestApp;

pub async fn topic_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM topics WHERE name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub async fn item_id(app: &TestApp, slug: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM content_items WHERE slug = $1")
        .bind(slug)
        .fetch_one(&app.pool)
        .await
        .unwrap()
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
    let past_the_end = c.get("/library?q=feedback&page=99").await;
    assert_eq!(
        past_the_end.texts(".item-card h3"),
        titles,
        "a page past the end shows the last page"
    );

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
    let done_on: chrono::NaiveDate = sqlx::query_scalar(
        "SELECT local_date FROM activities WHERE verb = 'completed' AND object_id = $1",
    )
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(done_on, kiritimati, "the completion has their date too");
    let err = sqlx::query("UPDATE activities SET verb = 'viewed'")
        .execute(&app.pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"));
}

#[tokio::test]
async fn done_on_an_item_that_is_not_published_is_not_found_and_records_nothing() {
    let app = TestApp::demo().await;
    let slug = "praise-that-means-something";
    sqlx::query("UPDATE content_items SET status = 'archived' WHERE slug = $1")
        .bind(slug)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut c = app.signed_in("learner@example.com").await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM activities")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    for path in [slug, "no-such-item"] {
        let res = c.post(&format!("/library/{path}/done"), &[]).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
    }
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM activities")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(after, before, "nothing was recorded");
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
    app.change_settings(|settings| {
        settings.embed_origins = vec!["https://intranet.example.com".into()];
    });
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
