//! Command-line flags and environment variables. Secrets are redacted in `Debug`.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};

/// A value that must never be printed (database and SMTP URLs carry passwords).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "inflow",
    version,
    about = "Inflow: a learning experience platform for continuous workplace learning",
    long_about = "Inflow: a learning experience platform for continuous workplace learning.\n\n\
Without DATABASE_URL, Inflow starts (or reuses) a private PostgreSQL cluster under --data-dir \
using the system's PostgreSQL binaries, and stops it on exit."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server and the background worker.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(DbArgs),
    /// Create an L&D admin account (the password is read from standard input).
    CreateAdmin(CreateAdminArgs),
    /// Seed the demo organisation; running it twice duplicates nothing.
    DemoSeed(DbArgs),
    /// Fill an empty database with a large organisation for load tests
    /// (see bench/README.md); writes the benchmark sessions to a file.
    BenchSeed(BenchSeedArgs),
}

/// Sizes of the benchmark organisation. Per-learner amounts stay the same
/// whatever the number of learners, so pages can be compared across sizes.
#[derive(Debug, Clone, Args)]
pub struct BenchSeedArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Learners (each team has 50, with one manager).
    #[arg(long, default_value_t = 100_000)]
    pub learners: i64,
    /// Teams, each with a manager (default: one per 50 learners).
    #[arg(long)]
    pub teams: Option<i64>,
    /// Published content items, each with two review questions.
    #[arg(long, default_value_t = 10_000)]
    pub items: i64,
    /// Campaigns: a third running, a third scheduled, a third finished.
    #[arg(long, default_value_t = 300)]
    pub campaigns: i64,
    /// Activity records per learner, spread over the last year.
    #[arg(long, default_value_t = 100)]
    pub activities_per_learner: i64,
    /// Goals per learner, with evidence and check-ins.
    #[arg(long, default_value_t = 2)]
    pub goals_per_learner: i64,
    /// Reflections per learner.
    #[arg(long, default_value_t = 10)]
    pub reflections_per_learner: i64,
    /// Learners given a session (their managers get one too).
    #[arg(long, default_value_t = 1_000)]
    pub sessions: i64,
    /// Where to write the sessions (tab-separated: role, token, user id, goal id).
    #[arg(long, default_value = "bench-sessions.tsv")]
    pub sessions_file: PathBuf,
}

/// Where the database is.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Postgres URL. When unset, a private cluster is started under --data-dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,
    /// Directory of the private Postgres cluster (used only without DATABASE_URL).
    #[arg(long, env = "INFLOW_DATA_DIR", default_value = "inflow-data")]
    pub data_dir: PathBuf,
    /// Database connections in the pool (default: 4 per CPU core, at most 16).
    #[arg(long, env = "INFLOW_DB_POOL_SIZE")]
    pub pool_size: Option<u32>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "INFLOW_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// Seed the demo organisation when the database is empty, and show demo logins.
    #[arg(long, env = "INFLOW_DEMO")]
    pub demo: bool,
    /// Public URL used in links (invitations, resets); https turns on Secure cookies.
    #[arg(long, env = "INFLOW_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds to keep serving after SIGTERM while /readyz answers 503.
    #[arg(long, env = "INFLOW_DRAIN_SECONDS", default_value_t = 5)]
    pub drain_seconds: u64,
    /// SMTP server, e.g. smtps://user:pass@smtp.example.com:465. Unset: mail goes to the outbox.
    #[arg(long, env = "INFLOW_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// Behind a load balancer: take the client address (for sign-in throttling)
    /// from the last X-Forwarded-For entry, which the balancer appends.
    #[arg(long, env = "INFLOW_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Origins allowed to frame open-access items at /embed/{slug}, e.g.
    /// "https://intranet.example.com https://wiki.example.com".
    #[arg(long, env = "INFLOW_EMBED_ORIGINS")]
    pub embed_origins: Option<String>,
    /// Serve pages only and leave the background jobs (digests, reminders,
    /// enrolment, clean-up) to another instance that runs without this flag.
    #[arg(long, env = "INFLOW_NO_WORKER")]
    pub no_worker: bool,
    /// Sender address for mail.
    #[arg(
        long,
        env = "INFLOW_MAIL_FROM",
        default_value = "Inflow <inflow@localhost>"
    )]
    pub mail_from: String,
}

#[derive(Debug, Clone, Args)]
pub struct CreateAdminArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Email address of the new admin.
    #[arg(long)]
    pub email: String,
    /// Display name of the new admin.
    #[arg(long)]
    pub name: String,
}

/// Settings the web layer needs at run time.
#[derive(Debug, Clone)]
pub struct Settings {
    pub public_url: String,
    pub secure_cookies: bool,
    pub demo: bool,
    pub trust_proxy: bool,
    pub embed_origins: Vec<String>,
}

impl Settings {
    pub fn new(public_url: Option<&str>, bind: SocketAddr, demo: bool) -> Self {
        let public_url = public_url
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{bind}"));
        let secure_cookies = public_url.starts_with("https://");
        Settings {
            public_url,
            secure_cookies,
            demo,
            trust_proxy: false,
            embed_origins: Vec::new(),
        }
    }

    /// Settings for tests and tools: a local http URL, demo mode off.
    pub fn local() -> Self {
        Settings::new(None, SocketAddr::from(([127, 0, 0, 1], 3000)), false)
    }
}

/// Parse a list of web origins (`https://host[:port]`), separated by commas or spaces.
pub fn parse_origins(s: &str) -> Result<Vec<String>, String> {
    s.split([',', ' ', '\n', '\t'])
        .filter(|o| !o.is_empty())
        .map(|o| {
            let o = o.trim_end_matches('/');
            let rest = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"));
            match rest {
                Some(host)
                    if !host.is_empty() && !host.contains(['/', '?', '#', '\'', '"', ';']) =>
                {
                    Ok(o.to_owned())
                }
                _ => Err(format!(
                    "\"{o}\" is not a web origin like https://intranet.example.com"
                )),
            }
        })
        .collect()
}

/// Default pool size: 4 connections per core (small pools win), between 2 and 16.
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    (cores * 4).clamp(2, 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted_in_debug() {
        let s = Secret("postgres://u:hunter2@db/x".into());
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn embed_origins_are_checked() {
        assert_eq!(
            parse_origins("https://intranet.example.com/, http://wiki.local:8080").unwrap(),
            vec![
                "https://intranet.example.com".to_owned(),
                "http://wiki.local:8080".to_owned()
            ]
        );
        assert!(parse_origins("https://a.example.com/path").is_err());
        assert!(parse_origins("*").is_err());
        assert!(parse_origins("https://x.com; script-src *").is_err());
        assert!(parse_origins("").unwrap().is_empty());
    }

    #[test]
    fn https_public_url_means_secure_cookies() {
        let bind = SocketAddr::from(([127, 0, 0, 1], 3000));
        assert!(Settings::new(Some("https://learn.example.com/"), bind, false).secure_cookies);
        let local = Settings::new(None, bind, false);
        assert!(!local.secure_cookies);
        assert_eq!(local.public_url, "http://127.0.0.1:3000");
    }
}
