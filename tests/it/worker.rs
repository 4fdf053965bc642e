//! The background worker runs every scheduled job from the payload cron
//! gives it (`null`), and its work shows in the database.

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
    for line in inflow::jobs::CRONTAB {
        let job = line.rsplit(' ').next().unwrap();
        utils
            .add_raw_job(job, serde_json::Value::Null, Default::default())
            .await
            .unwrap();
    }
    let queued = app
        .scalar_i64("SELECT count(*) FROM graphile_worker._private_jobs")
        .await;
    assert_eq!(queued, inflow::jobs::CRONTAB.len() as i64);

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
