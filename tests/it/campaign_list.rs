//! L&D's list of campaigns at scale, through HTTP: 50 a page, by phase with
//! each phase's count, and by title. The phase the list filters on (worked
//! out in SQL) is the phase each row shows (worked out in Rust), on the
//! day's edges too.

use axum::http::StatusCode;

use crate::harness::{Res, TestApp};

/// The rows' titles and phases, in order.
fn rows(page: &Res) -> Vec<(String, String)> {
    let doc = page.doc();
    let tr = scraper::Selector::parse("tbody tr").unwrap();
    let link = scraper::Selector::parse("td a").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    doc.select(&tr)
        .map(|r| {
            let title = r.select(&link).next().unwrap().text().collect::<String>();
            let phase = r.select(&td).nth(1).unwrap().text().collect::<String>();
            (title, phase)
        })
        .collect()
}

fn href(page: &Res, css: &str) -> String {
    page.doc()
        .select(&scraper::Selector::parse(css).unwrap())
        .next()
        .unwrap_or_else(|| panic!("no {css}"))
        .value()
        .attr("href")
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn campaigns_are_listed_a_page_at_a_time_by_phase_and_title() {
    let app = TestApp::demo().await;
    sqlx::query(
        "WITH d AS (SELECT (now() AT TIME ZONE 'UTC')::date AS today)
         INSERT INTO campaigns (id, title, status, starts_on, ends_on)
         SELECT gen_random_uuid(), 'Old course ' || lpad(n::text, 2, '0'), 'published',
                today - 100 - n, today - 60 - n FROM d, generate_series(1, 55) n
         UNION ALL SELECT gen_random_uuid(), 'Ends today', 'published', today - 3, today FROM d
         UNION ALL SELECT gen_random_uuid(), 'Ended yesterday', 'published', today - 9, today - 1 FROM d
         UNION ALL SELECT gen_random_uuid(), 'Starts tomorrow', 'published', today + 1, today + 20 FROM d
         UNION ALL SELECT gen_random_uuid(), 'Starts today', 'published', today, today + 20 FROM d
         UNION ALL SELECT gen_random_uuid(), 'Half-written idea', 'draft', today - 30, today - 20 FROM d
         UNION ALL SELECT gen_random_uuid(), 'Retired course', 'archived', today - 10, today + 10 FROM d",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let all = app.scalar_i64("SELECT count(*) FROM campaigns").await;
    let mut admin = app.signed_in("admin@example.com").await;

    // Every campaign counted, 50 on the first page.
    let first = admin.get("/admin/campaigns").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first.text("nav[aria-label='Campaigns by phase'] a[aria-current=page]"),
        format!("All ({all})")
    );
    assert!(
        first
            .text("#campaigns-count")
            .starts_with(&format!("{all} campaigns"))
    );
    assert_eq!(rows(&first).len(), 50);

    // Each phase: its count is its rows, and every row shows that phase.
    let mut seen = 0;
    for (key, label) in [
        ("running", "Running"),
        ("scheduled", "Scheduled"),
        ("draft", "Draft"),
        ("finished", "Finished"),
        ("archived", "Archived"),
    ] {
        let mut page = admin.get(&format!("/admin/campaigns?phase={key}")).await;
        let current = page.text("nav[aria-label='Campaigns by phase'] a[aria-current=page]");
        let n: usize = current
            .rsplit('(')
            .next()
            .unwrap()
            .trim_end_matches(')')
            .parse()
            .unwrap();
        let mut listed = rows(&page);
        while page.texts("nav.pager a[rel=next]").len() == 1 {
            page = admin.get(&href(&page, "nav.pager a[rel=next]")).await;
            listed.extend(rows(&page));
        }
        assert_eq!(listed.len(), n, "{key}: {current}");
        let line = if key == "draft" {
            format!("{n} draft")
        } else {
            format!("{n} campaign")
        };
        assert!(page.text("#campaigns-count").starts_with(&line), "{key}");
        assert!(listed.iter().all(|(_, p)| p == label), "{key}: {listed:?}");
        seen += n;
        let titles: Vec<&str> = listed.iter().map(|(t, _)| t.as_str()).collect();
        match key {
            "running" => {
                assert!(titles.contains(&"Ends today") && titles.contains(&"Starts today"))
            }
            "scheduled" => assert!(titles.contains(&"Starts tomorrow")),
            "draft" => assert!(titles.contains(&"Half-written idea")),
            "finished" => {
                assert!(titles.contains(&"Ended yesterday") && titles.contains(&"Old course 55"))
            }
            _ => assert_eq!(titles, ["Retired course"]),
        }
    }
    assert_eq!(seen as i64, all, "the phases add up to everything");

    // By title, any case, within a phase; the pager keeps both.
    let found = admin
        .get("/admin/campaigns?phase=finished&q=OLD+COURSE")
        .await;
    assert!(
        found
            .text("#campaigns-count")
            .starts_with("55 campaigns finished match “OLD COURSE”")
    );
    assert_eq!(found.input_value("q").as_deref(), Some("OLD COURSE"));
    let next = href(&found, "nav.pager a[rel=next]");
    assert_eq!(next, "/admin/campaigns?phase=finished&q=OLD+COURSE&page=2");
    let second = admin.get(&next).await;
    // The latest start first: course 01 started most recently.
    assert_eq!(
        rows(&second)
            .iter()
            .map(|r| r.0.as_str())
            .collect::<Vec<_>>(),
        [
            "Old course 51",
            "Old course 52",
            "Old course 53",
            "Old course 54",
            "Old course 55"
        ]
    );
    // The other phases' links keep the search and count its matches.
    assert_eq!(
        found.text("nav[aria-label='Campaigns by phase'] li:first-child a"),
        "All (55)"
    );
    let none = admin.get("/admin/campaigns?q=nothing+like+this").await;
    assert!(
        none.text("#campaigns-count")
            .starts_with("0 campaigns match")
    );
    assert!(rows(&none).is_empty());
    // An unknown phase lists everything.
    let unknown = admin.get("/admin/campaigns?phase=someday").await;
    assert!(
        unknown
            .text("#campaigns-count")
            .starts_with(&format!("{all} campaigns"))
    );
}
