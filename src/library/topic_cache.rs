//! The topic list (with each topic's published items) kept in memory per
//! catalogue epoch. Every library page shows it, it changes only when the
//! catalogue does, and every such change raises `plan_epoch` (triggers on
//! items, their topics and topics), which the session's statement reads. So
//! a list read at the request's epoch, or later, is current, on every
//! server, and the library saves a statement and its round trip per page.

use std::sync::{Arc, RwLock};

use sqlx::PgConnection;

use super::store::topics::{self, Topic};

#[derive(Default)]
pub struct TopicCache(RwLock<Option<(i64, Arc<Vec<Topic>>)>>);

impl TopicCache {
    /// The topics as of `epoch` (the request's `catalogue_epoch`); without one
    /// (a visitor not signed in) they are read from the database.
    pub async fn topics(
        &self,
        c: &mut PgConnection,
        epoch: Option<i64>,
    ) -> sqlx::Result<Arc<Vec<Topic>>> {
        if let Some(epoch) = epoch
            && let Some(hit) = self.get(epoch)
        {
            return Ok(hit);
        }
        // Read after the epoch was: the list is at least as new as the tag.
        let list = Arc::new(topics::all(c).await?);
        if let Some(epoch) = epoch {
            let mut slot = self.0.write().unwrap_or_else(|e| e.into_inner());
            if slot.as_ref().is_none_or(|(held, _)| *held <= epoch) {
                *slot = Some((epoch, list.clone()));
            }
        }
        Ok(list)
    }

    fn get(&self, epoch: i64) -> Option<Arc<Vec<Topic>>> {
        let slot = self.0.read().unwrap_or_else(|e| e.into_inner());
        slot.as_ref()
            .filter(|(held, _)| *held == epoch)
            .map(|(_, list)| list.clone())
    }
}
