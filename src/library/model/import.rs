//! Planning a CSV import of curated links (`title,url,source,kind,minutes,topics,summary`):
//! every problem by line number; nothing is written unless the whole file is clean.

use std::collections::{HashMap, HashSet};

use super::{Kind, is_web_url};

pub const COLUMNS: [&str; 7] = [
    "title", "url", "source", "kind", "minutes", "topics", "summary",
];
pub const MAX_ROWS: usize = 2000;

#[derive(Debug, Clone, PartialEq)]
pub struct LinkRow {
    pub line: u64,
    pub title: String,
    pub url: String,
    pub source: Option<String>,
    pub kind: Kind,
    pub minutes: i32,
    pub topics: Vec<String>,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct LinkPlan {
    pub rows: Vec<LinkRow>,
    pub problems: Vec<Problem>,
    pub new_topics: Vec<String>,
}

impl LinkPlan {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty() && !self.rows.is_empty()
    }
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The URLs a file names (to look up which are already in the library).
pub fn urls_in(text: &str) -> Vec<String> {
    let mut rdr = reader(text);
    let Some(idx) = rdr
        .headers()
        .ok()
        .and_then(|h| h.iter().position(|c| c.eq_ignore_ascii_case("url")))
    else {
        return Vec::new();
    };
    rdr.records()
        .filter_map(Result::ok)
        .filter_map(|r| r.get(idx).map(str::to_owned))
        .filter(|u| !u.is_empty())
        .collect()
}

/// Check a file against the library: `topics` holds existing topic names
/// (lowercase), `existing_urls` maps URLs already in the library to their slug.
pub fn plan(
    text: &str,
    topics: &HashSet<String>,
    existing_urls: &HashMap<String, String>,
) -> LinkPlan {
    let mut plan = LinkPlan::default();
    let (mut rdr, idx) = match crate::web::forms::open_csv(text, &COLUMNS) {
        Ok(r) => r,
        Err(message) => {
            plan.problems.push(Problem { line: 1, message });
            return plan;
        }
    };
    let mut lines = crate::web::forms::CsvLines::new(text);
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in rdr.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                plan.problems.push(Problem {
                    line: lines.of(e.position()),
                    message: format!("This line is not valid CSV: {e}"),
                });
                continue;
            }
        };
        let line = lines.of(record.position());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if plan.rows.len() + plan.problems.len() >= MAX_ROWS {
            plan.problems.push(Problem {
                line,
                message: format!("A file may hold at most {MAX_ROWS} links; split it."),
            });
            break;
        }
        let get = |i: usize| record.get(idx[i]).unwrap_or("").to_owned();
        let mut bad = Vec::new();
        let title = get(0);
        if title.is_empty() || title.chars().count() > 200 {
            bad.push("the title must have 1 to 200 characters".to_owned());
        }
        let url = get(1);
        if !is_web_url(&url) {
            bad.push(format!(
                "\"{url}\" is not a web address starting with https://"
            ));
        } else if let Some(first) = seen.get(&url) {
            bad.push(format!("{url} appears twice (first on line {first})"));
        } else if let Some(slug) = existing_urls.get(&url) {
            bad.push(format!("{url} is already in the library (/library/{slug})"));
        }
        let source = Some(get(2)).filter(|s| !s.is_empty());
        let kind_text = get(3);
        let kind = if kind_text.is_empty() {
            Some(Kind::Link)
        } else {
            Kind::parse(&kind_text)
        };
        if kind.is_none() {
            bad.push(format!("unknown kind \"{kind_text}\" (use article, video, podcast, guide, checklist or link)"));
        }
        let minutes = get(4).parse::<i32>().ok().filter(|m| (1..=120).contains(m));
        if minutes.is_none() {
            bad.push(format!(
                "minutes must be a whole number from 1 to 120, not \"{}\"",
                get(4)
            ));
        }
        let topic_names: Vec<String> = get(5)
            .split([';', '|'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if topic_names.is_empty() {
            bad.push("name at least one topic (several: separate them with ;)".to_owned());
        } else if topic_names.iter().any(|t| t.chars().count() > 80) {
            bad.push("topic names must be under 80 characters".to_owned());
        }
        let summary = get(6);
        if summary.is_empty() || summary.chars().count() > 400 {
            bad.push("the summary must have 1 to 400 characters".to_owned());
        }
        if is_web_url(&url) {
            seen.entry(url.clone()).or_insert(line);
        }
        if !bad.is_empty() {
            plan.problems.push(Problem {
                line,
                message: bad.join("; "),
            });
            continue;
        }
        for t in &topic_names {
            if !topics.contains(&t.to_lowercase())
                && !plan.new_topics.iter().any(|n| n.eq_ignore_ascii_case(t))
            {
                plan.new_topics.push(t.clone());
            }
        }
        plan.rows.push(LinkRow {
            line,
            title,
            url,
            source,
            kind: kind.expect("checked"),
            minutes: minutes.expect("checked"),
            topics: topic_names,
            summary,
        });
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "title,url,source,kind,minutes,topics,summary\n";

    #[test]
    fn a_clean_file_plans_rows_and_new_topics() {
        let csv = format!(
            "{HEAD}Plain language,https://www.plainlanguage.gov/guidelines/,plainlanguage.gov,guide,15,Writing,How to write clearly.\n\
             Team effectiveness,https://rework.withgoogle.com/,re:Work,,10,Leading teams; Psychological safety,What makes teams work.\n"
        );
        let plan = plan(
            &csv,
            &HashSet::from(["writing".to_owned()]),
            &HashMap::new(),
        );
        assert!(plan.is_ok(), "{:?}", plan.problems);
        assert_eq!(plan.rows[1].kind, Kind::Link);
        assert_eq!(
            plan.rows[1].topics,
            vec![
                "Leading teams".to_owned(),
                "Psychological safety".to_owned()
            ]
        );
        assert_eq!(
            plan.new_topics,
            vec![
                "Leading teams".to_owned(),
                "Psychological safety".to_owned()
            ]
        );
    }

    #[test]
    fn problems_by_line() {
        let existing =
            HashMap::from([("https://known.example.com/".to_owned(), "known".to_owned())]);
        let csv = format!(
            "{HEAD},javascript:alert(1),,link,5,Writing,x\n\
             A,https://a.example.com/,,movie,500,,\n\
             B,https://known.example.com/,,link,5,Writing,b\n\
             C,https://c.example.com/,,link,5,Writing,c\n\
             D,https://c.example.com/,,link,5,Writing,d\n"
        );
        let plan = plan(&csv, &HashSet::new(), &existing);
        let lines: Vec<u64> = plan.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 6]);
        assert!(
            plan.problems[0].message.contains("title")
                && plan.problems[0].message.contains("not a web address")
        );
        assert!(
            plan.problems[1].message.contains("unknown kind")
                && plan.problems[1].message.contains("minutes")
                && plan.problems[1].message.contains("topic")
        );
        assert!(
            plan.problems[2]
                .message
                .contains("already in the library (/library/known)")
        );
        assert!(
            plan.problems[3]
                .message
                .contains("appears twice (first on line 5)")
        );
        assert_eq!(urls_in(&csv).len(), 5);
    }
}
