//! The database: connection pool, migrations, and (for zero-config runs) a
//! private Postgres cluster under a data directory.

pub mod cluster;
pub mod health;
pub mod pool;

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

use crate::config::DbArgs;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// A small pool (the worker's and the commands'; requests use [`pool::Db`],
/// built from the same options): a connection that sat idle, or any
/// connection after one was lost, is pinged before use (see [`health`]), so a
/// Postgres restart heals by itself; a 2 s acquire timeout becomes a 503
/// instead of a hang.
pub fn pool_options(size: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(size)
        .min_connections(0)
        .acquire_timeout(Duration::from_secs(2))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if health::needs_ping(meta.idle_for, health::since_lost()) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .idle_timeout(health::IDLE_TIMEOUT)
}

pub async fn connect(options: PgConnectOptions, size: u32) -> anyhow::Result<PgPool> {
    let options = statement_logging(options, log_wants_statements());
    Ok(pool_options(size).connect_with(options).await?)
}

/// Does the log filter let sqlx's per-statement lines (`sqlx::query` at
/// debug) through? The filter is fixed when the process starts.
fn log_wants_statements() -> bool {
    tracing::enabled!(target: "sqlx::query", tracing::Level::DEBUG)
}

/// Every statement's line at debug only when the log filter would show it
/// (`RUST_LOG=info,sqlx::query=debug`). Otherwise sqlx would still ask the
/// filter, through `log` and `tracing`, after each statement (three times a
/// page; about 1.7 µs of a goal page's CPU). Statements slower than a
/// second are logged at warn either way (sqlx's default).
fn statement_logging(options: PgConnectOptions, wanted: bool) -> PgConnectOptions {
    if wanted {
        options
    } else {
        options.log_statements(log::LevelFilter::Off)
    }
}

pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await?;
    Ok(())
}

/// The database a command runs against: either `DATABASE_URL`, or a private
/// cluster that is stopped when this value is shut down.
pub struct Database {
    pub pool: PgPool,
    pub cluster: Option<cluster::Cluster>,
}

impl Database {
    /// Connect (starting the private cluster when needed) and apply migrations.
    pub async fn open(args: &DbArgs) -> anyhow::Result<Database> {
        let size = args
            .pool_size
            .unwrap_or_else(crate::config::default_pool_size);
        let (options, cluster) = match &args.database_url {
            Some(url) => (url.0.parse::<PgConnectOptions>()?, None),
            None => {
                let dir = args.data_dir.clone();
                let cluster =
                    tokio::task::spawn_blocking(move || cluster::Cluster::start(&dir)).await??;
                cluster.ensure_database("inflow").await?;
                (cluster.connect_options("inflow"), Some(cluster))
            }
        };
        let pool = match connect(options, size).await {
            Ok(p) => p,
            Err(e) => {
                if let Some(c) = &cluster {
                    let _ = c.stop();
                }
                return Err(e.context("could not connect to the database"));
            }
        };
        migrate(&pool).await?;
        Ok(Database { pool, cluster })
    }

    /// Close the pool, then stop the private cluster if this process started it.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(c) = self.cluster {
            tokio::task::spawn_blocking(move || c.stop()).await??;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The options' log settings, as their `Debug` shows them (sqlx keeps
    /// them private).
    fn settings(o: &PgConnectOptions) -> String {
        let all = format!("{o:?}");
        let at = all
            .find("LogSettings")
            .expect("the options show their log settings");
        all[at..].split('}').next().unwrap_or_default().to_owned()
    }

    #[test]
    fn statements_are_logged_only_when_the_filter_wants_them_and_slow_ones_always() {
        let base = PgConnectOptions::new();
        let quiet = statement_logging(base.clone(), false);
        let shown = statement_logging(base.clone(), true);
        assert!(
            settings(&quiet).contains("statements_level: Off"),
            "{}",
            settings(&quiet)
        );
        assert!(
            settings(&quiet).contains("slow_statements_level: Warn"),
            "{}",
            settings(&quiet)
        );
        assert!(
            settings(&shown).contains("statements_level: Debug"),
            "{}",
            settings(&shown)
        );
    }
}
