//! People through CSV: an import checked first and written all or nothing
//! (a large organisation in one file, every problem by line), and the export.

use axum::http::StatusCode;

use crate::harness::TestApp;

const GOOD_CSV: &str = "email,name,role,manager_email,team,timezone\n\
rosa@example.com,Rosa Diaz,manager,,Operations,America/Mexico_City\n\
tim@example.com,Tim Ng,learner,rosa@example.com,Operations,America/Mexico_City\n\
learner@example.com,Leo Martins,learner,manager@example.com,Product,Europe/Lisbon\n";

#[tokio::test]
async fn a_valid_import_previews_then_lands_in_one_go() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    let preview = c
        .post_multipart(
            "/admin/people/import",
            &[("action", "preview")],
            &[("file", "people.csv", GOOD_CSV)],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(
        preview
            .text("[role=status]")
            .contains("2 to create, 1 to update, and new teams: Operations"),
        "{}",
        preview.text("[role=status]")
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM users").await,
        41,
        "a preview changes nothing"
    );
    assert_eq!(
        preview
            .input_value("csv")
            .map(|s| s.contains("rosa@example.com")),
        Some(true),
        "the file is kept for the import"
    );

    let res = c
        .post_multipart(
            "/admin/people/import",
            &[("csv", GOOD_CSV), ("action", "import")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(app.scalar_i64("SELECT count(*) FROM users").await, 43);
    let tim: (String, String, String) = sqlx::query_as(
        "SELECT m.email, t.name, u.timezone FROM users u JOIN users m ON m.id = u.manager_id JOIN teams t ON t.id = u.team_id WHERE u.email = 'tim@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        tim,
        (
            "rosa@example.com".into(),
            "Operations".into(),
            "America/Mexico_City".into()
        )
    );
    assert_eq!(app.scalar_i64("SELECT count(*) FROM users WHERE email = 'learner@example.com' AND timezone = 'Europe/Lisbon'").await, 1);
    assert!(
        c.get("/admin/people")
            .await
            .text("[role=status]")
            .contains("2 created, 1 updated, 1 new teams")
    );
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM audit_log WHERE action = 'people.import'")
            .await,
        1
    );
}

/// A large organisation in one file: 120 teams of 50 (a manager and 49
/// reports), more than the 5,000 a file once held, written in three
/// statements; the check lists the first 200 rows and counts the rest.
#[tokio::test]
async fn a_large_import_lands_in_one_file() {
    let app = TestApp::demo().await;
    let mut csv = String::from("email,name,role,manager_email,team,timezone\n");
    for t in 1..=120 {
        csv += &format!("boss{t}@big.example,Boss {t},manager,,Big team {t},Asia/Tokyo\n");
        for k in 1..50 {
            csv += &format!(
                "p{t}-{k}@big.example,Person {t} {k},learner,boss{t}@big.example,Big team {t},Asia/Tokyo\n"
            );
        }
    }
    // One known person moves into the new structure.
    csv += "learner@example.com,Leo Martins,learner,boss7@big.example,Big team 7,Asia/Tokyo\n";
    let mut c = app.signed_in("admin@example.com").await;
    let preview = c
        .post_multipart(
            "/admin/people/import",
            &[("action", "preview")],
            &[("file", "people.csv", &csv)],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text("main"));
    assert!(
        preview
            .text("[role=status]")
            .contains("6000 to create, 1 to update"),
        "{}",
        preview.text("[role=status]")
    );
    assert_eq!(preview.texts("tbody tr").len(), 200);
    assert!(
        preview
            .text("main")
            .contains("The first 200 rows are listed; 5801 more are checked and ready.")
    );
    let res = c
        .post_multipart(
            "/admin/people/import",
            &[("csv", &csv), ("action", "import")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        c.get("/admin/people")
            .await
            .text("[role=status]")
            .contains("6000 created, 1 updated, 120 new teams")
    );
    assert_eq!(
        app.scalar_i64(
            "SELECT count(*) FROM users u JOIN users m ON m.id = u.manager_id JOIN teams t ON t.id = u.team_id
             WHERE u.email LIKE 'p%@big.example' AND m.team_id = u.team_id
               AND m.email = 'boss' || substr(t.name, 10) || '@big.example'"
        )
        .await,
        120 * 49,
        "every report under their team's manager, in that team"
    );
    let leo: (String, String) = sqlx::query_as(
        "SELECT m.email, t.name FROM users u JOIN users m ON m.id = u.manager_id
         JOIN teams t ON t.id = u.team_id WHERE u.email = 'learner@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(leo, ("boss7@big.example".into(), "Big team 7".into()));
    // Importing the same file again changes no one's manager and creates no one.
    let again = c
        .post_multipart(
            "/admin/people/import",
            &[("csv", &csv), ("action", "import")],
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM users WHERE email LIKE '%@big.example'")
            .await,
        6000
    );
    // The export streams in chunks (about 500 KB here) and has everyone once.
    let everyone = app.scalar_i64("SELECT count(*) FROM users").await;
    let export = c.get("/admin/people/export.csv").await;
    assert_eq!(export.status, StatusCode::OK);
    let lines: Vec<&str> = export.body.lines().collect();
    assert_eq!(lines.len() as i64, everyone + 1);
    assert!(export.body.len() > 4 * 64 * 1024, "{}", export.body.len());
    let emails: std::collections::HashSet<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(emails.len() as i64, everyone, "no row twice");
    assert!(lines.contains(
        &"p7-3@big.example,Person 7 3,learner,boss7@big.example,Big team 7,Asia/Tokyo,yes"
    ));
    let audited: String = sqlx::query_scalar(
        "SELECT subject FROM audit_log WHERE action = 'people.export' ORDER BY at DESC LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, format!("{everyone} people"));
}

#[tokio::test]
async fn an_import_with_errors_reports_each_line_and_imports_nothing() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    let csv = "email,name,role,manager_email,team,timezone\n\
ok@example.com,Okay Person,learner,,Ops,UTC\n\
bad-email,Bad,learner,,,UTC\n\
x@example.com,X,chief,,,UTC\n\
y@example.com,Y,learner,nobody@example.com,,UTC\n\
z@example.com,Z,learner,,,Moon/Base\n\
ok@example.com,Okay Again,learner,,,UTC\n\
a@example.com,A,learner,b@example.com,,UTC\n\
b@example.com,B,learner,a@example.com,,UTC\n";
    let res = c
        .post_multipart(
            "/admin/people/import",
            &[("csv", csv), ("action", "import")],
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = res.texts("ul.problems li");
    assert_eq!(problems.len(), 7, "{problems:?}");
    assert!(problems[0].starts_with("Line 3:") && problems[0].contains("not a valid email"));
    assert!(problems[1].starts_with("Line 4:") && problems[1].contains("unknown role"));
    assert!(problems[2].starts_with("Line 5:") && problems[2].contains("unknown manager"));
    assert!(problems[3].starts_with("Line 6:") && problems[3].contains("time zone"));
    assert!(problems[4].starts_with("Line 7:") && problems[4].contains("appears twice"));
    assert!(problems[5].starts_with("Line 8:") && problems[5].contains("manager cycle"));
    assert!(res.text("[role=alert]").contains("Nothing was imported"));
    assert_eq!(app.scalar_i64("SELECT count(*) FROM users").await, 41);
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM teams WHERE name = 'Ops'")
            .await,
        0
    );
    assert!(
        res.text("textarea").contains("ok@example.com"),
        "what was sent is kept"
    );

    let empty = c
        .post_multipart(
            "/admin/people/import",
            &[("csv", ""), ("action", "preview")],
            &[],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text("#csv-error").contains("Choose a CSV file"));
}

#[tokio::test]
async fn export_lists_everyone_as_csv() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("admin@example.com").await;
    let res = c.get("/admin/people/export.csv").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = res.body.lines().collect();
    assert_eq!(
        lines[0],
        "email,name,role,manager_email,team,timezone,active"
    );
    assert_eq!(lines.len(), 42);
    assert!(lines.contains(
        &"learner@example.com,Leo Martins,learner,manager@example.com,Product,Europe/London,yes"
    ));
}
