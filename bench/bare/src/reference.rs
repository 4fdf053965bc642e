//! The issue's reference page (issue 9): "a minimal axum + sqlx + askama
//! page that runs 4 indexed queries over a 1-million-row table", which on
//! this machine served 4,200–4,600 requests a second with a p99 of about
//! 20 ms at 64 connections and a pool of 8, when the issue was written.
//! The harness (`bench/reference.py`) measures it in turns with Today, so
//! each run says how fast the machine was against that yardstick. Four
//! primary-key lookups in `bench_reference` (1,000,000 rows, made by the
//! harness), rendered with askama. Run it with `BARE_POOL=sqlx`: sqlx's
//! own pool of 8, as such a page would have.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};

use crate::{App, Conn, OK, Relaxed, failed};

/// The rows in `bench_reference`.
pub const ROWS: i32 = 1_000_000;

const ROW: &str = "SELECT id, title, body, n FROM bench_reference WHERE id = $1";

#[derive(Template)]
#[template(path = "reference.html")]
struct Page {
    rows: Vec<(i32, String, String, i32)>,
}

/// Four rows spread over the table from the request's number.
fn ids(n: i32) -> [i32; 4] {
    let n = n.rem_euclid(ROWS);
    [0, 1, 2, 3].map(|k| (n + k * 250_007) % ROWS + 1)
}

pub async fn show(State(app): State<App>, Path(n): Path<i32>) -> Response {
    let found = async {
        let mut conn = Conn::take(&app.db).await?;
        let mut rows = Vec::with_capacity(4);
        for id in ids(n) {
            rows.push(sqlx::query_as(ROW).bind(id).fetch_one(conn.get()).await?);
        }
        conn.done();
        sqlx::Result::Ok(rows)
    };
    let rows = match found.await {
        Ok(rows) => rows,
        Err(e) => return failed(Err(e)),
    };
    match (Page { rows }).render() {
        Ok(html) => {
            OK.fetch_add(1, Relaxed);
            Html(html).into_response()
        }
        Err(e) => failed(Err(sqlx::Error::Protocol(e.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_in_the_table() {
        for n in [0, 1, 999_999, 1_000_000, i32::MAX, -5] {
            for id in ids(n) {
                assert!((1..=ROWS).contains(&id), "{n} gave {id}");
            }
        }
        assert_eq!(ids(0), [1, 250_008, 500_015, 750_022]);
    }
}
