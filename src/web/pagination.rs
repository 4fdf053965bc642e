//! Page numbers for long lists (`?page=N`), with the search they keep (`?q=`).

#[derive(Debug, Clone, Copy)]
pub struct Pagination {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl Pagination {
    pub fn new(page: Option<i64>, per_page: i64, total: i64) -> Self {
        let last = ((total + per_page - 1) / per_page).max(1);
        Pagination {
            page: page.unwrap_or(1).clamp(1, last),
            per_page,
            total,
        }
    }
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
    pub fn last_page(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn has_next(&self) -> bool {
        self.page < self.last_page()
    }
    pub fn prev(&self) -> i64 {
        self.page - 1
    }
    pub fn next(&self) -> i64 {
        self.page + 1
    }
}

/// A list's search and page (`?q=…&page=N`): people, teams, L&D's goal
/// counts by team.
#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    pub page: Option<i64>,
}

impl ListQuery {
    /// The search as the list uses it ([`search_of`]).
    pub fn search(&self) -> String {
        search_of(&self.q)
    }
}

/// A list's search as typed, as the list uses it: trimmed, at most 200
/// characters.
pub fn search_of(q: &str) -> String {
    q.trim().chars().take(200).collect()
}

/// A list's URL with its search `q`, ready for `page=N` to be appended.
pub fn search_base(path: &str, q: &str) -> String {
    let q = percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC);
    format!("{path}?q={q}&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_page_into_range() {
        let p = Pagination::new(Some(9), 25, 60);
        assert_eq!((p.page, p.last_page(), p.offset()), (3, 3, 50));
        assert!(p.has_prev() && !p.has_next());
        let empty = Pagination::new(Some(0), 25, 0);
        assert_eq!((empty.page, empty.last_page()), (1, 1));
    }

    #[test]
    fn a_search_is_trimmed_and_capped() {
        let q = ListQuery {
            q: format!("  {}  ", "é".repeat(300)),
            page: None,
        };
        assert_eq!(q.search(), "é".repeat(200));
    }

    #[test]
    fn a_search_base_keeps_the_search_whole() {
        assert_eq!(
            search_base("/admin/teams", "R&D 2/3"),
            "/admin/teams?q=R%26D%202%2F3&"
        );
    }
}
