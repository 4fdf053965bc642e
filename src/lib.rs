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
//! - [`manage`]: the manager's area (their direct reports).
//! - [`ops`]: health, readiness and metrics.
//! - [`daily`]: the Today page, the learning habit and spaced-repetition reviews.
//! - [`activity`]: the append-only learning record.
//! - [`library`]: content items, topics, search, saved items, collections, performance support.
//! - [`reflections`]: the private reflection journal, prompts, sharing with a manager.
//! - [`jobs`]: the background worker and its scheduled jobs.
//! - [`demo`]: the demo organisation.

pub mod activity;
pub mod admin;
pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod daily;
pub mod db;
pub mod demo;
pub mod error;
pub mod home;
pub mod jobs;
pub mod library;
pub mod mail;
pub mod manage;
pub mod ops;
pub mod people;
pub mod reflections;
pub mod telemetry;
pub mod web;
