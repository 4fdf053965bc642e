//! The private Postgres cluster of zero-config runs: start, reuse, stop.

use inflow::db::cluster::Cluster;
use sqlx::{ConnectOptions, Executor};

use crate::harness::scratch_dir;

#[tokio::test]
async fn the_private_cluster_starts_is_reused_and_stops() {
    let dir = scratch_dir("cluster");
    let c = tokio::task::spawn_blocking({
        let d = dir.clone();
        move || Cluster::start(&d)
    })
    .await
    .unwrap()
    .expect("first start");
    assert!(c.is_running());
    c.ensure_database("inflow").await.unwrap();
    let mut conn = c.connect_options("inflow").connect().await.unwrap();
    conn.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')")
        .await
        .unwrap();
    drop(conn);

    // A second start while running reuses the same server.
    let again = tokio::task::spawn_blocking({
        let d = dir.clone();
        move || Cluster::start(&d)
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(again.data, c.data);

    tokio::task::spawn_blocking(move || c.stop())
        .await
        .unwrap()
        .unwrap();
    assert!(!again.is_running(), "stopped");
    assert!(again.connect_options("inflow").connect().await.is_err());

    // The next start reuses the data.
    let third = tokio::task::spawn_blocking({
        let d = dir.clone();
        move || Cluster::start(&d)
    })
    .await
    .unwrap()
    .unwrap();
    third.ensure_database("inflow").await.unwrap();
    let mut conn = third.connect_options("inflow").connect().await.unwrap();
    let v: String = sqlx::query_scalar("SELECT v FROM kept")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(v, "still here");
    drop(conn);
    tokio::task::spawn_blocking(move || third.stop())
        .await
        .unwrap()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_postgres_binaries_give_a_helpful_message() {
    let found = inflow::db::cluster::find_bin_dir(
        Some(std::ffi::OsStr::new("/nonexistent")),
        std::path::Path::new("/nonexistent"),
    );
    assert!(found.is_none());
    let msg = inflow::db::cluster::MISSING_BINARIES;
    assert!(msg.contains("apt-get install postgresql") && msg.contains("DATABASE_URL"));
}
