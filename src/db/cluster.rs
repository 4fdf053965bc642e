//! A private Postgres cluster for zero-config runs and tests, built from the
//! system's PostgreSQL binaries (`initdb`, `pg_ctl`). It listens only on a Unix
//! socket inside its own data directory, so it never clashes with a port.
//! When running as root, the server runs as the `postgres` user via `runuser`.
//! `INFLOW_PG_BIN_DIR` names the binaries' directory when they are elsewhere.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Executor};

const SUPERUSER: &str = "inflow";

pub const MISSING_BINARIES: &str = "Inflow could not find the PostgreSQL server programs (initdb, pg_ctl).\n\
Either install them — on Debian or Ubuntu: `sudo apt-get install postgresql` — \
or point Inflow at an existing database with DATABASE_URL=postgres://user:password@host/dbname.";

/// Where `initdb` and `pg_ctl` live: on `PATH`, else the newest `/usr/lib/postgresql/<v>/bin`.
pub fn find_bin_dir(path_var: Option<&OsStr>, lib_root: &Path) -> Option<PathBuf> {
    if let Some(path) = path_var {
        for dir in std::env::split_paths(path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return Some(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(lib_root)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file()).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A running private cluster.
#[derive(Debug)]
pub struct Cluster {
    bin: PathBuf,
    pub data: PathBuf,
    as_postgres: bool,
}

impl Cluster {
    /// Initialise `dir/pg` if needed and start the server (or reuse a running one).
    pub fn start(dir: &Path) -> anyhow::Result<Cluster> {
        let bin = match std::env::var_os("INFLOW_PG_BIN_DIR") {
            Some(dir) => {
                let dir = PathBuf::from(dir);
                (dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()).then_some(dir)
            }
            None => find_bin_dir(
                std::env::var_os("PATH").as_deref(),
                Path::new("/usr/lib/postgresql"),
            ),
        }
        .ok_or_else(|| anyhow::anyhow!(MISSING_BINARIES))?;
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let dir = dir.canonicalize()?;
        let data = dir.join("pg");
        let socket = data.join(".s.PGSQL.5432");
        if socket.as_os_str().len() > 100 {
            bail!(
                "the data directory path {} is too long for a Postgres socket; choose a shorter --data-dir",
                dir.display()
            );
        }
        let cluster = Cluster {
            bin,
            data,
            as_postgres: is_root(),
        };
        if !cluster.data.join("PG_VERSION").is_file() {
            cluster.init()?;
        }
        if !cluster.is_running() {
            let log = cluster.data.join("server.log");
            let opts = format!(
                "-c listen_addresses='' -c unix_socket_directories='{}' -c max_connections=200 -c fsync=on",
                cluster.data.display()
            );
            cluster
                .run(
                    "pg_ctl",
                    &[
                        OsStr::new("-D"),
                        cluster.data.as_os_str(),
                        OsStr::new("-l"),
                        log.as_os_str(),
                        OsStr::new("-o"),
                        OsStr::new(&opts),
                        OsStr::new("-w"),
                        OsStr::new("-t"),
                        OsStr::new("60"),
                        OsStr::new("start"),
                    ],
                )
                .with_context(|| format!("Postgres did not start; see {}", log.display()))?;
        }
        Ok(cluster)
    }

    fn init(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.data)?;
        if self.as_postgres {
            let status = Command::new("chown")
                .arg("postgres:postgres")
                .arg(&self.data)
                .status()?;
            if !status.success() {
                bail!(
                    "cannot hand {} to the postgres user (is there a `postgres` user?)",
                    self.data.display()
                );
            }
        }
        self.run(
            "initdb",
            &[
                OsStr::new("-D"),
                self.data.as_os_str(),
                OsStr::new("-U"),
                OsStr::new(SUPERUSER),
                OsStr::new("--auth=trust"),
                OsStr::new("-E"),
                OsStr::new("UTF8"),
                OsStr::new("--locale=C.UTF-8"),
            ],
        )
        .context("initdb failed")
    }

    fn command(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            // The postgres user may not be allowed into our working directory.
            c.current_dir("/").args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, program: &str, args: &[&OsStr]) -> anyhow::Result<()> {
        let out = self
            .command(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("cannot run {program}"))?;
        if !out.status.success() {
            bail!(
                "{program} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    }

    pub fn is_running(&self) -> bool {
        self.command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .arg("status")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .stdin(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.data)
            .username(SUPERUSER)
            .database(database)
    }

    /// Create `name` if it does not exist.
    pub async fn ensure_database(&self, name: &str) -> anyhow::Result<()> {
        let mut conn = self.connect_options("postgres").connect().await?;
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(name)
                .fetch_one(&mut conn)
                .await?;
        if !exists {
            let sql = format!("CREATE DATABASE \"{}\"", name.replace('"', ""));
            conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
                .await?;
        }
        Ok(())
    }

    /// Stop the server (fast shutdown: sessions are disconnected, data is flushed).
    pub fn stop(&self) -> anyhow::Result<()> {
        if !self.is_running() {
            return Ok(());
        }
        self.run(
            "pg_ctl",
            &[
                OsStr::new("-D"),
                self.data.as_os_str(),
                OsStr::new("-m"),
                OsStr::new("fast"),
                OsStr::new("-w"),
                OsStr::new("stop"),
            ],
        )
    }

    /// For test harnesses: stop the cluster (and optionally remove `remove_dir`)
    /// when this process exits, however it exits. A watchdog shell waits for
    /// its stdin to close, which happens when the owning process dies.
    pub fn stop_on_exit(
        &self,
        remove_dir: Option<&Path>,
    ) -> anyhow::Result<std::process::ChildStdin> {
        let mut stop = format!(
            "{} -D '{}' -m immediate -w stop",
            self.bin.join("pg_ctl").display(),
            self.data.display()
        );
        if self.as_postgres {
            stop = format!("runuser -u postgres -- {stop}");
        }
        if let Some(d) = remove_dir {
            stop = format!("{stop}; rm -rf '{}'", d.display());
        }
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!("cat >/dev/null; {stop} >/dev/null 2>&1"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        child.stdin.take().context("watchdog stdin")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_binaries_are_reported_as_none() {
        let empty = std::env::temp_dir().join("inflow-no-such-dir");
        assert_eq!(find_bin_dir(Some(OsStr::new("/nonexistent")), &empty), None);
        assert!(MISSING_BINARIES.contains("apt-get install postgresql"));
        assert!(MISSING_BINARIES.contains("DATABASE_URL"));
    }
}
