//! The daily journeys in a real browser, each as a person would do it by
//! clicking and typing: learner (also keyboard-only and without
//! JavaScript), manager, L&D admin, and a visitor who is not signed in.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use super::{
    assert_clean, browser, check, check_navigation, click, follow, follow_in, navigating, serve,
    sign_in, submit, text, type_into,
};
use crate::harness::TestApp;

const LEARNER_NAV: [&str; 5] = ["Today", "Library", "Support", "Reflections", "Goals"];

/// Press Enter on an element (keyboard only) and wait for the next page.
async fn press_enter(c: &Client, at: Locator<'_>) {
    let el = c.find(at).await.unwrap();
    navigating(c, async { el.send_keys(&Key::Enter).await.unwrap() }).await;
}

/// Library → search → item → Done → its question → a reflection → Today;
/// `week`: the days the learner learned this week before today.
async fn learner_journey(c: &Client, base: &str, checks: bool, week: i64) -> Vec<String> {
    let mut problems = Vec::new();
    sign_in(c, base, "learner@example.com").await;
    assert_eq!(c.current_url().await.unwrap().path(), "/today");
    assert!(
        text(c, ".habit-stats")
            .await
            .contains(&format!("{week} of 3 days"))
    );
    if checks {
        problems.extend(check(c, "today").await);
    }
    follow_in(c, "Main", "Library").await;
    type_into(c, "#q", "psychological safety").await;
    submit(c, "form[role=search] button[type=submit]").await;
    if checks {
        problems.extend(check(c, "library-search").await);
    }
    follow(c, "Psychological safety in practice").await;
    if checks {
        problems.extend(check(c, "item").await);
    }
    submit(c, "form[action$='/done'] button").await;
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/questions")
    );
    if checks {
        problems.extend(check(c, "questions").await);
    }
    click(c, "form.review-card input[type=radio]").await;
    submit(c, "form.review-card button[type=submit]").await;
    assert!(
        text(c, "[role=status]").await.contains("comes back on")
            || text(c, "[role=status]").await.contains("Not quite")
    );
    follow_in(c, "Main", "Reflections").await;
    follow(c, "Write").await;
    type_into(
        c,
        "#body",
        "Psychological safety starts with the leader admitting a mistake first.",
    )
    .await;
    submit(c, "main form.card button[type=submit]").await;
    assert!(
        text(c, "[role=status]")
            .await
            .contains("Only you can see it")
    );
    if checks {
        problems.extend(check(c, "reflection").await);
    }
    follow_in(c, "Main", "Today").await;
    assert!(
        text(c, ".habit-stats")
            .await
            .contains(&format!("{} of 3 days", week + 1)),
        "the weekly target moved"
    );
    problems
}

#[tokio::test]
async fn a_learner_learns_answers_reflects_and_sees_the_week_move() {
    let app = TestApp::demo().await;
    let base = serve(&app).await;
    let c = browser(true).await;
    let week = app.week_days_before_today("learner@example.com").await;
    let mut problems = learner_journey(&c, &base, true, week).await;
    check_navigation(&c, "Main", &LEARNER_NAV, &mut problems).await;
    for link in ["Notifications", "My habit", "Leo Martins"] {
        follow(&c, link).await;
        problems.extend(
            check(
                &c,
                &format!("account-{}", link.to_lowercase().replace(' ', "-")),
            )
            .await,
        );
    }
    follow_in(&c, "Main", "Today").await;
    follow(&c, "Your last 12 weeks").await;
    problems.extend(check(&c, "history").await);
    c.close().await.unwrap();
    assert_clean(&problems);
}

#[tokio::test]
async fn the_learner_journey_works_with_the_keyboard_only() {
    let app = TestApp::demo().await;
    let base = serve(&app).await;
    let c = browser(true).await;
    let week = app.week_days_before_today("learner@example.com").await;
    c.goto(&format!("{base}/login")).await.unwrap();
    type_into(&c, "#email", "learner@example.com").await;
    type_into(&c, "#password", inflow::demo::PASSWORD).await;
    press_enter(&c, Locator::Css("#password")).await;
    assert_eq!(c.current_url().await.unwrap().path(), "/today");
    // The first "Done" on a Today card, by Enter.
    press_enter(&c, Locator::Css(".item-card form[action$='/done'] button")).await;
    let after = c.current_url().await.unwrap();
    assert!(
        after.path() == "/today" || after.path().ends_with("/questions"),
        "{after}"
    );
    press_enter(&c, Locator::LinkText("Reflections")).await;
    press_enter(&c, Locator::LinkText("Write")).await;
    type_into(&c, "#body", "Typed without a mouse.").await;
    press_enter(&c, Locator::Css("main form.card button[type=submit]")).await;
    assert!(text(&c, "[role=status]").await.contains("Saved"));
    press_enter(&c, Locator::LinkText("Today")).await;
    assert!(
        text(&c, ".habit-stats")
            .await
            .contains(&format!("{} of 3 days", week + 1))
    );
    c.close().await.unwrap();
}

