//! The one integration-test binary. Every test gets a fresh migrated database
//! on a private Postgres (see `harness`), and asserts what a person or the
//! database would see.

mod harness;

mod auth;
mod browser;
mod campaign_list;
mod campaign_reports;
mod campaign_teams;
mod campaigns;
mod capture;
mod cli;
mod cluster;
mod daily;
mod db_pool;
mod digest;
mod goal_evidence;
mod goals;
mod goals_overview;
mod habit;
mod hot_pages;
mod invites;
mod item_page;
mod library;
mod library_admin;
mod library_topics;
mod mail;
mod ops;
mod people;
mod people_import;
mod reflections;
mod roles;
mod search_snippets;
mod search_terms;
mod settings;
mod team_page;
mod team_pickers;
mod today_plan;
mod worker;
