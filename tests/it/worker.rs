//! The background worker runs every scheduled job from the payload cron
//! gives it (`null`), and its work shows in the database; audience
//! enrolment (the 15-minute job) enrols a team campaign's members.

use crate::harness::TestApp;
use inflow::campaigns::digest::Delivery;
use inflow::mail::Mailer;

#[tokio::test]
async fn every_scheduled_job_runs_from_a_cron_payload() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    assert_eq!(c.get("/today").await.status, 200);
    sqlx::query("UPDATE sessions SET last_seen_at = now() - interval '9 hours'")
        .execute(&app.pool)
        .await
        .unwrap();
    let sessions = app.scalar_i64("SELECT count(*) FROM sessions").await;
    assert!(sessions >= 1);

    let delivery = Delivery::new(Mailer::outbox(), "http://localhost").unwrap();
    let worker = inflow::jobs::worker(app.pool.clone(), delivery, std::future::pending())
        .await
        .unwrap();
    let utils = worker.create_utils();
    for (_, job) in inflow::jobs::SCHEDULE {
        utils
            .add_raw_job(job, serde_json::Value::Null, Default::default())
            .await
            .unwrap();
    }
    let queued = app
        .scalar_i64("SELECT count(*) FROM graphile_worker._private_jobs")
        .await;
    assert_eq!(queued, inflow::jobs::SCHEDULE.len() as i64);

    worker.run_once().await.unwrap();

    let failed: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT t.identifier, j.last_error FROM graphile_worker._private_jobs j
         JOIN graphile_worker._private_tasks t ON t.id = j.task_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(failed, vec![], "a job that ran to the end leaves the queue");
    assert_eq!(
        app.scalar_i64("SELECT count(*) FROM sessions").await,
        0,
        "purge_expired removed the idle session"
    );
}

/// The ids `sql` returns for `id`, sorted.
async fn ids(pool: &sqlx::PgPool, sql: &'static str, id: uuid::Uuid) -> Vec<uuid::Uuid> {
    let mut ids: Vec<uuid::Uuid> = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_all(pool)
        .await
        .unwrap();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_team_campaign_enrols_its_teams_members_and_later_joiners() {
    let app = TestApp::demo().await;
    // A running campaign, turned into one for a single team, with nobody enrolled.
    let (campaign, team): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "SELECT c.id, (SELECT team_id FROM users WHERE team_id IS NOT NULL AND active
                       GROUP BY team_id ORDER BY count(*) DESC, team_id LIMIT 1)
         FROM campaigns c WHERE c.status = 'published' AND c.ends_on >= current_date + 2
         ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for sql in [
        "UPDATE campaigns SET audience = 'teams' WHERE id = $1",
        "DELETE FROM campaign_teams WHERE campaign_id = $1",
        "DELETE FROM campaign_progress WHERE campaign_id = $1",
        "DELETE FROM campaign_enrolments WHERE campaign_id = $1",
    ] {
        sqlx::query(sql)
            .bind(campaign)
            .execute(&app.pool)
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO campaign_teams (campaign_id, team_id) VALUES ($1, $2)")
        .bind(campaign)
        .bind(team)
        .execute(&app.pool)
        .await
        .unwrap();
    let team_members = || {
        ids(
            &app.pool,
            "SELECT id FROM users WHERE team_id = $1 AND active",
            team,
        )
    };
    let enrolled = || {
        ids(
            &app.pool,
            "SELECT user_id FROM campaign_enrolments WHERE campaign_id = $1",
            campaign,
        )
    };

    let all = "SELECT count(*) FROM campaign_enrolments";
    let before = app.scalar_i64(all).await;
    let mut c = app.pool.acquire().await.unwrap();
    let added = inflow::campaigns::store::enrol_audiences(&mut c, None)
        .await
        .unwrap();
    let expected = team_members().await;
    assert!(expected.len() >= 2, "the team has people");
    assert_eq!(enrolled().await, expected, "the team, and only it");
    assert_eq!(added as i64, app.scalar_i64(all).await - before);
    assert!(added >= expected.len() as u64);

    // Someone moves into the team: the next run enrols them, and only them.
    let mover: uuid::Uuid = sqlx::query_scalar(
        "UPDATE users SET team_id = $1
         WHERE id = (SELECT id FROM users WHERE active AND team_id IS DISTINCT FROM $1
                     ORDER BY id LIMIT 1) RETURNING id",
    )
    .bind(team)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let added = inflow::campaigns::store::enrol_audiences(&mut c, Some(campaign))
        .await
        .unwrap();
    assert_eq!(added, 1);
    assert!(enrolled().await.contains(&mover));
    assert_eq!(enrolled().await, team_members().await);
}
