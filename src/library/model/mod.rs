//! Pure rules of the library: kinds and statuses, slugs, browse filters,
//! search-input hygiene and highlighted snippets; [`import`] plans a CSV of curated links.

pub mod import;
pub mod snippet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Article,
    Video,
    Podcast,
    Guide,
    Checklist,
    Link,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Article,
        Kind::Video,
        Kind::Podcast,
        Kind::Guide,
        Kind::Checklist,
        Kind::Link,
    ];

    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.trim();
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Video => "video",
            Kind::Podcast => "podcast",
            Kind::Guide => "guide",
            Kind::Checklist => "checklist",
            Kind::Link => "link",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Article => "Article",
            Kind::Video => "Video",
            Kind::Podcast => "Podcast",
            Kind::Guide => "Guide",
            Kind::Checklist => "Checklist",
            Kind::Link => "Link",
        }
    }
}

/// Label of a stored kind.
pub fn kind_label(kind: &str) -> &'static str {
    Kind::parse(kind).map_or("Item", Kind::label)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Published,
    Archived,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "published" => Some(Status::Published),
            "archived" => Some(Status::Archived),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }
    /// Every move is allowed except staying put: drafts are published,
    /// published items archived or taken back to draft, archived ones republished.
    pub fn can_move_to(self, to: Status) -> bool {
        self != to
    }
}

pub const MAX_BODY_BYTES: usize = 100 * 1024;
pub const MICRO_MINUTES: i32 = 10;

/// A URL-safe slug: lowercase ASCII words joined by hyphens, at most 80 characters.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(fold_accent) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_owned();
    if slug.len() > 80 {
        slug.truncate(80);
        slug = slug.trim_end_matches('-').to_owned();
    }
    if slug.is_empty() {
        "item".to_owned()
    } else {
        slug
    }
}

fn fold_accent(c: char) -> Vec<char> {
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        'ñ' | 'Ñ' => 'n',
        'ß' => return vec!['s', 's'],
        '&' => return vec![' ', 'a', 'n', 'd', ' '],
        c => c,
    };
    vec![base]
}

/// `slug`, or `slug-2`, `slug-3`, … — the first that `taken` does not hold.
pub fn unique_slug(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken.contains(s))
        .expect("an unused suffix")
}

/// "5 minutes or less" and friends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    Short,
    Medium,
    Long,
}

impl Length {
    pub fn parse(s: &str) -> Option<Length> {
        match s {
            "short" => Some(Length::Short),
            "medium" => Some(Length::Medium),
            "long" => Some(Length::Long),
            _ => None,
        }
    }
    /// Inclusive minute range.
    pub fn range(self) -> (i32, i32) {
        match self {
            Length::Short => (1, 5),
            Length::Medium => (6, 15),
            Length::Long => (16, 120),
        }
    }
}

pub const MAX_QUERY_CHARS: usize = 200;

/// Search input as the database gets it: trimmed, control characters
/// dropped, at most 200 characters. Any text is safe to pass to
/// `websearch_to_tsquery`, which never fails on syntax.
pub fn clean_query(q: &str) -> String {
    q.chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUERY_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Marks around matches in a snippet (characters no text contains).
pub const MARK_START: &str = "\u{1}";
pub const MARK_END: &str = "\u{2}";

/// A snippet (see [`snippet`]) as safe HTML: everything escaped, matches in `<mark>`.
pub fn snippet_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 16);
    for c in raw.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{1}' => out.push_str("<mark>"),
            '\u{2}' => out.push_str("</mark>"),
            // Markdown punctuation reads as noise in a snippet.
            '*' | '`' | '#' => {}
            '\n' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// "3 min", "1 h 15 min".
pub fn minutes_label(m: i32) -> Minutes {
    Minutes(m)
}

/// A length in minutes, written as [`minutes_label`] shows it (without
/// building a string for every card on a page).
pub struct Minutes(i32);

impl std::fmt::Display for Minutes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.0;
        if m < 60 {
            write!(f, "{m} min")
        } else if m % 60 == 0 {
            write!(f, "{} h", m / 60)
        } else {
            write!(f, "{} h {} min", m / 60, m % 60)
        }
    }
}

/// Only http(s) links leave Inflow.
pub fn is_web_url(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() <= 2000
        && s.len() > "https://".len()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_readable_and_safe() {
        assert_eq!(
            slugify("Giving feedback that lands"),
            "giving-feedback-that-lands"
        );
        assert_eq!(slugify("  Q&A: Café — déjà vu?! "), "q-and-a-cafe-deja-vu");
        assert_eq!(slugify("日本語"), "item");
        assert!(slugify(&"long title ".repeat(20)).len() <= 80);
        assert!(!slugify(&("a".repeat(79) + " b")).ends_with('-'));
    }

    #[test]
    fn unique_slugs_get_a_number() {
        let taken = vec!["feedback".to_owned(), "feedback-2".to_owned()];
        assert_eq!(unique_slug("feedback", &taken), "feedback-3");
        assert_eq!(unique_slug("meetings", &taken), "meetings");
    }

    #[test]
    fn kinds_statuses_and_lengths() {
        assert_eq!(Kind::parse(" Video "), Some(Kind::Video));
        assert_eq!(Kind::parse("movie"), None);
        assert!(Status::Draft.can_move_to(Status::Published));
        assert!(!Status::Published.can_move_to(Status::Published));
        assert_eq!(Length::parse("short").map(Length::range), Some((1, 5)));
        assert_eq!(minutes_label(75).to_string(), "1 h 15 min");
        assert_eq!(minutes_label(120).to_string(), "2 h");
        assert_eq!(minutes_label(4).to_string(), "4 min");
    }

    #[test]
    fn search_input_is_tamed() {
        assert_eq!(clean_query("  feedback \u{0} "), "feedback");
        assert_eq!(clean_query(&"x".repeat(2000)).len(), MAX_QUERY_CHARS);
    }

    #[test]
    fn snippets_escape_everything_but_the_marks() {
        let raw = "use <script>alert(1)</script> for \u{1}feedback\u{2} & more";
        assert_eq!(
            snippet_html(raw),
            "use &lt;script&gt;alert(1)&lt;/script&gt; for <mark>feedback</mark> &amp; more"
        );
    }

    #[test]
    fn only_web_links() {
        assert!(is_web_url("https://www.gov.uk/guidance"));
        for bad in [
            "javascript:alert(1)",
            "ftp://x.org",
            "https://",
            "https://a b.com",
            "data:text/html,hi",
        ] {
            assert!(!is_web_url(bad), "{bad}");
        }
    }
}
