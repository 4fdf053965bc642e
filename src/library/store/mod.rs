//! Every SQL query of the library, by area: items and topics (authoring),
//! finding (browse, search, related, feeds), personal (saved, ratings,
//! collections) and viewing (opening an item page). Rows shared by several
//! pages live here.

pub mod find;
pub mod items;
pub mod personal;
pub mod topics;
pub mod viewing;

use uuid::Uuid;

/// An item as a card in a list (kept as JSON in the related lists).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Card {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: String,
    pub minutes: i32,
    pub reference: bool,
    pub open_access: bool,
    pub source: Option<String>,
    pub topics: Vec<String>,
    pub snippet: Option<String>,
}

/// What a browse or search is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub topic_id: Option<Uuid>,
    pub kind: Option<String>,
    pub min_minutes: i32,
    pub max_minutes: i32,
    pub reference_only: bool,
}

impl Filter {
    pub fn all() -> Filter {
        Filter {
            min_minutes: 1,
            max_minutes: 120,
            ..Default::default()
        }
    }

    /// Nothing narrowed: every published item.
    pub fn is_all(&self) -> bool {
        *self == Filter::all()
    }
}

#[cfg(test)]
mod tests {
    use super::Filter;

    #[test]
    fn only_the_unnarrowed_filter_is_all() {
        assert!(Filter::all().is_all());
        let narrowed = [
            Filter {
                kind: Some("video".into()),
                ..Filter::all()
            },
            Filter {
                topic_id: Some(uuid::Uuid::nil()),
                ..Filter::all()
            },
            Filter {
                max_minutes: 5,
                ..Filter::all()
            },
            Filter {
                min_minutes: 6,
                ..Filter::all()
            },
            Filter {
                reference_only: true,
                ..Filter::all()
            },
        ];
        assert!(narrowed.iter().all(|f| !f.is_all()));
    }
}
