//! The background worker: graphile_worker in the same process (a Postgres
//! queue with `SKIP LOCKED`, cron and crash recovery). Its shutdown is tied
//! to the web server's. Jobs are idempotent.

use std::time::Duration;

use graphile_worker::{IntoTaskHandlerResult, TaskHandler, WorkerContext, WorkerOptions};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::auth;

/// Deletes expired sessions, spent or expired tokens and old login failures.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PurgeExpired {}

impl TaskHandler for PurgeExpired {
    const IDENTIFIER: &'static str = "purge_expired";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let mut c = ctx.pg_pool().acquire().await.map_err(|e| e.to_string())?;
        let p = auth::store::purge_expired(&mut c)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(
            sessions = p.sessions,
            tokens = p.tokens,
            failures = p.failures,
            "purged expired records"
        );
        Ok::<(), String>(())
    }
}

/// Reminds learners of goals due within a week that have had no recent check-in (idempotent).
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct GoalReminders {}

impl TaskHandler for GoalReminders {
    const IDENTIFIER: &'static str = "goal_reminders";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let mut c = ctx.pg_pool().acquire().await.map_err(|e| e.to_string())?;
        let today = chrono::Utc::now().date_naive();
        let n = crate::goals::send_reminders(&mut c, today)
            .await
            .map_err(|e| e.to_string())?;
        tracing::info!(goals = n, "goal reminders checked");
        Ok::<(), String>(())
    }
}

/// Records and delivers the daily digests that are due (every minute, on every instance).
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct DigestTick {}

impl TaskHandler for DigestTick {
    const IDENTIFIER: &'static str = "digest_tick";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let Some(delivery) = ctx.get_ext::<crate::campaigns::digest::Delivery>() else {
            return Err("no delivery configured".to_owned());
        };
        let r = crate::campaigns::digest::tick(ctx.pg_pool(), delivery, chrono::Utc::now())
            .await
            .map_err(|e| e.to_string())?;
        if r != Default::default() {
            tracing::info!(
                recorded = r.recorded,
                sent = r.sent,
                failed = r.failed,
                "digests"
            );
        }
        Ok::<(), String>(())
    }
}

/// Enrols people who joined the organisation or a chosen team into running campaigns.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct EnrolAudiences {}

impl TaskHandler for EnrolAudiences {
    const IDENTIFIER: &'static str = "enrol_audiences";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let mut c = ctx.pg_pool().acquire().await.map_err(|e| e.to_string())?;
        let n = crate::campaigns::store::enrol_audiences(&mut c, None)
            .await
            .map_err(|e| e.to_string())?;
        if n > 0 {
            tracing::info!(enrolled = n, "campaign audiences enrolled");
        }
        Ok::<(), String>(())
    }
}

/// Prepares Today's plan for learners whose new local day has started, so
/// the morning's first visits read a plan instead of building one.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PreparePlans {}

impl TaskHandler for PreparePlans {
    const IDENTIFIER: &'static str = "prepare_plans";

    async fn run(self, ctx: WorkerContext) -> impl IntoTaskHandlerResult {
        let p = crate::daily::plan::prepare_due(ctx.pg_pool(), chrono::Utc::now(), 3000)
            .await
            .map_err(|e| e.to_string())?;
        if p != Default::default() {
            tracing::info!(
                built = p.built,
                dropped = p.dropped,
                "today's plans prepared"
            );
        }
        Ok::<(), String>(())
    }
}

/// Run the worker until `shutdown` completes, then let running jobs finish.
pub async fn run(
    pool: PgPool,
    delivery: crate::campaigns::digest::Delivery,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let worker = WorkerOptions::default()
        .pg_pool(pool)
        .schema("graphile_worker")
        .concurrency(2)
        .define_job::<PurgeExpired>()
        .define_job::<GoalReminders>()
        .define_job::<DigestTick>()
        .define_job::<EnrolAudiences>()
        .define_job::<PreparePlans>()
        .add_extension(delivery)
        .with_cron("*/15 * * * * purge_expired")?
        .with_cron("* * * * * digest_tick")?
        .with_cron("*/15 * * * * enrol_audiences")?
        .with_cron("* * * * * prepare_plans")?
        .with_cron("0 7 * * * goal_reminders")?
        .heartbeat_interval(Duration::from_secs(30))
        .listen_os_shutdown_signals(false)
        .shutdown_signal(shutdown)
        .shutdown_grace_period(Duration::from_secs(5))
        .init()
        .await?;
    worker.run().await?;
    Ok(())
}
