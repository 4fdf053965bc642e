//! Outgoing mail. With `INFLOW_SMTP_URL` set, messages go out over SMTP;
//! without it they land in the outbox that admins read at `/admin/outbox`,
//! so a demo without a mail server still works end to end. Every message is
//! recorded in the outbox table with how it was delivered.

pub mod store;

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgConnection;

/// The SMTP server refused or could not be reached (recorded in the outbox).
#[derive(Debug, thiserror::Error)]
#[error("SMTP delivery failed: {0}")]
pub struct SmtpFailed(String);

/// How a message left [`Mailer::transmit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handed {
    /// The SMTP server took it.
    Smtp,
    /// No SMTP server is set: the outbox is where it is read.
    Outbox,
}

/// Write a transmitted message to the outbox: the whole message when the
/// outbox is where it is read, a note when SMTP took it.
pub async fn record(
    c: &mut PgConnection,
    to: &str,
    subject: &str,
    body: &str,
    how: Handed,
) -> sqlx::Result<()> {
    match how {
        Handed::Outbox => store::insert(c, to, subject, body, "outbox", None).await,
        Handed::Smtp => store::insert(c, to, subject, "(sent by SMTP)", "sent", None).await,
    }
}

#[derive(Clone)]
pub struct Mailer {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("smtp", &self.smtp.is_some())
            .field("from", &self.from.to_string())
            .finish()
    }
}

impl Mailer {
    /// The outbox only.
    pub fn outbox() -> Self {
        Mailer {
            smtp: None,
            from: "Inflow <inflow@localhost>".parse().expect("valid mailbox"),
        }
    }

    pub fn new(smtp_url: Option<&str>, from: &str) -> anyhow::Result<Self> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("INFLOW_MAIL_FROM is not a valid address: {e}"))?;
        let smtp = match smtp_url {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("INFLOW_SMTP_URL is not valid: {e}"))?
                    .timeout(Some(Duration::from_secs(10)))
                    .build(),
            ),
            None => None,
        };
        Ok(Mailer { smtp, from })
    }

    /// Like [`Mailer::send`], but an SMTP failure is an error (after it is
    /// recorded in the outbox), so the caller can retry.
    pub async fn deliver(
        &self,
        c: &mut PgConnection,
        to: &str,
        subject: &str,
        body: &str,
    ) -> anyhow::Result<()> {
        match self.transmit(to, subject, body).await {
            Ok(how) => Ok(record(c, to, subject, body, how).await?),
            Err(e) => {
                if let Some(SmtpFailed(err)) = e.downcast_ref::<SmtpFailed>() {
                    store::insert(
                        c,
                        to,
                        subject,
                        "(SMTP delivery failed)",
                        "failed",
                        Some(err),
                    )
                    .await?;
                }
                Err(e)
            }
        }
    }

    /// Hand one plain-text message to the SMTP server, when there is one,
    /// without touching the database (so several can be on their way at
    /// once). [`record`] then writes how it left; an SMTP refusal is a
    /// [`SmtpFailed`].
    pub async fn transmit(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<Handed> {
        let Some(smtp) = &self.smtp else {
            return Ok(Handed::Outbox);
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse()?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())?;
        match smtp.send(message).await {
            Ok(_) => Ok(Handed::Smtp),
            Err(e) => Err(SmtpFailed(e.to_string()).into()),
        }
    }

    /// Send (or queue in the outbox) one plain-text message; an SMTP
    /// failure is recorded in the outbox and logged, not returned.
    pub async fn send(
        &self,
        c: &mut PgConnection,
        to: &str,
        subject: &str,
        body: &str,
    ) -> anyhow::Result<()> {
        match self.deliver(c, to, subject, body).await {
            Err(e) if e.is::<SmtpFailed>() => {
                tracing::warn!(error = %e, "SMTP delivery failed");
                Ok(())
            }
            other => other,
        }
    }
}
