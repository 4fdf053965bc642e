//! The binary's subcommands: `serve`, `migrate`, `create-admin`, `demo-seed`,
//! `bench-seed`.
//! Errors end the process with one short message, never a backtrace.

use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use tokio_util::sync::CancellationToken;

use crate::app::{AppState, build_service};
use crate::auth::model::{check_password, is_valid_email, normalize_email};
use crate::bench::Sizes;
use crate::config::{BenchSeedArgs, Cli, Command, CreateAdminArgs, ServeArgs, Settings};
use crate::db::Database;
use crate::mail::Mailer;
use crate::people::store::{self, PersonFields};
use crate::{bench, demo, telemetry};

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init();
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("inflow: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("inflow: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Migrate(db) => {
            let db = Database::open(&db).await?;
            println!("Migrations are up to date.");
            db.shutdown().await
        }
        Command::DemoSeed(db) => {
            let db = Database::open(&db).await?;
            let n = demo::seed(&db.pool).await;
            db.shutdown().await?;
            println!("The demo organisation is ready ({} people).", n?);
            Ok(())
        }
        Command::BenchSeed(args) => bench_seed(args).await,
        Command::CreateAdmin(args) => {
            let db = Database::open(&args.db).await?;
            let result = create_admin(&db, &args).await;
            db.shutdown().await?;
            result
        }
    }
}

async fn bench_seed(args: BenchSeedArgs) -> anyhow::Result<()> {
    let sizes = Sizes {
        learners: args.learners,
        teams: 0,
        items: args.items,
        campaigns: args.campaigns,
        activities_per_learner: args.activities_per_learner,
        goals_per_learner: args.goals_per_learner,
        reflections_per_learner: args.reflections_per_learner,
        sessions: args.sessions,
    }
    .checked(args.teams)
    .map_err(|m| anyhow::anyhow!(m))?;
    let mut file = std::fs::File::create(&args.sessions_file)
        .with_context(|| format!("cannot write {}", args.sessions_file.display()))?;
    let db = Database::open(&args.db).await?;
    let seeded = bench::seed(&db.pool, &sizes, std::io::stdout()).await;
    db.shutdown().await?;
    bench::write_sessions(&mut file, &seeded?)?;
    println!("Sessions written to {}.", args.sessions_file.display());
    Ok(())
}

async fn create_admin(db: &Database, args: &CreateAdminArgs) -> anyhow::Result<()> {
    let email = normalize_email(&args.email);
    if !is_valid_email(&email) {
        bail!("\"{}\" is not a valid email address", args.email);
    }
    let name = args.name.trim();
    if name.is_empty() {
        bail!("--name must not be empty");
    }
    eprintln!("Password for {email} (at least 10 characters), then Enter:");
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("cannot read the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']).to_owned();
    check_password(&password).map_err(|m| anyhow::anyhow!("password: {m}"))?;
    let mut c = db.pool.acquire().await?;
    if store::id_by_email(&mut c, &email).await?.is_some() {
        bail!("someone with {email} already exists");
    }
    let hash = tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await?;
    let fields = PersonFields {
        email: &email,
        name,
        role: "admin",
        manager_id: None,
        team_id: None,
        timezone: "UTC",
    };
    let id = store::insert_person(&mut c, &fields, Some(&hash)).await?;
    crate::admin::store::record(
        &mut c,
        None,
        "person.create",
        &email,
        serde_json::json!({ "role": "admin", "via": "cli" }),
    )
    .await?;
    println!("Created L&D admin {name} <{email}> ({id}).");
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let mailer = Mailer::new(
        args.smtp_url.as_ref().map(|s| s.0.as_str()),
        &args.mail_from,
    )?;
    let db = Database::open(&args.db).await?;
    if args.demo && store::count_users(&mut *db.pool.acquire().await?).await? == 0 {
        let n = demo::seed(&db.pool).await?;
        tracing::info!(people = n, "seeded the demo organisation");
    }
    let listener = match tokio::net::TcpListener::bind(args.bind).await {
        Ok(l) => l,
        Err(e) => {
            db.shutdown().await?;
            bail!(
                "cannot listen on {}: {e} (choose another with --bind or INFLOW_BIND)",
                args.bind
            );
        }
    };
    let bound = listener.local_addr()?;
    let mut settings = Settings::new(args.public_url.as_deref(), bound, args.demo);
    settings.trust_proxy = args.trust_proxy;
    settings.embed_origins =
        crate::config::parse_origins(args.embed_origins.as_deref().unwrap_or(""))
            .map_err(|e| anyhow::anyhow!("INFLOW_EMBED_ORIGINS: {e}"))?;
    let state = AppState::new(db.pool.clone(), settings, mailer);
    let url = state.settings.public_url.clone();
    println!("Inflow is running at {url}");
    if args.demo {
        println!("Demo logins (password: {}):", demo::PASSWORD);
        for (email, what) in demo::LOGINS {
            println!("  {email:<22} {what}");
        }
    }
    println!("Press Ctrl-C to stop.");

    let stop = CancellationToken::new();
    tokio::spawn(wait_for_signal(
        state.clone(),
        stop.clone(),
        Duration::from_secs(args.drain_seconds),
    ));
    let delivery =
        crate::campaigns::digest::Delivery::new(state.mailer.clone(), &state.settings.public_url)?;
    let worker = if args.no_worker {
        tokio::spawn(async { anyhow::Ok(()) })
    } else {
        tokio::spawn(crate::jobs::run(
            db.pool.clone(),
            delivery,
            stop.clone().cancelled_owned(),
        ))
    };
    crate::ops::spawn_upkeep();
    let requests_db = state.db.clone();
    let app = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
        SocketAddr,
    >(build_service(state));
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(stop.clone().cancelled_owned())
        .await;
    stop.cancel();
    match tokio::time::timeout(Duration::from_secs(15), worker).await {
        Ok(Ok(Err(e))) => tracing::error!(error = %e, "background worker failed"),
        Err(_) => tracing::warn!("background worker did not stop in time"),
        _ => {}
    }
    requests_db.close();
    db.shutdown().await?;
    tracing::info!("stopped");
    served.context("the web server failed")
}

/// SIGTERM: answer 503 on /readyz, keep serving for the drain period, then stop.
/// SIGINT (Ctrl-C): stop at once. Either way in-flight requests finish.
async fn wait_for_signal(state: AppState, stop: CancellationToken, drain: Duration) {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "cannot listen for SIGTERM");
            return;
        }
    };
    let drain = tokio::select! {
        _ = tokio::signal::ctrl_c() => Duration::ZERO,
        _ = term.recv() => drain,
        _ = stop.cancelled() => return,
    };
    state.draining.store(true, Ordering::SeqCst);
    tracing::info!(drain_seconds = drain.as_secs(), "shutting down");
    tokio::time::sleep(drain).await;
    stop.cancel();
}
