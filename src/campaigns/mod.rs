//! Learning campaigns: L&D schedules steps released over days or weeks to
//! an audience (`/admin/campaigns`); learners follow them (`/campaigns`,
//! and Today); managers see their reports' progress (`/manage/campaigns`);
//! each learner gets at most one digest a day by email, Slack or Teams.

pub mod model;
