//! An L&D admin in an organisation of many teams, in a real browser: a
//! campaign's teams chosen by name, the goal counts a page of teams at a
//! time, then (past a list's worth of teams) a person's team by name.

use fantoccini::{Client, Locator};

use super::{assert_clean, browser, check, click, serve, sign_in, submit, text, type_into};
use crate::harness::TestApp;

/// The labels of the checked team boxes on a campaign's form.
async fn chosen_teams(c: &Client) -> Vec<String> {
    let mut out = Vec::new();
    for el in c
        .find_all(Locator::Css("input[name=teams]:checked + label"))
        .await
        .unwrap()
    {
        out.push(el.text().await.unwrap());
    }
    out
}

#[tokio::test]
async fn an_admin_picks_teams_by_name_and_reads_goals_a_page_of_teams_at_a_time() {
    let app = TestApp::demo().await;
    app.add_teams("Branch", 60, 3).await;
    let base = serve(&app).await;
    let c = browser(true).await;
    let mut problems = Vec::new();
    sign_in(&c, &base, "admin@example.com").await;

    c.goto(&format!("{base}/admin/campaigns/new"))
        .await
        .unwrap();
    type_into(&c, "#title", "Branch welcome").await;
    click(&c, "#audience option[value=teams]").await;
    type_into(&c, "#add_teams", "branch 007\nBranch 999").await;
    submit(&c, "main form button[type=submit]").await;
    assert!(
        text(&c, "#add_teams-error").await.contains("“Branch 999”"),
        "an unknown name is named next to the field"
    );
    problems.extend(check(&c, "admin-campaign-unknown-team").await);
    // What was typed is still there: fix the one name and save.
    let typed = c
        .find(Locator::Css("#add_teams"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(typed, "branch 007\nBranch 999");
    c.find(Locator::Css("#add_teams"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    type_into(&c, "#add_teams", "branch 007\nBRANCH 042").await;
    submit(&c, "main form button[type=submit]").await;
    assert!(text(&c, "[role=status]").await.contains("saved as a draft"));
    assert_eq!(chosen_teams(&c).await, ["Branch 007", "Branch 042"]);
    assert_eq!(
        c.find_all(Locator::Css("input[name=teams]"))
            .await
            .unwrap()
            .len(),
        2,
        "the other teams are not listed"
    );
    problems.extend(check(&c, "admin-campaign-teams-by-name").await);

    c.goto(&format!("{base}/admin/goals")).await.unwrap();
    type_into(&c, "#q", "branch").await;
    submit(&c, "form[role=search] button[type=submit]").await;
    assert!(text(&c, "#teams-count").await.starts_with("60 teams match"));
    submit(&c, "a[rel=next]").await;
    let mut branches = Vec::new();
    for th in c
        .find_all(Locator::Css("tbody th[scope=row]"))
        .await
        .unwrap()
    {
        let name = th.text().await.unwrap();
        if name.starts_with("Branch ") {
            branches.push(name);
        }
    }
    let expected: Vec<String> = (51..=60).map(|i| format!("Branch {i:03}")).collect();
    assert_eq!(branches, expected, "page 2 of the search: the last ten");
    problems.extend(check(&c, "admin-goals-by-team").await);

    // Past 100 teams a person's team is typed: a wrong name is said next
    // to the field and kept; the right one, in any case, is saved.
    app.add_teams("Depot", 60, 3).await;
    let leo: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'learner@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    c.goto(&format!("{base}/admin/people/{leo}")).await.unwrap();
    let field = c.find(Locator::Css("input#team")).await.unwrap();
    field.clear().await.unwrap();
    type_into(&c, "#team", "Depot 999").await;
    submit(&c, "main form button[type=submit]").await;
    assert!(text(&c, "#team-error").await.contains("“Depot 999”"));
    problems.extend(check(&c, "admin-person-unknown-team").await);
    let field = c.find(Locator::Css("input#team")).await.unwrap();
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some("Depot 999")
    );
    field.clear().await.unwrap();
    type_into(&c, "#team", "depot 009").await;
    submit(&c, "main form button[type=submit]").await;
    assert!(
        text(&c, "[role=status]")
            .await
            .contains("Saved the changes")
    );
    let field = c.find(Locator::Css("input#team")).await.unwrap();
    assert_eq!(
        field.prop("value").await.unwrap().as_deref(),
        Some("Depot 009")
    );
    problems.extend(check(&c, "admin-person-team-by-name").await);
    c.close().await.unwrap();
    assert_clean(&problems);
}
