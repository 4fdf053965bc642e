//! One digest a day per learner, by email, Slack or Teams. A one-minute
//! graphile_worker cron runs [`tick`] on every instance: it takes the people
//! whose next look (`digest_schedule`, an index range) has come, records the
//! day's digest for those whose digest time has come (the unique (learner,
//! local date) key makes that once, whichever instance wins) and sets each
//! one's next look, then delivers pending digests, [`LANES`] at a time,
//! under a lease (`SKIP LOCKED`, so two instances never take the same one;
//! a crashed instance's lease runs out and another takes over). Failures retry with
//! back-off and show at `/admin/integrations`; the web pages never wait for
//! any of it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures_util::{StreamExt, stream};
use serde_json::{Value, json};
use sqlx::{Connection, PgPool};

use super::learner::followed;
use super::model;
use super::store::digest as store;
use crate::mail::{self, Handed, Mailer};

/// How long a claimed digest is held before another instance may retry it.
pub const LEASE_SECONDS: i64 = 120;
/// Digests one instance has on their way at once. Mail and chat servers
/// answer in tens of milliseconds; one at a time, 100,000 digests through
/// an SMTP server taking 20 ms a message took about 55 minutes.
pub const LANES: usize = 8;
/// Attempts before a digest is given up (and shown as failed).
pub const MAX_ATTEMPTS: i32 = 8;

/// What a learner's digest says (pure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub lines: Vec<String>,
    pub link: String,
}

impl Digest {
    pub fn text(&self) -> String {
        let mut out = String::new();
        for l in &self.lines {
            out.push_str(&format!("• {l}\n"));
        }
        out.push_str(&format!("\nOpen Today: {}\n", self.link));
        out
    }
}

/// The digest for one learner on `date`: what was released to them that
/// day, plus what is still waiting and reviews due. None when nothing is new
/// (no step released that day and no review newly due).
pub fn compose(
    first_name: &str,
    date: NaiveDate,
    released_today: &[(String, String)],
    waiting_before: usize,
    reviews_due: i64,
    base_url: &str,
) -> Option<Digest> {
    if released_today.is_empty() && reviews_due == 0 {
        return None;
    }
    let mut lines: Vec<String> = released_today
        .iter()
        .map(|(campaign, step)| format!("New in {campaign}: {step}"))
        .collect();
    if reviews_due > 0 {
        lines.push(format!(
            "{reviews_due} review question{} due today",
            if reviews_due == 1 { "" } else { "s" }
        ));
    }
    if waiting_before > 0 {
        lines.push(format!(
            "{waiting_before} earlier step{} still waiting for you",
            if waiting_before == 1 { "" } else { "s" }
        ));
    }
    Some(Digest {
        subject: format!(
            "{first_name}, your learning for {}",
            date.format("%a %-d %b")
        ),
        lines,
        link: format!("{}/today", base_url.trim_end_matches('/')),
    })
}

/// An incoming-webhook message for Slack (Block Kit with a text fallback).
pub fn slack_payload(subject: &str, body: &str) -> Value {
    json!({
        "text": format!("{subject}\n{body}"),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": subject}},
            {"type": "section", "text": {"type": "mrkdwn", "text": body}}
        ]
    })
}

/// An incoming-webhook message for Microsoft Teams (a message card).
pub fn teams_payload(subject: &str, body: &str) -> Value {
    json!({
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": subject,
        "title": subject,
        "text": body.replace('\n', "<br>")
    })
}

/// What delivering needs: the mailer and an HTTP client for webhooks.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub mailer: Mailer,
    pub http: reqwest::Client,
    pub base_url: String,
    /// How long one tick keeps taking batches and sending ([`BUDGET`]).
    pub budget: std::time::Duration,
}

