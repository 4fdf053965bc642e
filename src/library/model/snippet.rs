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
fn starts_like(word: &str, prefix: &str) -> bool {
    let mut lower = word.chars().flat_map(char::to_lowercase);
    prefix.chars().all(|p| lower.next() == Some(p))
}

/// Whether `word`'s English stem (or the word itself, lowercased) is one of
/// `lexemes`, whose [`stem_prefix`]es are `prefixes`. Only a word that starts
/// like one of them is stemmed: stemming every word was a sixth of the
/// server's time on a search page, and a tenth with only the first letter
/// checked.
fn matches(word: &str, lexemes: &[String], prefixes: &[&str]) -> bool {
    if !prefixes.iter().any(|p| starts_like(word, p)) {
        return false;
    }
    let lower = word.to_lowercase();
    if lexemes.contains(&lower) {
        return true;
    }
    let stem = stemmer().stem(&lower);
    lexemes.iter().any(|l| *l == stem)
}

/// The words of `text` (runs of letters and digits) as byte ranges, each
/// with whether it matches.
fn words(text: &str, lexemes: &[String]) -> Vec<(usize, usize, bool)> {
    let prefixes: Vec<&str> = lexemes.iter().map(|l| stem_prefix(l)).collect();
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
        w.2 = matches(&text[w.0..w.1], lexemes, &prefixes);
    }
    out
}

/// `summary` with the words matching `lexemes` marked, cut around the first match.
pub fn mark(summary: &str, lexemes: &[String]) -> String {
    let words = words(summary, lexemes);
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

    /// `matches` with the prefixes worked out as `mark` does.
    fn matches_one(word: &str, lexemes: &[String]) -> bool {
        let prefixes: Vec<&str> = lexemes.iter().map(|l| stem_prefix(l)).collect();
        matches(word, lexemes, &prefixes)
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
