//! Picking one team at organisation scale, through HTTP: a person's team
//! and who got what's team filter are a list while the teams fit
//! (`people::picker::TEAM_OPTIONS`, 100) and a name to type past that.
//! Who got what lists only the teams with someone enrolled.

use axum::http::StatusCode;
use uuid::Uuid;

use crate::campaigns::campaign;
use crate::harness::TestApp;

async fn team_of(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT t.name FROM users u LEFT JOIN teams t ON t.id = u.team_id WHERE u.email = $1",
    )
    .bind(email)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

fn person<'a>(email: &'a str, team: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("name", "Noor Haddad"),
        ("role", "learner"),
        ("manager_email", ""),
        ("team", team),
        ("timezone", "Asia/Dubai"),
    ]
}

#[tokio::test]
async fn a_persons_team_is_typed_by_name_among_many_teams() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;

    // A few teams: a list; a team that has gone since the form was shown is
    // refused next to the list (it was a database error before).
    let form = admin.get("/admin/people/new").await;
    assert!(form.texts("#team_id option").len() > 1);
    assert!(form.texts("input#team").is_empty());
    let gone = Uuid::now_v7().to_string();
    let mut fields = person("noor@example.com", "");
    fields.retain(|(k, _)| *k != "team");
    fields.push(("team_id", gone.as_str()));
    let res = admin.post("/admin/people", &fields).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text("#team_id-error").contains("no longer exists"));

    // Past a list's worth: a field for the name, no options.
    app.add_teams("Store", 120, 3).await;
    let form = admin.get("/admin/people/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.texts("#team_id option").is_empty());
    assert_eq!(form.input_value("team").as_deref(), Some(""));
    assert!(form.body.len() < 20_000, "{} bytes", form.body.len());

    // An unknown name: named next to the field, kept, nobody added.
    let people = app.scalar_i64("SELECT count(*) FROM users").await;
    let res = admin
        .post("/admin/people", &person("noor@example.com", "Store 777"))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text("#team-error").contains("“Store 777”"),
        "{}",
        res.text("#team-error")
    );
    assert_eq!(res.input_value("team").as_deref(), Some("Store 777"));
    assert_eq!(
        res.doc()
            .select(&scraper::Selector::parse("input#team").unwrap())
            .next()
            .unwrap()
            .value()
            .attr("aria-describedby"),
        Some("team-hint team-error")
    );
    assert_eq!(app.scalar_i64("SELECT count(*) FROM users").await, people);

    // A known name in any case, with spaces around it.
    let res = admin
        .post("/admin/people", &person("noor@example.com", "  store 042 "))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        team_of(&app, "noor@example.com").await.as_deref(),
        Some("Store 042")
    );

    // The edit form shows the team's name; another name moves her, an
    // empty one leaves her in no team.
    let edit = admin.get(res.location()).await;
    assert_eq!(edit.input_value("team").as_deref(), Some("Store 042"));
    let moved = admin
        .post(res.location(), &person("noor@example.com", "STORE 100"))
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(
        team_of(&app, "noor@example.com").await.as_deref(),
        Some("Store 100")
    );
    let unknown = admin
        .post(res.location(), &person("noor@example.com", "Stor 100"))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        team_of(&app, "noor@example.com").await.as_deref(),
        Some("Store 100"),
        "nothing changed"
    );
    let none = admin
        .post(res.location(), &person("noor@example.com", ""))
        .await;
    assert_eq!(none.status, StatusCode::SEE_OTHER);
    assert_eq!(team_of(&app, "noor@example.com").await, None);
}

#[tokio::test]
async fn who_got_what_offers_the_teams_enrolled_and_a_name_past_a_list() {
    let app = TestApp::demo().await;
    let mut admin = app.signed_in("admin@example.com").await;
    app.add_teams("Store", 120, 3).await;

    // Everyone's campaign before the stores have anyone: the filter lists
    // the demo's teams with people, not the 120 empty stores.
    let everyone = campaign(&mut admin, "Everyone week", "everyone", "").await;
    let page = admin
        .get(&format!("/admin/campaigns/{everyone}/people"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let options = page.texts("#team option");
    assert!(options.len() > 1, "{options:?}");
    assert!(
        options.iter().all(|o| !o.starts_with("Store")),
        "{options:?}"
    );
    assert!(options.contains(&"Product".to_owned()), "{options:?}");

    // One person in each store, then a campaign for everyone: too many
    // teams to list, so the team is typed.
    sqlx::query(
        "INSERT INTO users (id, email, name, team_id, timezone)
         SELECT gen_random_uuid(), 'clerk' || substr(t.name, 7) || '@example.com',
                'Clerk ' || substr(t.name, 7), t.id, 'Europe/Paris'
         FROM teams t WHERE t.name LIKE 'Store %'",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let id = campaign(&mut admin, "Store opening", "everyone", "").await;
    let base = format!("/admin/campaigns/{id}/people");
    let page = admin.get(&base).await;
    assert!(page.texts("#team option").is_empty());
    assert_eq!(page.input_value("team_name").as_deref(), Some(""));

    // A name, any case: that store's one clerk; the pager and CSV links
    // carry the team, and a page reached by them shows its name.
    let store: Uuid = sqlx::query_scalar("SELECT id FROM teams WHERE name = 'Store 017'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let found = admin.get(&format!("{base}?team_name=+store+017&q=")).await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.texts("tbody th[scope=row]").len(), 1);
    assert!(found.texts("tbody th[scope=row]")[0].starts_with("Clerk 017"));
    assert!(
        found
            .text("#participants")
            .starts_with("1 participant match")
    );
    assert_eq!(found.input_value("team_name").as_deref(), Some("store 017"));
    let csv = found
        .doc()
        .select(&scraper::Selector::parse("#participants a").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned));
    assert_eq!(
        csv,
        Some(format!("/admin/campaigns/{id}/people.csv?team={store}&q="))
    );
    let by_link = admin.get(&format!("{base}?team={store}&q=")).await;
    assert_eq!(
        by_link.input_value("team_name").as_deref(),
        Some("Store 017")
    );
    assert_eq!(by_link.texts("tbody th[scope=row]").len(), 1);

    // An unknown name: said next to the field, kept, and nobody listed.
    let unknown = admin.get(&format!("{base}?team_name=Store+999")).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(unknown.text("#team_name-error").contains("“Store 999”"));
    assert_eq!(
        unknown.input_value("team_name").as_deref(),
        Some("Store 999")
    );
    assert!(unknown.texts("tbody tr").is_empty());
    assert!(unknown.text("main").contains("Nobody enrolled matches."));
    assert!(
        unknown.texts("#participants a").is_empty(),
        "no CSV of everyone"
    );
}