#[tokio::test]
async fn the_learner_journey_works_without_javascript() {
    let app = TestApp::demo().await;
    let base = serve(&app).await;
    let c = browser(false).await;
    let week = app.week_days_before_today("learner@example.com").await;
    let problems = learner_journey(&c, &base, false, week).await;
    c.close().await.unwrap();
    assert_clean(&problems);
}

#[tokio::test]
async fn a_manager_works_through_the_queue() {
    let app = TestApp::demo().await;
    let base = serve(&app).await;
    let c = browser(true).await;
    let mut problems = Vec::new();
    sign_in(&c, &base, "manager@example.com").await;
    follow_in(&c, "Main", "My team").await;
    problems.extend(check(&c, "team").await);
    follow(&c, "Give feedback that helps my team improve").await;
    problems.extend(check(&c, "goal-proposed").await);
    type_into(
        &c,
        "#comment-request_changes",
        "Add how your team will notice the difference.",
    )
    .await;
    submit(&c, "form:has(#comment-request_changes) button[type=submit]").await;
    assert!(text(&c, ".meta .status").await.contains("Draft"));
    follow_in(&c, "Main", "My team").await;
    follow(&c, "Write proposals that get decisions").await;
    submit(&c, "form:has(input[value=confirm]) button").await;
    assert_eq!(text(&c, ".meta .status").await, "Achieved");
    follow_in(&c, "Main", "My team").await;
    follow(&c, "Reflections your team shared with you").await;
    problems.extend(check(&c, "team-reflections").await);
    c.close().await.unwrap();
    assert_clean(&problems);
}

