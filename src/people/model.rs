//! Pure rules of the people directory: the CSV import plan (every problem by
//! line number, all-or-nothing) and manager-cycle detection.

use std::collections::{HashMap, HashSet};

use crate::auth::Role;
use crate::auth::model::{is_valid_email, is_valid_timezone, normalize_email};
use crate::web::forms::CsvLines;

pub const IMPORT_COLUMNS: [&str; 6] =
    ["email", "name", "role", "manager_email", "team", "timezone"];
pub const MAX_IMPORT_ROWS: usize = 100_000;

#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: u64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub manager_email: Option<String>,
    pub team: Option<String>,
    pub timezone: String,
    pub update: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct ImportPlan {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<Problem>,
    pub new_teams: Vec<String>,
}

impl ImportPlan {
    pub fn creates(&self) -> usize {
        self.rows.iter().filter(|r| !r.update).count()
    }
    pub fn updates(&self) -> usize {
        self.rows.iter().filter(|r| r.update).count()
    }
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && !self.rows.is_empty()
    }
}

/// Who is already in the directory: email → their manager's email; team names.
#[derive(Debug, Default)]
pub struct Existing {
    pub managers: HashMap<String, Option<String>>,
    pub teams: HashSet<String>,
}

/// Would `start`'s manager chain in `managers` loop back to `start`? Returns the loop.
pub fn manager_cycle(
    start: &str,
    managers: &HashMap<String, Option<String>>,
) -> Option<Vec<String>> {
    let mut path = vec![start.to_owned()];
    let mut seen = HashSet::from([start.to_owned()]);
    let mut cur = start;
    while let Some(Some(m)) = managers.get(cur) {
        path.push(m.clone());
        if m == start {
            return Some(path);
        }
        if !seen.insert(m.clone()) {
            return None; // a loop further up, reported for the people in it
        }
        cur = m;
    }
    None
}

