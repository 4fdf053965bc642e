//! Goals through HTTP: the workflow with and without a manager, who can see
//! and do what, the team page, notifications, export, reminders and L&D's
//! counts. Evidence is in `goal_evidence.rs`.

use axum::http::StatusCode;
use uuid::Uuid;

use crate::harness::{Client, TestApp};

pub(crate) async fn new_goal(c: &mut Client, title: &str, topic: Option<Uuid>) -> Uuid {
    let topic = topic.map(|t| t.to_string()).unwrap_or_default();
    let mut fields = vec![
        ("title", title),
        ("why", "It matters."),
        ("measure", "I can show it."),
    ];
    if !topic.is_empty() {
        fields.push(("topics", topic.as_str()));
    }
    let res = c.post("/goals", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    res.location().rsplit('/').next().unwrap().parse().unwrap()
}

async fn step(c: &mut Client, goal: Uuid, action: &str, comment: &str) -> String {
    let res = c
        .post(
            &format!("/goals/{goal}/step"),
            &[("action", action), ("comment", comment)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    c.get(&format!("/goals/{goal}")).await.text("[role=status]")
}

async fn status(app: &TestApp, goal: Uuid) -> String {
    sqlx::query_scalar("SELECT status FROM goals WHERE id = $1")
        .bind(goal)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_workflow_with_a_manager_records_every_decision() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let mut maya = app.signed_in("manager@example.com").await;
    let bad = leo
        .post(
            "/goals",
            &[
                ("title", ""),
                ("target_date", "2001-01-01"),
                ("why", "kept"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text("#target_date-error").contains("past"));
    assert_eq!(bad.text("#why"), "kept");

    let goal = new_goal(&mut leo, "Mentor a new joiner", None).await;
    assert!(
        step(&mut leo, goal, "activate", "")
            .await
            .contains("propose it"),
        "a learner with a manager cannot start it alone"
    );
    assert_eq!(status(&app, goal).await, "draft");
    step(&mut leo, goal, "propose", "").await;
    assert_eq!(status(&app, goal).await, "proposed");
    assert!(
        step(&mut leo, goal, "agree", "")
            .await
            .contains("not possible"),
        "the owner cannot agree their own goal"
    );
    assert!(
        maya.get("/notifications")
            .await
            .text(".notifications")
            .contains("Leo proposed a goal: Mentor a new joiner")
    );

    assert!(
        step(&mut maya, goal, "request_changes", " ")
            .await
            .contains("Say what should change")
    );
    step(
        &mut maya,
        goal,
        "request_changes",
        "Add how you'll know it worked.",
    )
    .await;
    assert_eq!(status(&app, goal).await, "draft");
    step(&mut leo, goal, "propose", "").await;
    step(&mut maya, goal, "agree", "").await;
    assert_eq!(status(&app, goal).await, "active");
    step(&mut leo, goal, "submit", "").await;
    step(
        &mut maya,
        goal,
        "request_changes",
        "Attach the onboarding plan as evidence.",
    )
    .await;
    assert_eq!(status(&app, goal).await, "active");
    step(&mut leo, goal, "submit", "").await;
    step(&mut maya, goal, "confirm", "").await;
    assert_eq!(status(&app, goal).await, "achieved");
    assert!(step(&mut leo, goal, "abandon", "").await.contains("closed"));

    let page = leo.get(&format!("/goals/{goal}")).await;
    let timeline = page.texts(".timeline li");
    let decisions: Vec<&String> = timeline
        .iter()
        .filter(|t| t.contains("Maya Patel"))
        .collect();
    assert_eq!(
        decisions.len(),
        4,
        "changes, agree, changes, confirm: {timeline:?}"
    );
    assert!(
        timeline
            .iter()
            .any(|t| t.contains("Add how you'll know it worked."))
    );
    let notes = leo.get("/notifications").await.texts(".notifications li");
    assert!(
        notes.iter().any(|n| n.contains("asked for changes"))
            && notes
                .iter()
                .any(|n| n.contains("Achieved: Mentor a new joiner"))
    );
    assert!(
        page.texts("form[action$='/step']").is_empty(),
        "nothing more to do on a closed goal"
    );
}

#[tokio::test]
async fn without_a_manager_the_learner_starts_and_achieves_goals() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    let goal = new_goal(&mut admin, "Redesign onboarding content", None).await;
    assert!(
        step(&mut admin, goal, "propose", "")
            .await
            .contains("no manager")
    );
    step(&mut admin, goal, "activate", "").await;
    assert_eq!(status(&app, goal).await, "active");
    step(&mut admin, goal, "mark_achieved", "").await;
    assert_eq!(status(&app, goal).await, "achieved");
}

#[tokio::test]
async fn only_the_owner_their_manager_and_admins_see_a_goal() {
    let app = TestApp::demo().await;
    let goal: Uuid = sqlx::query_scalar(
        "SELECT id FROM goals WHERE title = 'Give feedback that helps my team improve'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let leo: Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = 'learner@example.com'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let url = format!("/goals/{goal}");
    let mut owner = app.signed_in("learner@example.com").await;
    let mut manager = app.signed_in("manager@example.com").await;
    let mut other_manager = app.signed_in("sam.carter@example.com").await;
    let mut other_learner = app.signed_in("priya.nair@example.com").await;
    let mut admin = app.signed_in("admin@example.com").await;
    assert_eq!(owner.get(&url).await.status, StatusCode::OK);
    let as_manager = manager.get(&url).await;
    assert_eq!(
        as_manager.texts("form[action$='/step'] button"),
        vec!["Agree this goal", "Request changes"]
    );
    for c in [&mut other_manager, &mut other_learner] {
        assert_eq!(c.get(&url).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            c.post(&format!("{url}/step"), &[("action", "agree")])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.post(&format!("{url}/comment"), &[("comment", "hi")])
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            c.post(
                &format!("{url}/evidence"),
                &[("kind", "note"), ("note", "x")]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert!(
            !c.get("/goals/export/goals.json")
                .await
                .body
                .contains("Give feedback that helps")
        );
    }
    assert_eq!(
        other_manager
            .get(&format!("/manage/people/{leo}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other_learner.get("/manage/team").await.status,
        StatusCode::FORBIDDEN
    );
    let as_admin = admin.get(&url).await;
    assert_eq!(as_admin.status, StatusCode::OK);
    assert!(
        as_admin.texts("form").iter().all(|f| !f.contains("Agree")),
        "admins read, they do not decide"
    );
    assert_eq!(
        admin
            .post(&format!("{url}/step"), &[("action", "agree")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status(&app, goal).await, "proposed");
    assert_eq!(
        manager.get(&format!("/manage/people/{leo}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_team_page_queues_what_waits_and_shows_each_report() {
    let app = TestApp::demo().await;
    let mut maya = app.signed_in("manager@example.com").await;
    let page = maya.get("/manage/team").await;
    let queue = page.texts("#queue-h ~ ul li");
    assert_eq!(queue.len(), 2, "{queue:?}");
    assert!(
        queue
            .iter()
            .any(|q| q.contains("Leo Martins") && q.contains("proposed, to agree"))
    );
    assert!(
        queue
            .iter()
            .any(|q| q.contains("Priya Nair") && q.contains("achievement to confirm"))
    );
    let rows = page.texts("tbody tr");
    assert_eq!(rows.len(), 9);
    let leo = rows.iter().find(|r| r.starts_with("Leo Martins")).unwrap();
    let cells: Vec<String> = page
        .doc()
        .select(&scraper::Selector::parse("tbody tr").unwrap())
        .find(|r| r.text().collect::<String>().contains("Leo Martins"))
        .unwrap()
        .select(&scraper::Selector::parse("td").unwrap())
        .map(|td| td.text().collect::<String>().trim().to_owned())
        .collect();
    assert_eq!(
        &cells[1..4],
        ["1", "1", "0"],
        "{leo}: one active, one waiting, none overdue"
    );
    assert!(cells[6].ends_with("of 3 days"));
    assert!(
        page.text(".account").contains("2 unread"),
        "the badge counts the two notices"
    );
}

#[tokio::test]
async fn notifications_can_be_read_and_reminders_are_sent_once() {
    let app = TestApp::demo().await;
    let mut maya = app.signed_in("manager@example.com").await;
    assert_eq!(
        maya.get("/notifications")
            .await
            .texts(".notifications li.unread")
            .len(),
        2
    );
    maya.post("/notifications/read", &[]).await;
    let page = maya.get("/notifications").await;
    assert!(page.texts(".notifications li.unread").is_empty());
    assert!(!page.text(".account").contains("unread"));

    let mut leo = app.signed_in("learner@example.com").await;
    let goal = new_goal(&mut leo, "Finish the data course", None).await;
    sqlx::query("UPDATE goals SET status = 'active', target_date = CURRENT_DATE + 5 WHERE id = $1")
        .bind(goal)
        .execute(&app.pool)
        .await
        .unwrap();
    let mut c = app.pool.acquire().await.unwrap();
    let today = chrono::Utc::now().date_naive();
    let sent = inflow::goals::send_reminders(&mut c, today).await.unwrap();
    assert_eq!(sent, 1, "the demo goal due in 6 days had a recent check-in");
    inflow::goals::send_reminders(&mut c, today).await.unwrap();
    let n = app.scalar_i64("SELECT count(*) FROM notifications WHERE message LIKE '“Finish the data course” is due%'").await;
    assert_eq!(n, 1, "a reminder is sent once");
    assert!(
        leo.get("/notifications")
            .await
            .text(".notifications")
            .contains("Add a check-in")
    );
}

#[tokio::test]
async fn export_and_the_admin_overview() {
    let app = TestApp::demo().await;
    let mut leo = app.signed_in("learner@example.com").await;
    let json = leo.get("/goals/export/goals.json").await;
    let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let titles: Vec<&str> = v["goals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"Run shorter, decision-focused meetings"));
    let meetings = v["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["status"] == "active")
        .unwrap();
    assert!(meetings["timeline"].as_array().unwrap().len() >= 5);
    let md = leo.get("/goals/export/goals.md").await;
    assert!(md.body.starts_with("# Development goals of Leo Martins"));
    assert!(md.body.contains("Check-in: 60 %"));
    assert_eq!(
        leo.get("/goals/export/goals.xml").await.status,
        StatusCode::NOT_FOUND
    );

    let mut admin = app.signed_in("admin@example.com").await;
    let page = admin.get("/admin/goals").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text("caption").contains("By team"));
    assert!(page.texts("table").len() == 3);
    assert!(
        !page.body.contains("Give feedback that helps"),
        "no goal text"
    );
    assert!(page.body.contains("Customer Success"));
}
