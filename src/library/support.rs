//! Performance support in the flow of work: the reference hub, the embed
//! page for intranet iframes, and Atom feeds of open-access items.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::learner::{Lookup, lookup_published};
use super::model::clean_query;
use super::store::{Filter, find, topics};
use super::views::{EmbedPage, SupportPage};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::web::{PageCtx, render};

#[derive(Deserialize, Default)]
pub struct SupportQuery {
    #[serde(default)]
    q: String,
}

/// Reference items grouped by topic, with search scoped to them.
pub async fn hub(
    State(state): State<AppState>,
    page: PageCtx,
    Query(sq): Query<SupportQuery>,
) -> AppResult<Html<String>> {
    let mut c = state.db.acquire().await?;
    let filter = Filter {
        reference_only: true,
        ..Filter::all()
    };
    let q = clean_query(&sq.q);
    let cards = if q.is_empty() {
        find::browse(&mut c, &filter, false, 500, 0).await?
    } else {
        let (hits, _) = find::search(&mut c, &q, &filter, 100, 0).await?;
        if hits.is_empty() {
            find::search_fuzzy(&mut c, &q, &filter, 50).await?
        } else {
            hits
        }
    };
    let total = cards.len();
    let mut groups: Vec<(String, Vec<super::store::Card>)> = Vec::new();
    for card in cards {
        for t in &card.topics {
            match groups.iter_mut().find(|(name, _)| name == t) {
                Some((_, list)) => list.push(card.clone()),
                None => groups.push((t.clone(), vec![card.clone()])),
            }
        }
    }
    if q.is_empty() {
        groups.sort_by_key(|g| g.0.to_lowercase());
    }
    render(&SupportPage {
        page,
        q,
        groups,
        total,
    })
}

/// `frame-ancestors` for the embed page: the configured intranet origins, or none.
fn embed_csp(origins: &[String]) -> String {
    let ancestors = if origins.is_empty() {
        "'none'".to_owned()
    } else {
        origins.join(" ")
    };
    format!(
        "default-src 'none'; style-src 'self'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )
}

/// A minimal page of an open-access item for an intranet iframe. Anything
/// else answers 404 with framing refused, so an iframe shows nothing.
pub async fn embed(State(state): State<AppState>, Path(slug): Path<String>) -> AppResult<Response> {
    let mut c = state.db.acquire().await?;
    let item = match lookup_published(&mut c, &slug).await? {
        Lookup::Found(item) if item.open_access => *item,
        Lookup::Moved(new) => {
            return Ok(Redirect::permanent(&format!("/embed/{new}")).into_response());
        }
        _ => return Err(AppError::NotFound),
    };
    let permalink = format!("{}/library/{}", state.settings.public_url, item.slug);
    let mut res = render(&EmbedPage { item, permalink })?.into_response();
    let csp = HeaderValue::from_str(&embed_csp(&state.settings.embed_origins))
        .map_err(|e| AppError::Internal(e.into()))?;
    res.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, csp);
    Ok(res)
}

fn atom(state: &AppState, title: &str, self_path: &str, entries: Vec<find::FeedEntry>) -> Response {
    use atom_syndication::{Entry, Feed, Link, Text};
    let base = &state.settings.public_url;
    let link = |href: String, rel: &str| {
        let mut l = Link::default();
        l.set_href(href);
        l.set_rel(rel.to_owned());
        l
    };
    let mut feed = Feed::default();
    feed.set_title(Text::plain(title));
    feed.set_id(format!("{base}{self_path}"));
    feed.set_links(vec![
        link(format!("{base}{self_path}"), "self"),
        link(format!("{base}/library"), "alternate"),
    ]);
    let newest = entries
        .iter()
        .map(|e| e.updated_at)
        .max()
        .unwrap_or(chrono::DateTime::UNIX_EPOCH);
    feed.set_updated(newest.fixed_offset());
    let mut author = atom_syndication::Person::default();
    author.set_name("Inflow");
    feed.set_authors(vec![author]);
    feed.set_entries(
        entries
            .into_iter()
            .map(|e| {
                let url = format!("{base}/library/{}", e.slug);
                let mut entry = Entry::default();
                entry.set_title(Text::plain(e.title));
                entry.set_id(url.clone());
                entry.set_links(vec![link(url, "alternate")]);
                entry.set_updated(e.updated_at.fixed_offset());
                entry.set_published(e.published_at.map(|p| p.fixed_offset()));
                entry.set_summary(Some(Text::plain(e.summary)));
                entry
            })
            .collect::<Vec<_>>(),
    );
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed.to_string(),
    )
        .into_response()
}

/// Newly published open-access items.
pub async fn feed(State(state): State<AppState>) -> AppResult<Response> {
    let entries = find::open_feed(&mut *state.db.acquire().await?, None, 50).await?;
    Ok(atom(
        &state,
        "Inflow library: new open-access items",
        "/library/feed.atom",
        entries,
    ))
}

/// Newly published open-access items of one topic.
pub async fn topic_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let mut c = state.db.acquire().await?;
    let topic = topics::by_slug(&mut c, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let entries = find::open_feed(&mut c, Some(topic.id), 50).await?;
    let title = format!("Inflow library: {}", topic.name);
    Ok(atom(
        &state,
        &title,
        &format!("/library/topics/{slug}/feed.atom"),
        entries,
    ))
}

#[cfg(test)]
mod tests {
    use super::embed_csp;

    #[test]
    fn embed_framing_follows_the_configured_origins() {
        assert!(embed_csp(&[]).ends_with("frame-ancestors 'none'"));
        let csp = embed_csp(&[
            "https://intranet.example.com".into(),
            "https://wiki.example.com".into(),
        ]);
        assert!(
            csp.ends_with("frame-ancestors https://intranet.example.com https://wiki.example.com")
        );
        assert!(
            !csp.contains("script-src"),
            "no scripts at all: default-src 'none'"
        );
    }
}
