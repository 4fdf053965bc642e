//! The benchmark organisation's sizes and their rules.

/// How big the benchmark organisation is. Amounts "per learner" keep each
/// learner's own history the same at any size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sizes {
    pub learners: i64,
    pub teams: i64,
    pub items: i64,
    pub campaigns: i64,
    pub activities_per_learner: i64,
    pub goals_per_learner: i64,
    pub reflections_per_learner: i64,
    pub sessions: i64,
}

impl Sizes {
    /// Check the sizes, filling in one team per 50 learners when unset.
    pub fn checked(mut self, teams: Option<i64>) -> Result<Sizes, String> {
        self.teams = teams.unwrap_or((self.learners / 50).max(1));
        let bounds = [
            ("--learners", self.learners, 1, 10_000_000),
            ("--teams", self.teams, 1, self.learners.max(1)),
            ("--items", self.items, 10, 1_000_000),
            ("--campaigns", self.campaigns, 0, 100_000),
            (
                "--activities-per-learner",
                self.activities_per_learner,
                0,
                10_000,
            ),
            ("--goals-per-learner", self.goals_per_learner, 0, 100),
            (
                "--reflections-per-learner",
                self.reflections_per_learner,
                0,
                1_000,
            ),
            ("--sessions", self.sessions, 0, self.learners),
        ];
        for (flag, value, lo, hi) in bounds {
            if value < lo || value > hi {
                return Err(format!(
                    "{flag} must be between {lo} and {hi} (got {value})"
                ));
            }
        }
        Ok(self)
    }

    /// The session settings the seeding SQL reads (`bench.*`).
    pub fn settings(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("learners", self.learners),
            ("teams", self.teams),
            ("items", self.items),
            ("campaigns", self.campaigns),
            ("activities", self.activities_per_learner),
            ("goals", self.goals_per_learner),
            ("reflections", self.reflections_per_learner),
            ("sessions", self.sessions),
        ]
    }

    /// Rows of the largest tables, for the summary line.
    pub fn activities(&self) -> i64 {
        self.learners * self.activities_per_learner
    }
}

/// A predictable bench id: `kkkkkkkk-0000-7000-8000-nnnnnnnnnnnn`, the same
/// as the seeding SQL's `pg_temp.bid(kind, n)`.
pub fn bench_id(kind: u32, n: u64) -> uuid::Uuid {
    uuid::Uuid::from_u128(
        (u128::from(kind) << 96) | (0x7000u128 << 64) | (0x8000u128 << 48) | u128::from(n),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(learners: i64) -> Sizes {
        Sizes {
            learners,
            teams: 0,
            items: 10_000,
            campaigns: 300,
            activities_per_learner: 100,
            goals_per_learner: 2,
            reflections_per_learner: 10,
            sessions: 1_000.min(learners),
        }
    }

    #[test]
    fn teams_default_to_one_per_fifty_learners() {
        assert_eq!(sizes(100_000).checked(None).unwrap().teams, 2_000);
        assert_eq!(sizes(30).checked(None).unwrap().teams, 1);
        assert_eq!(sizes(100).checked(Some(7)).unwrap().teams, 7);
        assert_eq!(
            sizes(100_000).checked(None).unwrap().activities(),
            10_000_000
        );
    }

    #[test]
    fn out_of_range_sizes_name_the_flag() {
        assert_eq!(
            sizes(0).checked(None).unwrap_err(),
            "--learners must be between 1 and 10000000 (got 0)"
        );
        assert!(
            sizes(100)
                .checked(Some(101))
                .unwrap_err()
                .starts_with("--teams")
        );
        let mut s = sizes(100);
        s.sessions = 101;
        assert!(s.checked(None).unwrap_err().starts_with("--sessions"));
    }

    #[test]
    fn bench_ids_match_the_sql_helper() {
        assert_eq!(
            bench_id(3, 255).to_string(),
            "00000003-0000-7000-8000-0000000000ff"
        );
        assert_eq!(
            bench_id(4, 100_000).to_string(),
            "00000004-0000-7000-8000-0000000186a0"
        );
    }
}