/// Check a CSV file against the directory. Nothing is written here; the plan
/// says what would be created and updated, and every problem by line.
pub fn plan_import(text: &str, existing: &Existing) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let (mut rdr, idx) = match crate::web::forms::open_csv(text, &IMPORT_COLUMNS) {
        Ok(r) => r,
        Err(message) => {
            plan.problems.push(Problem { line: 1, message });
            return plan;
        }
    };
    let mut lines = CsvLines::new(text);
    let mut seen_emails: HashMap<String, u64> = HashMap::new();
    let mut new_teams: Vec<String> = Vec::new();
    let mut new_team_keys: HashSet<String> = HashSet::new();
    for record in rdr.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = lines.of(e.position());
                plan.problems.push(Problem {
                    line,
                    message: format!("This line is not valid CSV: {e}"),
                });
                continue;
            }
        };
        let line = lines.of(record.position());
        if record.iter().all(|f| f.is_empty()) {
            continue;
        }
        if plan.rows.len() + plan.problems.len() >= MAX_IMPORT_ROWS {
            plan.problems.push(Problem {
                line,
                message: format!("A file may hold at most {MAX_IMPORT_ROWS} people; split it."),
            });
            break;
        }
        let get = |i: usize| record.get(idx[i]).unwrap_or("").to_owned();
        let mut problems = Vec::new();
        let email = normalize_email(&get(0));
        if !is_valid_email(&email) {
            problems.push(format!("\"{}\" is not a valid email address", get(0)));
        } else if let Some(first) = seen_emails.get(&email) {
            problems.push(format!("{email} appears twice (first on line {first})"));
        }
        let name = get(1);
        if name.is_empty() {
            problems.push("the name is empty".to_owned());
        } else if name.chars().count() > 200 {
            problems.push("the name is longer than 200 characters".to_owned());
        }
        let role_text = get(2);
        let role = if role_text.is_empty() {
            Some(Role::Learner)
        } else {
            Role::parse(&role_text)
        };
        if role.is_none() {
            problems.push(format!(
                "unknown role \"{role_text}\" (use learner, manager or admin)"
            ));
        }
        let manager_email = Some(normalize_email(&get(3))).filter(|m| !m.is_empty());
        if let Some(m) = &manager_email
            && *m == email
        {
            problems.push("a person cannot be their own manager".to_owned());
        }
        let team = Some(get(4)).filter(|t| !t.is_empty());
        if let Some(t) = &team
            && t.chars().count() > 120
        {
            problems.push("the team name is longer than 120 characters".to_owned());
        }
        let tz_text = get(5);
        let timezone = if tz_text.is_empty() {
            "UTC".to_owned()
        } else {
            tz_text.clone()
        };
        if !is_valid_timezone(&timezone) {
            problems.push(format!(
                "\"{tz_text}\" is not a time zone (use IANA names like Europe/London)"
            ));
        }
        if is_valid_email(&email) {
            seen_emails.entry(email.clone()).or_insert(line);
        }
        if !problems.is_empty() {
            plan.problems.push(Problem {
                line,
                message: problems.join("; "),
            });
            continue;
        }
        if let Some(t) = &team
            && !existing.teams.contains(&t.to_lowercase())
            && new_team_keys.insert(t.to_lowercase())
        {
            new_teams.push(t.clone());
        }
        plan.rows.push(ImportRow {
            line,
            update: existing.managers.contains_key(&email),
            email,
            name,
            role: role.expect("checked"),
            manager_email,
            team,
            timezone,
        });
    }
    // Managers must exist (in the file or the directory), and no chain may loop.
    let mut managers = existing.managers.clone();
    for r in &plan.rows {
        managers.insert(r.email.clone(), r.manager_email.clone());
    }
    let mut bad = Vec::new();
    for r in &plan.rows {
        if let Some(m) = &r.manager_email
            && !managers.contains_key(m)
        {
            bad.push(Problem {
                line: r.line,
                message: format!("unknown manager {m}: not in this file or in Inflow"),
            });
        } else if let Some(cycle) = manager_cycle(&r.email, &managers) {
            bad.push(Problem {
                line: r.line,
                message: format!("manager cycle: {}", cycle.join(" → ")),
            });
        }
    }
    plan.problems.extend(bad);
    plan.problems.sort_by_key(|p| p.line);
    plan.new_teams = new_teams;
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "email,name,role,manager_email,team,timezone\n";

    fn existing() -> Existing {
        Existing {
            managers: HashMap::from([("boss@example.com".to_owned(), None)]),
            teams: HashSet::from(["product".to_owned()]),
        }
    }

    #[test]
    fn a_valid_file_plans_creates_updates_and_new_teams() {
        let csv = format!(
            "{HEAD}ana@example.com,Ana,learner,boss@example.com,Product,Europe/Madrid\n\
            BOSS@example.com,The Boss,manager,,Sales,\nbo@example.com,Bo,,ana@example.com,,America/New_York\n"
        );
        let plan = plan_import(&csv, &existing());
        assert!(plan.problems.is_empty(), "{:?}", plan.problems);
        assert_eq!((plan.creates(), plan.updates()), (2, 1));
        assert_eq!(plan.new_teams, vec!["Sales".to_owned()]);
        assert_eq!(plan.rows[1].timezone, "UTC");
        assert_eq!(plan.rows[2].role, Role::Learner);
    }

    #[test]
    fn every_problem_is_reported_by_line() {
        let csv = format!(
            "{HEAD}not-an-email,Ana,learner,,,UTC\n\
            b@example.com,B,wizard,,,UTC\n\
            c@example.com,C,learner,nobody@example.com,,UTC\n\
            d@example.com,D,learner,,,Mars/Base\n\
            b@example.com,B2,learner,,,UTC\n\
            e@example.com,,learner,,,UTC\n"
        );
        let plan = plan_import(&csv, &existing());
        let lines: Vec<u64> = plan.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6, 7]);
        assert!(plan.problems[0].message.contains("not a valid email"));
        assert!(plan.problems[1].message.contains("unknown role"));
        assert!(plan.problems[2].message.contains("unknown manager"));
        assert!(plan.problems[3].message.contains("time zone"));
        assert!(
            plan.problems[4]
                .message
                .contains("appears twice (first on line 3)")
        );
        assert!(plan.problems[5].message.contains("name is empty"));
        assert!(!plan.is_ok());
    }

    #[test]
    fn manager_cycles_are_found_across_file_and_directory() {
        let mut ex = existing();
        ex.managers.insert("boss@example.com".into(), None);
        let csv = format!(
            "{HEAD}a@example.com,A,,b@example.com,,\nb@example.com,B,,a@example.com,,\n\
            boss@example.com,Boss,,a@example.com,,\n"
        );
        let plan = plan_import(&csv, &ex);
        assert_eq!(plan.problems.len(), 2, "{:?}", plan.problems);
        assert!(
            plan.problems
                .iter()
                .all(|p| p.message.starts_with("manager cycle"))
        );
        assert_eq!(
            plan.problems[0].message,
            "manager cycle: a@example.com → b@example.com → a@example.com"
        );
    }

    #[test]
    fn a_missing_column_is_one_clear_problem() {
        let plan = plan_import("email,name\nx@example.com,X\n", &existing());
        assert_eq!(plan.problems.len(), 1);
        assert!(
            plan.problems[0]
                .message
                .contains("missing: role, manager_email, team, timezone")
        );
    }

    #[test]
    fn line_numbers_hold_with_windows_line_endings() {
        let csv = "email,name,role,manager_email,team,timezone\r\nbad,,wizard,,,Mars/X\r\nok@example.com,Ok,,,,\r\n";
        let plan = plan_import(csv, &Existing::default());
        assert_eq!(plan.problems.len(), 1);
        assert_eq!(plan.problems[0].line, 2);
        assert_eq!(plan.rows[0].line, 3);
    }
}
