//! The one integration-test binary. Every test gets a fresh migrated database
//! on a private Postgres (see `harness`), and asserts what a person or the
//! database would see.

mod harness;

mod auth;
mod cluster;
mod invites;
mod ops;
mod people;
mod roles;
mod settings;
