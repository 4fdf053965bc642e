//! Search snippets, made here instead of by `ts_headline` (which parses the
//! text again for every result, a fifth of a search page's database time):
//! the summary with each word whose English stem is one of the search's
//! lexemes (from Postgres, so stop words and stemming follow the index)
//! between [`MARK_START`] and [`MARK_END`], cut to [`MAX_WORDS`] words
//! around the first match.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::{MARK_END, MARK_START};

/// A longer summary is cut to this many words.
pub const MAX_WORDS: usize = 28;
/// Words kept before the first match when a summary is cut.
const LEAD: usize = 4;

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Stemming rewrites only a word's last letters. Over Snowball's English
/// vocabulary (29,403 words) a stem keeps all but at most its last two
/// letters from the start of the word ("dying" -> "die"), always its first,
/// and is never longer than the word.
const STEM_TAIL: usize = 2;

/// What a word must start with, lowercased, to stem to `lexeme`.
fn stem_prefix(lexeme: &str) -> &str {
    let keep = lexeme.chars().count().saturating_sub(STEM_TAIL).max(1);
    lexeme
        .char_indices()
        .nth(keep)
        .map_or(lexeme, |(i, _)| &lexeme[..i])
}

/// Whether `word`, lowercased, starts with `prefix` (without allocating).
/// Where the word's first bytes are ASCII, they are compared as bytes.
fn starts_like(word: &str, prefix: &str) -> bool {
    let (w, p) = (word.as_bytes(), prefix.as_bytes());
    if w.len() >= p.len() && p.is_ascii() && w[..p.len()].is_ascii() {
        return w[..p.len()].eq_ignore_ascii_case(p);
    }
    let mut lower = word.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| lower.next() == Some(p))
}

/// Whether `word`'s English stem (or the word itself, lowercased) is one of `lexemes`.
fn stems_to(word: &str, lexemes: &[String]) -> bool {
    let lower = word.to_lowercase();
    if lexemes.contains(&lower) {
        return true;
    }
    let stem = stemmer().stem(&lower);
    lexemes.iter().any(|l| *l == stem)
}

/// Words a [`Marker`] remembers having stemmed; past this it stems again.
const SEEN: usize = 64;

/// Marks the summaries of one page of results for one search. Only a word
/// that starts like one of the lexemes (see [`stem_prefix`]) is stemmed,
/// and each such word once a page: stemming every word was a sixth of the
/// server's time on a search page, a tenth with only the first letter
/// checked, and the same word in each of a page's 20 summaries (the word
/// searched for) was still 8 µs of a 120 µs page (BENCHMARKS.md).
pub struct Marker<'a> {
    lexemes: &'a [String],
    prefixes: Vec<&'a str>,
    seen: Vec<(String, bool)>,
}

impl<'a> Marker<'a> {
    pub fn new(lexemes: &'a [String]) -> Self {
        Marker {
            lexemes,
            prefixes: lexemes.iter().map(|l| stem_prefix(l)).collect(),
            seen: Vec::new(),
        }
    }

    fn matches(&mut self, word: &str) -> bool {
        if !self.prefixes.iter().any(|p| starts_like(word, p)) {
            return false;
        }
        if let Some(&(_, m)) = self.seen.iter().find(|(w, _)| w == word) {
            return m;
        }
        let m = stems_to(word, self.lexemes);
        if self.seen.len() < SEEN {
            self.seen.push((word.to_owned(), m));
        }
        m
    }

    /// The words of `text` (runs of letters and digits) as byte ranges,
    /// each with whether it matches.
    fn words(&mut self, text: &str) -> Vec<(usize, usize, bool)> {
        let mut out = Vec::with_capacity(text.len() / 5 + 1);
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((s, i, false));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, text.len(), false));
        }
        for w in &mut out {
            w.2 = self.matches(&text[w.0..w.1]);
        }
        out
    }

    /// `summary` with the words matching the lexemes marked, cut around the
    /// first match.
    pub fn mark(&mut self, summary: &str) -> String {
        let words = self.words(summary);
        // The words shown, and the bytes from the first one shown (or the
        // start) to the last one shown (or the end).
        let (shown, from, to) = if words.len() <= MAX_WORDS {
            (&words[..], 0, summary.len())
        } else {
            let first = words.iter().position(|w| w.2).unwrap_or(0);
            let start = first.saturating_sub(LEAD).min(words.len() - MAX_WORDS);
            let end = start + MAX_WORDS;
            let to = if end == words.len() {
                summary.len()
            } else {
                words[end - 1].1
            };
            (&words[start..end], words[start].0, to)
        };
        let mut out = String::with_capacity(to - from + 32);
        if from > 0 {
            out.push_str("… ");
        }
        let mut at = from;
        for &(start, end, _) in shown.iter().filter(|w| w.2) {
            out.push_str(&summary[at..start]);
            out.push_str(MARK_START);
            out.push_str(&summary[start..end]);
            out.push_str(MARK_END);
            at = end;
        }
        out.push_str(&summary[at..to]);
        if to < summary.len() {
            out.push_str(" …");
        }
        out
    }
}

