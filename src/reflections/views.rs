//! Pages of the journal.

use askama::Template;

use super::model::EntryInput;
use super::store::{Entry, Prompt};
use crate::library::store::topics::Topic;
use crate::web::{FormErrors, PageCtx, Pagination};

/// An entry's text as safe HTML (sanitised Markdown).
pub fn entry_html(e: &Entry) -> String {
    crate::library::markdown::render(&super::model::entry_markdown(
        e.guided,
        &e.body,
        &e.happened,
        &e.so_what,
        &e.now_what,
    ))
}

#[derive(Template)]
#[template(path = "reflections/list.html")]
pub struct ListPage {
    pub page: PageCtx,
    pub q: String,
    pub tag: String,
    pub entries: Vec<Entry>,
    pub pager: Pagination,
}

impl ListPage {
    pub fn pager_base(&self) -> String {
        let q = serde_urlencoded::to_string([("q", self.q.as_str()), ("tag", self.tag.as_str())])
            .unwrap_or_default();
        format!("/reflections?{q}&")
    }
}

#[derive(Template)]
#[template(path = "reflections/form.html")]
pub struct FormPage {
    pub page: PageCtx,
    pub heading: String,
    pub action: String,
    pub input: EntryInput,
    pub errors: FormErrors,
    pub prompt: Option<String>,
    pub item_title: Option<String>,
    pub has_manager: bool,
}

#[derive(Template)]
#[template(path = "reflections/show.html")]
pub struct ShowPage {
    pub page: PageCtx,
    pub entry: Entry,
    pub has_manager: bool,
}

#[derive(Template)]
#[template(path = "reflections/delete.html")]
pub struct DeletePage {
    pub page: PageCtx,
    pub entry: Entry,
}

#[derive(Template)]
#[template(path = "reflections/manage.html")]
pub struct SharedPage {
    pub page: PageCtx,
    pub entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "reflections/admin_prompts.html")]
pub struct PromptsPage {
    pub page: PageCtx,
    pub prompts: Vec<Prompt>,
    pub topics: Vec<Topic>,
    pub text: String,
    pub errors: FormErrors,
    pub weeks: Vec<(chrono::NaiveDate, i64)>,
    pub reflecting: i64,
    pub people: i64,
}

impl PromptsPage {
    pub fn topic_is(&self, p: &Prompt, t: &Topic) -> bool {
        p.topic_id == Some(t.id)
    }
    pub fn share_label(&self) -> String {
        if self.people == 0 {
            "0%".into()
        } else {
            format!(
                "{}%",
                (self.reflecting * 100 + self.people / 2) / self.people
            )
        }
    }
}
