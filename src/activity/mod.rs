//! The learning record: every learning action (viewed, completed, saved,
//! rated, …) as one append-only row with the learner's local date. Streaks,
//! goal evidence, analytics and xAPI export read it; nothing rewrites it.

pub mod model;
pub mod store;

pub use model::{Verb, local_date, zone};
