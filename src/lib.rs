//! Inflow, a learning experience platform.
//!
//! Crate map (one folder per feature; SQL lives only in each feature's `store.rs`):
//! - [`cli`], [`config`], [`telemetry`]: the binary's entry, flags and logs.
//! - [`app`]: `AppState` and the router that merges every feature's routes.
//! - [`error`]: the one `AppError`, turned into friendly pages by [`web`].
//! - [`db`]: the pool, migrations and the private Postgres cluster for zero-config runs.
//! - [`web`]: page context, flash messages, forms, pagination, security headers.
//! - [`auth`]: sign-in, sessions, roles, invitations, password reset, account settings.
//! - [`people`]: people, teams and manager links; the admin screens and CSV import/export.
//! - [`admin`]: the audit log and the mail outbox pages.
//! - [`mail`]: SMTP delivery or the outbox.
//! - [`ops`]: health, readiness and metrics.
//! - [`daily`]: the Today page, the learning habit and spaced-repetition reviews.
//! - [`activity`]: the append-only learning record.
//! - [`library`]: content items, topics, search, saved items, collections, performance support.
//! - [`reflections`]: the private reflection journal, prompts, sharing with a manager.
//! - [`goals`]: development goals, evidence, check-ins, the manager's team review.
//! - [`notifications`]: in-app notifications with the unread count in the navigation.
//! - [`jobs`]: the background worker and its scheduled jobs.
//! - [`demo`]: the demo organisation.
//! - [`bench`]: the large benchmark organisation (`inflow bench-seed`).

pub mod activity;
pub mod admin;
pub mod app;
pub mod auth;
pub mod bench;
pub mod campaigns;
pub mod cli;
pub mod config;
pub mod daily;
pub mod db;
pub mod demo;
pub mod error;
pub mod goals;
pub mod home;
pub mod jobs;
pub mod library;
pub mod mail;
pub mod notifications;
pub mod ops;
pub mod people;
pub mod reflections;
pub mod telemetry;
pub mod web;
