//! `inflow bench-seed`: a large organisation for load tests, filled with
//! set-based SQL, plus one session per benchmark user written to a file the
//! load harness (`bench/`) reads. It refuses a database that has people in it.

pub mod model;
pub mod store;

use std::io::Write;
use std::time::Instant;

use anyhow::{Context, bail};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

pub use model::{Sizes, bench_id};
pub use store::BenchSession;

/// Fill the database; print each table's rows and time as it goes.
pub async fn seed(
    pool: &PgPool,
    sizes: &Sizes,
    mut progress: impl Write,
) -> anyhow::Result<Vec<BenchSession>> {
    // Its own connection: seeding statements are slow on purpose, not worth a warning.
    let options = pool
        .connect_options()
        .as_ref()
        .clone()
        .disable_statement_logging();
    let mut c = PgConnection::connect_with(&options).await?;
    if !store::is_empty(&mut c).await? {
        bail!("bench-seed fills only an empty database, and this one has people in it");
    }
    let started = Instant::now();
    store::prepare(&mut c, &sizes.settings()).await?;
    for (what, sql) in store::STEPS {
        let t = Instant::now();
        let rows = store::run_step(&mut c, sql)
            .await
            .with_context(|| format!("seeding {what}"))?;
        writeln!(
            progress,
            "{what:<24} {rows:>11} rows {:>7.1} s",
            t.elapsed().as_secs_f64()
        )?;
    }
    let sessions = store::sessions(&mut c).await?;
    let t = Instant::now();
    store::finish(&mut c).await?;
    writeln!(
        progress,
        "{:<24} {:>16} {:>7.1} s",
        "vacuum and analyze",
        "",
        t.elapsed().as_secs_f64()
    )?;
    writeln!(
        progress,
        "Seeded {} learners, {} activities and {} sessions in {:.0} s.",
        sizes.learners,
        sizes.activities(),
        sessions.len(),
        started.elapsed().as_secs_f64()
    )?;
    c.close().await?;
    Ok(sessions)
}

/// The sessions file: one tab-separated line per session.
pub fn write_sessions(out: &mut impl Write, sessions: &[BenchSession]) -> std::io::Result<()> {
    writeln!(out, "role\ttoken\tuser_id\tgoal_id")?;
    for s in sessions {
        let goal = s.goal_id.map(|g| g.to_string()).unwrap_or_default();
        writeln!(out, "{}\t{}\t{}\t{goal}", s.role, s.token, s.user_id)?;
    }
    Ok(())
}
