//! Per-field form errors, shown next to the field on a 422 re-render; line
//! numbers for CSV import reports.

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

/// The 1-based line on which byte `offset` of `text` stands (counts `\n`, so
/// Windows line endings number the same as Unix ones).
pub fn csv_line(text: &str, offset: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut end = (offset as usize).min(bytes.len());
    // With CRLF the reader reports a record as starting at the end of the line before it.
    while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
        end += 1;
    }
    bytes[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}
