//! A campaign's teams through HTTP: a checkbox per team while there are
//! few; at organisation scale the chosen teams only, with more added by
//! name, unknown names refused next to the field with nothing saved.

use axum::http::StatusCode;
use uuid::Uuid;

use crate::harness::{Res, TestApp};

fn checkboxes(page: &Res) -> Vec<String> {
    let doc = page.doc();
    let sel = scraper::Selector::parse("input[name=\"teams\"]").unwrap();
    doc.select(&sel)
        .map(|e| {
            let label = scraper::Selector::parse(&format!(
                "label[for=\"{}\"]",
                e.value().attr("id").unwrap_or_default()
            ))
            .unwrap();
            let name: String = doc
                .select(&label)
                .next()
                .map(|l| l.text().collect())
                .unwrap_or_default();
            let on = if e.value().attr("checked").is_some() {
                "x"
            } else {
                " "
            };
            format!("[{on}] {name}")
        })
        .collect()
}

fn fields<'a>(title: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("title", title),
        ("audience", "teams"),
        ("mode", "cohort"),
        ("starts_on", "2027-03-01"),
        ("ends_on", "2027-03-31"),
        ("release_time", "08:00"),
        ("days", "0"),
    ];
    f.extend_from_slice(extra);
    f
}

#[tokio::test]
async fn teams_are_checkboxes_while_few_and_added_by_name_at_scale() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;

    // The demo's few teams: a checkbox each, no box for names.
    let few = app.scalar_i64("SELECT count(*) FROM teams").await;
    assert!((1..=40).contains(&few), "the demo has a few teams: {few}");
    let form = admin.get("/admin/campaigns/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(checkboxes(&form).len() as i64, few);
    assert!(form.texts("#add_teams").is_empty());

    // An organisation of many teams.
    app.add_teams("Branch", 60, 3).await;
    let form = admin.get("/admin/campaigns/new").await;
    assert!(checkboxes(&form).is_empty(), "{:?}", checkboxes(&form));
    assert!(form.text("main").contains("No teams chosen yet"));
    assert_eq!(form.texts("textarea#add_teams").len(), 1);

    // An unknown name: named next to the field, the text kept, nothing saved.
    let typed = "branch 007\nBranch 999\n";
    let bad = admin
        .post(
            "/admin/campaigns",
            &fields("Branch welcome", &[("add_teams", typed)]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let why = bad.text("#add_teams-error");
    assert!(why.contains("“Branch 999”"), "{why}");
    assert!(!why.contains("007"), "{why}");
    assert_eq!(bad.input_value("add_teams").as_deref(), Some(typed));
    assert_eq!(bad.input_value("title").as_deref(), Some("Branch welcome"));
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM campaigns WHERE title = 'Branch welcome'")
            .await,
        0
    );

    // Known names in any case, one typed twice: saved once each.
    let ok = admin
        .post(
            "/admin/campaigns",
            &fields(
                "Branch welcome",
                &[("add_teams", "branch 007\nBRANCH 042\n\nBranch 007")],
            ),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let id: Uuid = ok.location().rsplit('/').next().unwrap().parse().unwrap();
    let chosen: Vec<String> = sqlx::query_scalar(
        "SELECT t.name FROM campaign_teams ct JOIN teams t ON t.id = ct.team_id
         WHERE ct.campaign_id = $1 ORDER BY t.name",
    )
    .bind(id)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(chosen, ["Branch 007", "Branch 042"]);

    // The edit page shows the chosen two, checked, and none of the other 58.
    let edit = admin.get(&format!("/admin/campaigns/{id}")).await;
    assert_eq!(
        checkboxes(&edit),
        ["[x] Branch 007", "[x] Branch 042"],
        "{}",
        edit.text("fieldset")
    );
    assert_eq!(edit.input_value("add_teams").as_deref(), Some(""));

    // Unchecking one and adding another by name.
    let b42: Uuid = sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Branch 042'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let b42 = b42.to_string();
    let saved = admin
        .post(
            &format!("/admin/campaigns/{id}"),
            &fields(
                "Branch welcome",
                &[("teams", b42.as_str()), ("add_teams", "Branch 060")],
            ),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let edit = admin.get(&format!("/admin/campaigns/{id}")).await;
    assert_eq!(checkboxes(&edit), ["[x] Branch 042", "[x] Branch 060"]);

    // Neither a box nor a name: the audience's own message.
    let none = admin
        .post(
            &format!("/admin/campaigns/{id}"),
            &fields("Branch welcome", &[("add_teams", " \n")]),
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.text("#teams-error").contains("at least one team"));
    let edit = admin.get(&format!("/admin/campaigns/{id}")).await;
    assert_eq!(checkboxes(&edit).len(), 2, "nothing changed");
}
