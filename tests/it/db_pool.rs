//! The requests' connection pool (`inflow::db::pool`): a released connection
//! is reused as it is, a transaction dropped without commit is rolled back
//! before anyone reuses its connection, and a full or closed pool says so.

use std::time::{Duration, Instant};

use inflow::db::pool::Db;
use sqlx::{Connection, PgPool};

use crate::harness::fresh_db;

async fn db_of(size: u32, timeout: Duration) -> (PgPool, Db) {
    let pool = fresh_db(2).await;
    sqlx::query("CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO counter VALUES (1, 0)")
        .execute(&pool)
        .await
        .unwrap();
    let db = Db::new((*pool.connect_options()).clone(), size, timeout);
    (pool, db)
}

async fn backend(c: &mut sqlx::PgConnection) -> i32 {
    sqlx::query_scalar("SELECT pg_backend_pid()")
        .fetch_one(c)
        .await
        .unwrap()
}

async fn count(pool: &PgPool) -> i32 {
    sqlx::query_scalar("SELECT n FROM counter WHERE id = 1")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn set(c: &mut sqlx::PgConnection, n: i32) {
    sqlx::query("UPDATE counter SET n = $1 WHERE id = 1")
        .bind(n)
        .execute(c)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_released_connection_is_handed_to_the_next_request_as_it_is() {
    let (_pool, db) = db_of(2, Duration::from_secs(2)).await;
    let mut c = db.acquire().await.unwrap();
    let pid = backend(&mut c).await;
    assert_eq!(db.idle(), 0);
    drop(c);
    assert_eq!(db.idle(), 1, "back in the pool at once");
    let mut c = db.acquire().await.unwrap();
    assert_eq!(backend(&mut c).await, pid, "the same connection");
    assert_eq!(db.idle(), 0);
}

#[tokio::test]
async fn a_transaction_dropped_without_commit_is_undone_before_its_connection_is_reused() {
    let (pool, db) = db_of(1, Duration::from_secs(5)).await;
    let pid = {
        let mut tx = db.begin().await.unwrap();
        sqlx::query("UPDATE counter SET n = n + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await
            .unwrap();
        backend(&mut tx).await
        // dropped here: a request that failed half-way
    };
    // The only connection is handed out again once its rollback has run:
    // before it is used, the update is undone and the row is free, so
    // another connection may write it at once.
    let mut c = db.acquire().await.unwrap();
    assert_eq!(count(&pool).await, 0, "the update was rolled back");
    let mut other = pool.acquire().await.unwrap();
    sqlx::query("SET lock_timeout = '1s'")
        .execute(&mut *other)
        .await
        .unwrap();
    sqlx::query("UPDATE counter SET n = 5 WHERE id = 1")
        .execute(&mut *other)
        .await
        .expect("no lock left behind");
    assert_eq!(count(&pool).await, 5);
    assert_eq!(backend(&mut c).await, pid, "the same connection");
    assert!(!c.is_in_transaction());
}

#[tokio::test]
async fn a_committed_transaction_is_kept_and_its_connection_reused() {
    let (pool, db) = db_of(1, Duration::from_secs(2)).await;
    let mut tx = db.begin().await.unwrap();
    set(&mut tx, 7).await;
    tx.commit().await.unwrap();
    assert_eq!(count(&pool).await, 7);
    assert_eq!(db.idle(), 1);
    let mut tx = db.begin().await.unwrap();
    set(&mut tx, 8).await;
    tx.rollback().await.unwrap();
    assert_eq!(count(&pool).await, 7, "rolled back on request");
    assert_eq!(db.idle(), 1);
}

#[tokio::test]
async fn a_full_pool_times_out_and_a_closed_one_refuses() {
    let (_pool, db) = db_of(1, Duration::from_millis(300)).await;
    let held = db.acquire().await.unwrap();
    let started = Instant::now();
    let err = db.acquire().await.err().expect("no connection free");
    assert!(matches!(err, sqlx::Error::PoolTimedOut), "{err}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(held);
    assert!(db.acquire().await.is_ok(), "free again once released");
    db.close();
    assert_eq!(db.idle(), 0);
    let err = db.acquire().await.err().expect("closed");
    assert!(matches!(err, sqlx::Error::PoolClosed), "{err}");
}
