//! Search snippets are marked in Rust from the search's lexemes: the English
//! stems used there agree with Postgres's for every word of the demo
//! library's summaries, and a search page marks exactly the summary words
//! Postgres would match.

use sqlx::PgPool;

use crate::harness::TestApp;

async fn summary_words(pool: &PgPool) -> Vec<(String, Option<String>)> {
    sqlx::query_as(
        "SELECT w, (ts_lexize('english_stem', w))[1]
         FROM (SELECT DISTINCT lower(m[1]) AS w
               FROM content_items, regexp_matches(summary, '([[:alpha:]]+)', 'g') m) words
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn snippet_stems_agree_with_postgres() {
    let app = TestApp::demo().await;
    let words = summary_words(&app.pool).await;
    assert!(words.len() > 300, "the demo library has a real vocabulary");
    let mut disagree = Vec::new();
    for (word, pg) in &words {
        let Some(pg) = pg else { continue }; // a stop word: never a lexeme
        let marked = inflow::library::model::snippet::mark(word, std::slice::from_ref(pg));
        if !marked.contains(inflow::library::model::MARK_START) {
            disagree.push(format!("{word} (postgres: {pg})"));
        }
    }
    assert!(disagree.is_empty(), "stems differ: {disagree:?}");
}

#[tokio::test]
async fn a_search_page_marks_the_words_postgres_matches() {
    let app = TestApp::demo().await;
    let mut c = app.signed_in("learner@example.com").await;
    for q in ["giving feedback", "meetings", "questions"] {
        let res = c.get(&format!("/library?q={}", q.replace(' ', "+"))).await;
        let marked: Vec<String> = res.texts(".snippet mark");
        assert!(!marked.is_empty(), "{q}: something is marked");
        for m in &marked {
            let matches: bool = sqlx::query_scalar(
                "SELECT to_tsvector('english', $1) @@ to_tsquery('english', replace(plainto_tsquery('english', $2)::text, '&', '|'))",
            )
            .bind(m)
            .bind(q)
            .fetch_one(&app.pool)
            .await
            .unwrap();
            assert!(
                matches,
                "{q}: '{m}' is marked but matches no word of the search"
            );
        }
    }
}
