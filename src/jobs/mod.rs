//! The background worker: graphile_worker in the same process (a Postgres
//! queue with `SKIP LOCKED`, cron and crash recovery). Its shutdown is tied
//! to the web server's. Jobs are idempotent.

use std::time::Duration;

use graphile_worker::{IntoTaskHandlerResult, TaskHandler, Worker, WorkerContext, WorkerOptions};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::auth;

/// Declares a job that takes no input. Cron adds its jobs with a `null`
/// payload and `add_job` with `{}`; a job must run from either (any payload
/// is ignored), or it fails on every run and retries for days.
macro_rules! job_without_payload {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Default, Deserialize, Serialize)]
        #[serde(from = "serde::de::IgnoredAny")]
        pub struct $name {}

        impl From<serde::de::IgnoredAny> for $name {
            fn from(_: serde::de::IgnoredAny) -> Self {
                Self {}
            }
        }
    };
}

job_without_payload! {
    /// Deletes expired sessions, spent or expired tokens and old login failures.
    PurgeExpired
}

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

job_without_payload! {
    /// Reminds learners of goals due within a week that have had no recent check-in (idempotent).
    GoalReminders
}

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

job_without_payload! {
    /// Records and delivers the daily digests that are due (every minute, on every instance).
    DigestTick
}

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

job_without_payload! {
    /// Enrols people who joined the organisation or a chosen team into running campaigns.
    EnrolAudiences
}

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

job_without_payload! {
    /// Prepares Today's plan for learners whose new local day has started, so
    /// the morning's first visits read a plan instead of building one.
    PreparePlans
}

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

/// When each job runs (a cron time in UTC, the job). Cron adds each run's
/// job with a `null` payload.
pub const SCHEDULE: [(&str, &str); 5] = [
    ("*/15 * * * *", PurgeExpired::IDENTIFIER),
    ("* * * * *", DigestTick::IDENTIFIER),
    ("*/15 * * * *", EnrolAudiences::IDENTIFIER),
    ("* * * * *", PreparePlans::IDENTIFIER),
    ("0 7 * * *", GoalReminders::IDENTIFIER),
];

/// Run the worker until `shutdown` completes, then let running jobs finish.
pub async fn run(
    pool: PgPool,
    delivery: crate::campaigns::digest::Delivery,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    worker(pool, delivery, shutdown).await?.run().await?;
    Ok(())
}

/// The worker with every job and its schedule, ready to run (or to
/// `run_once`, which tests use to work through the queue).
pub async fn worker(
    pool: PgPool,
    delivery: crate::campaigns::digest::Delivery,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<Worker> {
    let mut options = WorkerOptions::default()
        .pg_pool(pool)
        .schema("graphile_worker")
        .concurrency(2)
        .define_job::<PurgeExpired>()
        .define_job::<GoalReminders>()
        .define_job::<DigestTick>()
        .define_job::<EnrolAudiences>()
        .define_job::<PreparePlans>()
        .add_extension(delivery);
    for (when, job) in SCHEDULE {
        options = options.with_cron(format!("{when} {job}"))?;
    }
    let worker = options
        .heartbeat_interval(Duration::from_secs(30))
        .listen_os_shutdown_signals(false)
        .shutdown_signal(shutdown)
        .shutdown_grace_period(Duration::from_secs(5))
        .init()
        .await?;
    Ok(worker)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs_from<T: TaskHandler>(payload: &str) -> bool {
        serde_json::from_str::<T>(payload).is_ok()
    }

    #[test]
    fn every_job_takes_the_payload_of_cron_and_of_add_job() {
        for payload in ["null", "{}", r#"{"_cron": {"ts": "2026-12-06T07:00:00Z"}}"#] {
            assert!(runs_from::<PurgeExpired>(payload), "{payload}");
            assert!(runs_from::<GoalReminders>(payload), "{payload}");
            assert!(runs_from::<DigestTick>(payload), "{payload}");
            assert!(runs_from::<EnrolAudiences>(payload), "{payload}");
            assert!(runs_from::<PreparePlans>(payload), "{payload}");
        }
        assert_eq!(serde_json::to_string(&DigestTick {}).unwrap(), "{}");
    }
}
