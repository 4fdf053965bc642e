//! When a pooled connection needs a round trip to prove it is alive.
//!
//! Neither pool sends one on every use. The requests' pool (`db::pool`)
//! hands a released connection straight to the next request, and sqlx's pool
//! (the worker's) pings each connection as it takes it back, so one that was
//! used a moment ago is taken as alive. A connection is pinged before use only
//! when it has been idle for a while, or when a connection was lost recently
//! (the database restarted or dropped its connections): then every connection
//! is suspect until the pool has healed. One idle for [`IDLE_TIMEOUT`] is
//! closed instead.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Idle this long or more: ping before use.
pub const TRUST_IDLE: Duration = Duration::from_secs(1);
/// After a lost connection, ping every connection for this long.
pub const SUSPECT_FOR: Duration = Duration::from_secs(10);
/// Idle this long or more: close instead of reusing.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// What to do with an idle connection before handing it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    Use,
    Ping,
    Close,
}

/// The check for a connection idle for `idle_for`, given how long ago a
/// connection was last lost (`None`: never).
pub fn reuse(idle_for: Duration, since_lost: Option<Duration>) -> Reuse {
    if idle_for >= IDLE_TIMEOUT {
        Reuse::Close
    } else if needs_ping(idle_for, since_lost) {
        Reuse::Ping
    } else {
        Reuse::Use
    }
}

/// Whether a connection idle for `idle_for` must be pinged before use, given
/// how long ago a connection was last lost (`None`: never).
pub fn needs_ping(idle_for: Duration, since_lost: Option<Duration>) -> bool {
    idle_for >= TRUST_IDLE || since_lost.is_some_and(|d| d < SUSPECT_FOR)
}

/// Errors that mean the connection itself is gone, not the statement:
/// socket and protocol failures, SQLSTATE class 08 (connection exception)
/// and 57P01–57P03 (the server is shutting down or terminated the session).
pub fn is_connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

fn epoch() -> Instant {
    static START: OnceLock<Instant> = OnceLock::new();
    *START.get_or_init(Instant::now)
}

/// Milliseconds after `epoch()` plus one when a connection was last lost (0: never).
static LOST_AT: AtomicU64 = AtomicU64::new(0);

/// Remember that a connection was lost, if `e` says so; returns whether it did.
pub fn note(e: &sqlx::Error) -> bool {
    let lost = is_connection_lost(e);
    if lost {
        let ms = epoch().elapsed().as_millis() as u64 + 1;
        LOST_AT.store(ms, Ordering::Relaxed);
        tracing::warn!(error = %e, "a database connection was lost; checking every connection for a while");
    }
    lost
}

/// How long ago a connection was last lost.
pub fn since_lost() -> Option<Duration> {
    match LOST_AT.load(Ordering::Relaxed) {
        0 => None,
        at => Some(
            epoch()
                .elapsed()
                .saturating_sub(Duration::from_millis(at - 1)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_connection_released_a_moment_ago_is_trusted() {
        assert!(!needs_ping(ms(0), None));
        assert!(!needs_ping(ms(999), None));
        assert!(!needs_ping(ms(5), Some(SUSPECT_FOR)));
    }

    #[test]
    fn an_idle_connection_is_pinged() {
        assert!(needs_ping(TRUST_IDLE, None));
        assert!(needs_ping(ms(60_000), Some(ms(3_600_000))));
    }

    #[test]
    fn after_a_lost_connection_every_connection_is_pinged_for_a_while() {
        assert!(needs_ping(ms(0), Some(ms(0))));
        assert!(needs_ping(ms(1), Some(SUSPECT_FOR - ms(1))));
        assert!(!needs_ping(ms(1), Some(SUSPECT_FOR)));
    }

    #[test]
    fn a_connection_idle_for_minutes_is_closed_not_reused() {
        assert_eq!(reuse(ms(0), None), Reuse::Use);
        assert_eq!(reuse(ms(0), Some(ms(0))), Reuse::Ping);
        assert_eq!(reuse(TRUST_IDLE, None), Reuse::Ping);
        assert_eq!(reuse(IDLE_TIMEOUT - ms(1), None), Reuse::Ping);
        assert_eq!(reuse(IDLE_TIMEOUT, None), Reuse::Close);
        assert_eq!(reuse(IDLE_TIMEOUT, Some(ms(0))), Reuse::Close);
    }

    #[test]
    fn only_connection_failures_count_as_lost() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_connection_lost(&io));
        assert!(is_connection_lost(&sqlx::Error::Protocol(
            "unexpected EOF".into()
        )));
        assert!(!is_connection_lost(&sqlx::Error::RowNotFound));
        assert!(!is_connection_lost(&sqlx::Error::PoolTimedOut));
    }
}
