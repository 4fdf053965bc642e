//! Per-field form errors, shown next to the field on a 422 re-render.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct FormErrors(BTreeMap<&'static str, String>);

impl FormErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// `aria-invalid` value for a field.
    pub fn invalid(&self, field: &str) -> &'static str {
        if self.has(field) { "true" } else { "false" }
    }
}
