//! Pages of the library, for learners and for L&D.

use askama::Template;

use super::forms::ItemInput;
use super::model::{self, Kind};
use super::store::Card;
use super::store::items::{AdminRow, Item, TopicRef};
use super::store::personal::{Collection, CollectionRef, ItemState};
use super::store::topics::Topic;
use crate::web::{FormErrors, PageCtx, Pagination};

pub fn kind_label(kind: &str) -> &'static str {
    model::kind_label(kind)
}

pub fn minutes_label(m: &i32) -> model::Minutes {
    model::minutes_label(*m)
}

/// Digits and "h"/"min": nothing to escape.
impl askama::filters::HtmlSafe for model::Minutes {}

pub fn kinds() -> [(&'static str, &'static str); 6] {
    Kind::ALL.map(|k| (k.as_str(), k.label()))
}

/// The browse and search page.
#[derive(Template)]
#[template(path = "library/index.html")]
pub struct LibraryPage {
    pub page: PageCtx,
    pub q: String,
    pub topic: String,
    pub kind: String,
    pub length: String,
    pub sort: String,
    pub topics: std::sync::Arc<Vec<Topic>>,
    pub cards: Vec<Card>,
    pub pager: Pagination,
    pub fuzzy: bool,
}

impl LibraryPage {
    /// The current search and filters as a query string, ready for `page=N`.
    pub fn pager_base(&self) -> String {
        let q = serde_urlencoded::to_string([
            ("q", self.q.as_str()),
            ("topic", self.topic.as_str()),
            ("kind", self.kind.as_str()),
            ("length", self.length.as_str()),
            ("sort", self.sort.as_str()),
        ])
        .unwrap_or_default();
        format!("/library?{q}&")
    }
    pub fn filtered(&self) -> bool {
        !(self.q.is_empty()
            && self.topic.is_empty()
            && self.kind.is_empty()
            && self.length.is_empty())
    }
}

/// One item, as learners see it (and as its preview shows it).
#[derive(Template)]
#[template(path = "library/item.html")]
pub struct ItemPage {
    pub page: PageCtx,
    pub item: Item,
    pub topics: Vec<TopicRef>,
    pub related: Vec<Card>,
    pub state: Option<ItemState>,
    pub collections: Vec<CollectionRef>,
    pub preview: bool,
    pub permalink: String,
}

impl ItemPage {
    pub fn rated(&self, useful: bool) -> bool {
        self.state
            .as_ref()
            .is_some_and(|s| s.useful == Some(useful))
    }
    pub fn source_host(&self) -> String {
        self.item
            .url
            .as_deref()
            .and_then(|u| u.split("://").nth(1))
            .and_then(|rest| rest.split('/').next())
            .unwrap_or("")
            .to_owned()
    }
}

#[derive(Template)]
#[template(path = "library/saved.html")]
pub struct SavedPage {
    pub page: PageCtx,
    pub cards: Vec<Card>,
    pub collections: Vec<Collection>,
    pub name: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "library/collection.html")]
pub struct CollectionPage {
    pub page: PageCtx,
    pub collection: Collection,
    pub cards: Vec<Card>,
    pub is_owner: bool,
    pub name: String,
    pub errors: FormErrors,
    pub link: String,
}

/// The reference hub: on-demand "how do I…" material by topic.
#[derive(Template)]
#[template(path = "library/support.html")]
pub struct SupportPage {
    pub page: PageCtx,
    pub q: String,
    pub groups: Vec<(String, Vec<Card>)>,
    pub total: usize,
}

/// The minimal page for an intranet iframe.
#[derive(Template)]
#[template(path = "library/embed.html")]
pub struct EmbedPage {
    pub item: Item,
    pub permalink: String,
}

#[derive(Template)]
#[template(path = "library/admin_list.html")]
pub struct AdminListPage {
    pub page: PageCtx,
    pub status: String,
    pub q: String,
    pub rows: Vec<AdminRow>,
    pub pager: Pagination,
}

impl AdminListPage {
    pub fn pager_base(&self) -> String {
        let q =
            serde_urlencoded::to_string([("status", self.status.as_str()), ("q", self.q.as_str())])
                .unwrap_or_default();
        format!("/admin/library?{q}&")
    }
}

#[derive(Template)]
#[template(path = "library/admin_form.html")]
pub struct ItemFormPage {
    pub page: PageCtx,
    pub heading: String,
    pub action: String,
    pub input: ItemInput,
    pub errors: FormErrors,
    pub topics: Vec<Topic>,
    pub item: Option<Item>,
}

#[derive(Template)]
#[template(path = "library/admin_topics.html")]
pub struct TopicsPage {
    pub page: PageCtx,
    pub topics: Vec<Topic>,
    pub name: String,
    pub errors: FormErrors,
}