/// `summary` with the words matching `lexemes` marked, cut around the first
/// match (one summary; a page of them goes through one [`Marker`]).
pub fn mark(summary: &str, lexemes: &[String]) -> String {
    Marker::new(lexemes).mark(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    fn shown(s: &str) -> String {
        s.replace(MARK_START, "[").replace(MARK_END, "]")
    }

    #[test]
    fn words_with_a_searched_stem_are_marked_whatever_their_form() {
        let s = mark(
            "Giving feedback: how feedback-rich teams give honest Feedback.",
            &lex(&["feedback", "give"]),
        );
        assert_eq!(
            shown(&s),
            "[Giving] [feedback]: how [feedback]-rich teams [give] honest [Feedback]."
        );
    }

    /// Whether a fresh [`Marker`] marks `word`.
    fn matches_one(word: &str, lexemes: &[String]) -> bool {
        Marker::new(lexemes).matches(word)
    }

    #[test]
    fn stemming_keeps_all_but_the_last_two_letters() {
        // Regular endings, the stemmer's exceptional forms, a leading y,
        // digits and non-ASCII letters, and words the prefix check cuts
        // close ("relational" -> "relat", "possibly" -> "possibl").
        let words = [
            "giving",
            "feedback",
            "cries",
            "happily",
            "generously",
            "skis",
            "skies",
            "dying",
            "lying",
            "tying",
            "idly",
            "gently",
            "ugly",
            "early",
            "only",
            "singly",
            "news",
            "yearly",
            "youth",
            "relational",
            "possibly",
            "valency",
            "analogy",
            "luxuriating",
            "hopping",
            "2026",
            "Ärger",
            "éléphants",
            "İstanbul",
            "Übungen",
            "ΣΟΦΙΑ",
        ];
        for w in words {
            let lower = w.to_lowercase();
            let stem = stemmer().stem(&lower);
            assert!(starts_like(w, stem_prefix(&stem)), "{w} starts like {stem}");
            assert!(
                stem.chars().count() <= lower.chars().count(),
                "{w} -> {stem}"
            );
            assert!(
                matches_one(w, &lex(&[&stem])),
                "{w} matches its own stem {stem}"
            );
            assert!(
                matches_one(&w.to_uppercase(), &lex(&[&stem])),
                "{w} in capitals"
            );
        }
        assert_eq!(stem_prefix("die"), "d");
        assert_eq!(stem_prefix("relat"), "rel");
        assert_eq!(stem_prefix("éléphant"), "élépha");
        assert!(!matches_one("feedback", &lex(&["give"])));
        assert!(!matches_one("gift", &lex(&["give"])));
        assert!(!matches_one("", &lex(&["give"])));
    }

    #[test]
    fn a_prefix_is_compared_in_lowercase_whatever_the_letters() {
        assert!(starts_like("Feedback", "feed"));
        assert!(starts_like("FEEDBACK", "feedb"));
        assert!(!starts_like("Fee", "feed"));
        assert!(!starts_like("gift", "giv"));
        // Letters outside ASCII, including ones that lowercase to ASCII
        // (the Kelvin sign to k, capital dotted I to i and a dot).
        assert!(starts_like("\u{212A}nowledge", "kn"));
        assert!(starts_like("İstanbul", "i"));
        assert!(!starts_like("İstanbul", "is"));
        assert!(starts_like("Ärger", "är"));
        assert!(starts_like("ÉLÉPHANTS", "élépha"));
        assert!(!starts_like("éléphants", "ele"));
    }

    #[test]
    fn one_marker_over_a_page_marks_each_summary_as_alone() {
        let lexemes = lex(&["feedback", "give", "privaci"]);
        let summaries = [
            "Giving feedback: how feedback-rich teams give honest Feedback.",
            "Privacy at work, and what privacy asks of a manager who gives feedback.",
            "Feedback, FEEDBACK, feedback again; gifts and givers are other words.",
            "Nothing here at all.",
            "PRIVACY first.",
        ];
        let mut marker = Marker::new(&lexemes);
        for _ in 0..2 {
            for s in summaries {
                assert_eq!(marker.mark(s), mark(s, &lexemes), "{s}");
            }
        }
        assert!(
            marker
                .mark(summaries[1])
                .contains(&format!("{MARK_START}Privacy{MARK_END}"))
        );
        // Beyond what it remembers, a marker stems again.
        let many: String = (0..100).map(|n| format!("feedback{n} ")).collect();
        assert_eq!(marker.mark(&many), mark(&many, &lexemes));
        assert_eq!(marker.seen.len(), SEEN);
    }

    #[test]
    fn nothing_matching_leaves_the_text_as_it_is() {
        let text = "Plain words, «quoted» and 42 numbers.";
        assert_eq!(mark(text, &lex(&["wellb"])), text);
        assert_eq!(
            shown(&mark(text, &lex(&["42"]))),
            "Plain words, «quoted» and [42] numbers."
        );
        assert_eq!(mark("", &lex(&["x"])), "");
    }

    #[test]
    fn a_long_summary_is_cut_around_its_first_match() {
        let words: Vec<String> = (1..=60).map(|n| format!("w{n}")).collect();
        let text = words.join(" ") + ".";
        let s = shown(&mark(&text, &lex(&["w30"])));
        assert!(s.starts_with("… w26 w27 w28 w29 [w30] w31"), "{s}");
        assert!(s.ends_with("w53 …"), "{s}");
        assert_eq!(
            s.split_whitespace()
                .filter(|w| w.starts_with('w') || w.starts_with('['))
                .count(),
            MAX_WORDS
        );
        // No match: the start; a match near the end: the last words.
        assert!(shown(&mark(&text, &lex(&["zzz"]))).starts_with("w1 w2"));
        let tail = shown(&mark(&text, &lex(&["w59"])));
        assert!(
            tail.starts_with("… w33 ") && tail.ends_with("[w59] w60."),
            "{tail}"
        );
    }
}
