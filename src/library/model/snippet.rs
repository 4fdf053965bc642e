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

/// The text split into words (runs of letters and digits) and what lies
/// between them, in order: `(text, is_word)`.
fn tokens(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, c) in text.char_indices() {
        let w = c.is_alphanumeric();
        match in_word {
            Some(prev) if prev != w => {
                out.push((&text[start..i], prev));
                start = i;
            }
            _ => {}
        }
        in_word = Some(w);
    }
    if let Some(w) = in_word {
        out.push((&text[start..], w));
    }
    out
}

/// Whether `word`'s English stem (or the word itself, lowercased) is one of
/// `lexemes`. Stemming only changes a word's ending, never its first letter,
/// so only words starting like one of the lexemes are stemmed: stemming was
/// a sixth of the server's time on a search page.
fn matches(word: &str, lexemes: &[String]) -> bool {
    let first = |s: &str| s.chars().next().and_then(|c| c.to_lowercase().next());
    let Some(f) = first(word) else {
        return false;
    };
    if !lexemes.iter().any(|l| first(l) == Some(f)) {
        return false;
    }
    let lower = word.to_lowercase();
    let stem = stemmer().stem(&lower);
    lexemes.iter().any(|l| *l == stem || *l == lower)
}

/// `summary` with the words matching `lexemes` marked, cut around the first match.
pub fn mark(summary: &str, lexemes: &[String]) -> String {
    let toks = tokens(summary);
    let hit: Vec<bool> = toks
        .iter()
        .map(|&(text, is_word)| is_word && matches(text, lexemes))
        .collect();
    let words: Vec<usize> = (0..toks.len()).filter(|&i| toks[i].1).collect();
    let (from, to) = if words.len() <= MAX_WORDS {
        (0, toks.len())
    } else {
        let first = words.iter().position(|&i| hit[i]).unwrap_or(0);
        let start = first.saturating_sub(LEAD).min(words.len() - MAX_WORDS);
        let end = start + MAX_WORDS;
        let to = if end == words.len() {
            toks.len()
        } else {
            words[end - 1] + 1
        };
        (words[start], to)
    };
    let mut out = String::with_capacity(summary.len() + 16);
    if from > 0 {
        out.push_str("… ");
    }
    for (&(text, _), &hit) in toks[from..to].iter().zip(&hit[from..to]) {
        if hit {
            out.push_str(MARK_START);
            out.push_str(text);
            out.push_str(MARK_END);
        } else {
            out.push_str(text);
        }
    }
    if to < toks.len() {
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

    #[test]
    fn stemming_keeps_the_first_letter() {
        // Regular endings, the stemmer's exceptional forms, a leading y,
        // digits and non-ASCII letters.
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
            "2026",
            "Ärger",
            "éléphants",
            "İstanbul",
            "Übungen",
        ];
        for w in words {
            let lower = w.to_lowercase();
            let stem = stemmer().stem(&lower);
            assert_eq!(stem.chars().next(), lower.chars().next(), "{w} -> {stem}");
            assert!(
                matches(w, &lex(&[&stem])),
                "{w} matches its own stem {stem}"
            );
        }
        assert!(!matches("feedback", &lex(&["give"])));
        assert!(!matches("", &lex(&["give"])));
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