impl Delivery {
    pub fn new(mailer: Mailer, base_url: &str) -> anyhow::Result<Self> {
        // ring is the only TLS provider in the build.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()?;
        Ok(Delivery {
            mailer,
            http,
            base_url: base_url.to_owned(),
            budget: BUDGET,
        })
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub recorded: usize,
    pub sent: usize,
    pub failed: usize,
}

/// People looked at per statement.
pub const BATCH: i64 = 500;
/// How long one tick keeps taking batches and sending; the next minute's
/// tick (on this or another instance) carries on, so a slow mail server
/// cannot hold a worker slot for the whole morning.
pub const BUDGET: std::time::Duration = std::time::Duration::from_secs(45);

/// Look at everyone whose time has come (`digest_schedule`), recording the
/// digests now due, and deliver pending ones, a batch at a time until
/// nobody is left or the budget is spent. Safe to run on any number of
/// instances at once.
pub async fn tick(pool: &PgPool, d: &Delivery, now: DateTime<Utc>) -> anyhow::Result<TickReport> {
    let mut report = TickReport::default();
    let started = std::time::Instant::now();
    let mut c = pool.acquire().await?;
    let lease = now + Duration::seconds(LEASE_SECONDS);
    loop {
        let due = store::claim_due(&mut c, now, lease, BATCH).await?;
        let mut next = Vec::with_capacity(due.len());
        for l in &due {
            let look = model::digest::look(
                &l.timezone,
                now,
                l.digest_time,
                l.done_today,
                l.wants_digest,
            );
            if let Some(day) = look.record
                && record(&mut c, d, l, day, now).await?
            {
                report.recorded += 1;
            }
            next.push((l.id, look.next));
        }
        store::reschedule(&mut c, &next, lease).await?;
        deliver(&mut c, d, now, started + d.budget, &mut report).await?;
        if (due.len() as i64) < BATCH || started.elapsed() > d.budget {
            return Ok(report);
        }
    }
}

/// Compose and record one learner's digest for `day`; true when it has
/// something to send and this instance recorded it.
async fn record(
    c: &mut sqlx::PgConnection,
    d: &Delivery,
    l: &store::DueLearner,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let local = model::local_now(&l.timezone, now);
    let campaigns = followed(c, l.id, None, local).await?;
    let mut released_today = Vec::new();
    let mut waiting_before = 0;
    for s in super::plan::waiting(&campaigns, day) {
        if s.release.on == day {
            released_today.push((s.step.campaign_title.clone(), s.step.title.clone()));
        } else {
            waiting_before += 1;
        }
    }
    let reviews = store::reviews_due_on(c, l.id, day).await?;
    let first = l.name.split_whitespace().next().unwrap_or(&l.name);
    let digest = compose(
        first,
        day,
        &released_today,
        waiting_before,
        reviews,
        &d.base_url,
    );
    let (subject, body, status) = match &digest {
        Some(g) => (g.subject.clone(), g.text(), "pending"),
        None => (String::new(), String::new(), "skipped"),
    };
    let inserted = store::insert(c, l.id, day, &l.channel, &subject, &body, status, now).await?;
    Ok(inserted && status == "pending")
}

/// Deliver pending digests under a lease, [`LANES`] at a time, until none
/// is left or the wall clock reaches `until` (checked between batches).
/// The sends hold no database connection; each result is written on `c`
/// as it comes, a sent digest's outbox row and "sent" in one transaction.
async fn deliver(
    c: &mut sqlx::PgConnection,
    d: &Delivery,
    now: DateTime<Utc>,
    until: std::time::Instant,
    report: &mut TickReport,
) -> anyhow::Result<()> {
    let lease = now + Duration::seconds(LEASE_SECONDS);
    while std::time::Instant::now() < until {
        let jobs = store::claim(c, now, lease, LANES as i64).await?;
        if jobs.is_empty() {
            break;
        }
        let hooks = webhooks(c, &jobs).await?;
        let mut sends = stream::iter(jobs)
            .map(|job| {
                let hooks = &hooks;
                async move {
                    let r = send(d, hooks, &job).await;
                    (job, r)
                }
            })
            .buffer_unordered(LANES);
        // Each result is written as it comes, so a hanging server holds
        // back no other digest of the batch.
        while let Some((job, outcome)) = sends.next().await {
            match outcome {
                Ok(mailed) => {
                    let mut tx = c.begin().await?;
                    if let Some(how) = mailed {
                        mail::record(&mut tx, &job.email, &job.subject, &job.body, how).await?;
                    }
                    if store::mark_sent(&mut tx, job.id, job.attempts, Utc::now().max(now)).await? {
                        report.sent += 1;
                    }
                    tx.commit().await?;
                }
                Err(e) => {
                    report.failed += 1;
                    let wait = Duration::minutes(1 << (job.attempts - 1).clamp(0, 6));
                    let give_up = job.attempts >= MAX_ATTEMPTS;
                    tracing::warn!(digest = %job.id, attempts = job.attempts, error = %e, "digest delivery failed");
                    store::mark_failed(
                        c,
                        job.id,
                        job.attempts,
                        &e.to_string(),
                        now + wait,
                        give_up,
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}

/// The webhook of each chat channel among `jobs`, read once a batch.
async fn webhooks(
    c: &mut sqlx::PgConnection,
    jobs: &[store::Claimed],
) -> anyhow::Result<Vec<(String, Option<String>)>> {
    let mut hooks: Vec<(String, Option<String>)> = Vec::new();
    for job in jobs {
        if job.channel != "email" && !hooks.iter().any(|(k, _)| *k == job.channel) {
            let url = store::webhook(c, &job.channel).await?;
            hooks.push((job.channel.clone(), url));
        }
    }
    Ok(hooks)
}

/// Send one digest: by the mailer (how it left, for the outbox), or to
/// its channel's webhook (`None`).
async fn send(
    d: &Delivery,
    hooks: &[(String, Option<String>)],
    job: &store::Claimed,
) -> anyhow::Result<Option<Handed>> {
    if job.channel == "email" {
        let how = d
            .mailer
            .transmit(&job.email, &job.subject, &job.body)
            .await?;
        return Ok(Some(how));
    }
    let Some(url) = hooks
        .iter()
        .find(|(k, _)| *k == job.channel)
        .and_then(|(_, u)| u.as_deref())
    else {
        anyhow::bail!(
            "No {} webhook is configured at /admin/integrations.",
            job.channel
        );
    };
    let payload = if job.channel == "slack" {
        slack_payload(&job.subject, &job.body)
    } else {
        teams_payload(&job.subject, &job.body)
    };
    let res = d.http.post(url).json(&payload).send().await?;
    if !res.status().is_success() {
        anyhow::bail!("the {} webhook answered {}", job.channel, res.status());
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_new_means_no_digest() {
        let d: NaiveDate = "2026-12-07".parse().unwrap();
        assert_eq!(compose("Sam", d, &[], 3, 0, "http://x"), None);
        let g = compose(
            "Sam",
            d,
            &[("Feedback that lands".into(), "The SBI model".into())],
            2,
            1,
            "https://inflow.example/",
        )
        .expect("something new");
        assert_eq!(g.subject, "Sam, your learning for Mon 7 Dec");
        assert_eq!(
            g.lines,
            [
                "New in Feedback that lands: The SBI model",
                "1 review question due today",
                "2 earlier steps still waiting for you"
            ]
        );
        assert!(
            g.text()
                .ends_with("Open Today: https://inflow.example/today\n")
        );
        assert!(
            compose("Sam", d, &[], 0, 2, "http://x").is_some(),
            "reviews alone are new"
        );
    }

    #[test]
    fn chat_payloads_carry_the_subject_and_lines() {
        let s = slack_payload("Hello", "• one\n• two");
        assert_eq!(s["blocks"][0]["text"]["text"], "Hello");
        assert!(s["text"].as_str().unwrap().contains("• two"));
        let t = teams_payload("Hello", "• one\n• two");
        assert_eq!(t["@type"], "MessageCard");
        assert_eq!(t["text"], "• one<br>• two");
    }
}