#[tokio::test]
async fn an_admin_publishes_an_item_that_a_learner_then_finds() {
    let app = TestApp::demo().await;
    let base = serve(&app).await;
    let c = browser(true).await;
    let mut problems = Vec::new();
    sign_in(&c, &base, "admin@example.com").await;
    follow_in(&c, "Main", "L&D admin").await;
    check_navigation(
        &c,
        "L&D admin",
        &[
            "People",
            "Teams",
            "Library",
            "Topics",
            "Prompts",
            "Goals",
            "Audit log",
            "Outbox",
        ],
        &mut problems,
    )
    .await;
    follow_in(&c, "L&D admin", "Library").await;
    follow(&c, "New item").await;
    problems.extend(check(&c, "admin-new-item").await);
    type_into(&c, "#title", "Two-minute meeting check-out").await;
    type_into(
        &c,
        "#summary",
        "End every meeting by asking each person for one word.",
    )
    .await;
    type_into(
        &c,
        "#body",
        "Ask everyone for **one word** about the meeting. Listen; don't discuss.",
    )
    .await;
    c.find(Locator::Css("#minutes"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    type_into(&c, "#minutes", "2").await;
    click(&c, "fieldset:not(.questions) .checks input[type=checkbox]").await;
    submit(&c, "main form.card > button[type=submit]").await;
    assert!(text(&c, "[role=status]").await.contains("Draft saved"));
    submit(&c, "form:has(input[value=published]) button").await;
    assert!(text(&c, "[role=status]").await.contains("Published"));
    follow_in(&c, "L&D admin", "People").await;
    follow(&c, "Add a person").await;
    problems.extend(check(&c, "admin-add-person").await);
    submit(&c, ".account form button").await;
    sign_in(&c, &base, "learner@example.com").await;
    follow_in(&c, "Main", "Library").await;
    type_into(&c, "#q", "meeting check-out").await;
    submit(&c, "form[role=search] button[type=submit]").await;
    follow(&c, "Two-minute meeting check-out").await;
    assert_eq!(text(&c, "h1").await, "Two-minute meeting check-out");
    c.close().await.unwrap();
    assert_clean(&problems);
}

#[tokio::test]
async fn a_visitor_reads_open_items_and_is_asked_to_sign_in_for_others() {
    let app = TestApp::demo().await;
    let base = serve(&app).await;
    let c = browser(true).await;
    c.goto(&format!("{base}/library/reading-a-chart-in-30-seconds"))
        .await
        .unwrap();
    assert_eq!(text(&c, "h1").await, "Reading a chart in 30 seconds");
    let mut problems = check(&c, "visitor-open-item").await;
    c.goto(&format!(
        "{base}/library/averages-hide-things-look-at-the-spread"
    ))
    .await
    .unwrap();
    assert_eq!(c.current_url().await.unwrap().path(), "/login");
    problems.extend(check(&c, "login").await);
    c.goto(&format!("{base}/nowhere")).await.unwrap();
    problems.extend(check(&c, "not-found").await);
    c.close().await.unwrap();
    assert_clean(&problems);
}

/// Every page of every role. Covering a new page: add its path here.
/// `{campaign}`, `{open}` and `{discussion}` stand for the demo campaigns' ids.
const PAGES: [(&str, &[&str]); 4] = [
    (
        "",
        &[
            "/login",
            "/forgot",
            "/library/reading-a-chart-in-30-seconds",
            "/embed/reading-a-chart-in-30-seconds",
        ],
    ),
    (
        "learner@example.com",
        &[
            "/today",
            "/today/history",
            "/library",
            "/library?q=feedbak",
            "/library/saved",
            "/support",
            "/reflections",
            "/reflections/new",
            "/reflections/new?guided=1",
            "/goals",
            "/goals/new",
            "/notifications",
            "/me/habit",
            "/me/habit?welcome=1",
            "/me/settings",
            "/library/giving-feedback-that-lands-the-sbi-model/questions",
            "/campaigns",
            "/campaigns/{campaign}",
            "/campaigns/{open}",
            "/campaigns/{campaign}/steps/{discussion}/discussion",
            "/me/notifications",
        ],
    ),
    (
        "manager@example.com",
        &["/manage/team", "/manage/reflections", "/manage/campaigns"],
    ),
    (
        "admin@example.com",
        &[
            "/admin/people",
            "/admin/people/new",
            "/admin/people/import",
            "/admin/teams",
            "/admin/library",
            "/admin/library/new",
            "/admin/library/import",
            "/admin/topics",
            "/admin/prompts",
            "/admin/goals",
            "/admin/audit",
            "/admin/outbox",
            "/admin/campaigns",
            "/admin/campaigns/new",
            "/admin/campaigns/{campaign}",
            "/admin/campaigns/{campaign}/timeline?email=learner%40example.com",
            "/admin/campaigns/{campaign}/people",
            "/admin/campaigns/{campaign}/results",
            "/admin/integrations",
        ],
    ),
];

#[tokio::test]
async fn every_page_of_every_role_passes_the_checks() {
    let app = TestApp::demo().await;
    let base = serve(&app).await;
    let id = |sql: &'static str| {
        let pool = app.pool.clone();
        async move {
            sqlx::query_scalar::<_, uuid::Uuid>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
                .to_string()
        }
    };
    let campaign = id("SELECT id FROM campaigns WHERE title = 'Feedback that lands'").await;
    let open = id("SELECT id FROM campaigns WHERE audience = 'open'").await;
    let discussion = id(
        "SELECT s.id FROM campaign_steps s JOIN campaigns c ON c.id = s.campaign_id
         WHERE c.title = 'Feedback that lands' AND s.kind = 'discussion' ORDER BY s.position LIMIT 1",
    )
    .await;
    let mut problems = Vec::new();
    for (who, paths) in PAGES {
        let c = browser(true).await;
        if !who.is_empty() {
            sign_in(&c, &base, who).await;
        }
        for path in paths {
            let path = path
                .replace("{campaign}", &campaign)
                .replace("{open}", &open)
                .replace("{discussion}", &discussion);
            c.goto(&format!("{base}{path}")).await.unwrap();
            let name = format!("page{}", path.replace(['/', '?', '=', '&'], "-"));
            problems.extend(check(&c, &name).await);
        }
        c.close().await.unwrap();
    }
    assert_clean(&problems);
}
