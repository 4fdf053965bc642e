//! The pool web requests draw their database connections from.
//!
//! sqlx's own pool sends every connection it takes back a round trip (a
//! `Sync`, answered by the server) before another request may use it. A
//! signed-in page releases two connections, so that is two of its four to
//! seven round trips, each waking a Postgres backend and a task of ours
//! (about a tenth of Inflow's CPU samples on a simple page). This pool hands
//! a released connection straight to the next request instead: 3–6 % more
//! pages a second on two cores, 7–12 % less of Inflow's own CPU per page
//! (BENCHMARKS.md). What the round trip was for is kept:
//! - a connection with something left to send (a transaction dropped without
//!   commit queues its `ROLLBACK`) is flushed first, in its own task, so no
//!   lock outlives the request;
//! - a connection that sat idle, or any connection shortly after one was lost,
//!   is pinged before use (see [`health`]);
//! - one idle for [`health::IDLE_TIMEOUT`] is closed rather than reused.
//!
//! Waiters are served first come, first served (a fair semaphore), and an
//! acquire that waits longer than the timeout fails with
//! [`sqlx::Error::PoolTimedOut`] (a 503 page). The worker, migrations and the
//! demo seed keep using sqlx's pool.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgTransactionManager};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use sqlx_core::transaction::TransactionManager;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::health::{self, Reuse};

/// A pool of at most `size` connections; cheap to clone.
#[derive(Clone)]
pub struct Db(Arc<Inner>);

struct Inner {
    options: PgConnectOptions,
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Idle>>,
    acquire_timeout: Duration,
}

struct Idle {
    conn: PgConnection,
    since: Instant,
}

impl Db {
    pub fn new(options: PgConnectOptions, size: u32, acquire_timeout: Duration) -> Db {
        Db(Arc::new(Inner {
            options,
            permits: Arc::new(Semaphore::new(size.max(1) as usize)),
            idle: Mutex::new(Vec::new()),
            acquire_timeout,
        }))
    }

    /// A pool to the same database, of the same size and acquire timeout, as `pool`.
    pub fn like(pool: &PgPool) -> Db {
        let o = pool.options();
        Db::new(
            (*pool.connect_options()).clone(),
            o.get_max_connections(),
            o.get_acquire_timeout(),
        )
    }

    pub async fn acquire(&self) -> sqlx::Result<Conn> {
        tokio::time::timeout(self.0.acquire_timeout, self.acquire_unbounded())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
    }

    async fn acquire_unbounded(&self) -> sqlx::Result<Conn> {
        let permit = Arc::clone(&self.0.permits)
            .acquire_owned()
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        loop {
            // The most recently released first: the one most likely alive.
            let idle = self.0.idle.lock().map_or(None, |mut v| v.pop());
            let Some(Idle { mut conn, since }) = idle else {
                let conn = self.0.options.connect().await?;
                return Ok(self.wrap(conn, permit));
            };
            match health::reuse(since.elapsed(), health::since_lost()) {
                Reuse::Close => continue, // dropped: closes the socket
                Reuse::Ping => {
                    if let Err(e) = conn.ping().await {
                        health::note(&e);
                        continue;
                    }
                }
                Reuse::Use => {}
            }
            return Ok(self.wrap(conn, permit));
        }
    }

    fn wrap(&self, conn: PgConnection, permit: OwnedSemaphorePermit) -> Conn {
        Conn {
            conn: Some(conn),
            db: Arc::clone(&self.0),
            permit: Some(permit),
        }
    }

    /// A connection with a transaction open on it.
    pub async fn begin(&self) -> sqlx::Result<Tx> {
        let mut conn = self.acquire().await?;
        PgTransactionManager::begin(&mut conn, None).await?;
        Ok(Tx { conn, open: true })
    }

    /// Take no more connections and close the idle ones.
    pub fn close(&self) {
        self.0.permits.close();
        if let Ok(mut v) = self.0.idle.lock() {
            v.clear();
        }
    }

    /// Idle connections (for tests).
    pub fn idle(&self) -> usize {
        self.0.idle.lock().map_or(0, |v| v.len())
    }
}

/// A connection taken from `db` the first time it is needed: a request
/// that may not need one (Today with its state read, see `daily::today`)
/// takes none then.
pub struct Lazy<'a> {
    db: &'a Db,
    conn: Option<Conn>,
}

impl<'a> Lazy<'a> {
    pub fn new(db: &'a Db) -> Lazy<'a> {
        Lazy { db, conn: None }
    }

    pub async fn get(&mut self) -> sqlx::Result<&mut PgConnection> {
        if self.conn.is_none() {
            self.conn = Some(self.db.acquire().await?);
        }
        Ok(self.conn.as_mut().expect("taken just above"))
    }
}

impl Inner {
    fn put_back(&self, conn: PgConnection) {
        if self.permits.is_closed() {
            return;
        }
        if let Ok(mut v) = self.idle.lock() {
            v.push(Idle {
                conn,
                since: Instant::now(),
            });
        }
    }
}

/// A pooled connection; dereferences to the connection, goes back on drop.
pub struct Conn {
    conn: Option<PgConnection>,
    db: Arc<Inner>,
    permit: Option<OwnedSemaphorePermit>,
}

impl Deref for Conn {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        self.conn.as_ref().expect("a live connection")
    }
}

impl DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("a live connection")
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let (Some(mut conn), Some(permit)) = (self.conn.take(), self.permit.take()) else {
            return;
        };
        if !conn.should_flush() && !conn.is_in_transaction() {
            self.db.put_back(conn);
            return;
        }
        // Something is queued (a rollback): send it before anyone reuses the
        // connection, keeping its place in the pool until then.
        let db = Arc::clone(&self.db);
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if conn.flush().await.is_ok() && !conn.is_in_transaction() {
                    db.put_back(conn);
                }
                drop(permit);
            });
        }
    }
}

/// A transaction; rolled back when dropped without [`Tx::commit`].
pub struct Tx {
    conn: Conn,
    open: bool,
}

impl Tx {
    pub async fn commit(mut self) -> sqlx::Result<()> {
        PgTransactionManager::commit(&mut self.conn).await?;
        self.open = false;
        Ok(())
    }

    pub async fn rollback(mut self) -> sqlx::Result<()> {
        PgTransactionManager::rollback(&mut self.conn).await?;
        self.open = false;
        Ok(())
    }
}

impl Deref for Tx {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.conn
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.conn
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if self.open {
            PgTransactionManager::start_rollback(&mut self.conn);
        }
    }
}
