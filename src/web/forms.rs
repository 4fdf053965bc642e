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

/// A CSV reader positioned after a header line that names every one of
/// `columns` (in any order), and each column's index; or why the file cannot
/// be read (a message for line 1).
pub fn open_csv<'a>(
    text: &'a str,
    columns: &[&str],
) -> Result<(csv::Reader<&'a [u8]>, Vec<usize>), String> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_lowercase()).collect(),
        Err(e) => return Err(format!("The file could not be read as CSV: {e}")),
    };
    let missing: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "The header line must name the columns {}; missing: {}.",
            columns.join(","),
            missing.join(", ")
        ));
    }
    let idx = columns
        .iter()
        .map(|c| headers.iter().position(|h| h == c).expect("checked"))
        .collect();
    Ok((rdr, idx))
}

/// An import form: the CSV (an uploaded file wins over the text box), whether
/// the "import" button was pressed (else it is a dry run), and ticked boxes.
pub struct CsvUpload {
    pub csv: String,
    pub run: bool,
    pub checked: Vec<String>,
}

/// Read an import form (`file`, `csv`, `action`, checkboxes) of at most `max_bytes` per field.
pub async fn read_csv_upload(
    mut mp: axum::extract::Multipart,
    max_bytes: usize,
) -> Result<CsvUpload, String> {
    let (mut file, mut text, mut run, mut checked) =
        (String::new(), String::new(), false, Vec::new());
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| format!("The upload could not be read: {e}"))?
    {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| format!("The upload could not be read: {e}"))?;
        if bytes.len() > max_bytes {
            return Err(format!(
                "The file is larger than {} MB; split it into smaller files.",
                max_bytes / (1024 * 1024)
            ));
        }
        let value = String::from_utf8(bytes.to_vec()).map_err(|_| {
            "The file is not UTF-8 text. Save it as CSV UTF-8 and try again.".to_owned()
        })?;
        match name.as_str() {
            "file" => file = value,
            "csv" => text = value,
            "action" => run = value == "import",
            _ => checked.push(name),
        }
    }
    let csv = if file.trim().is_empty() { text } else { file };
    Ok(CsvUpload {
        csv: csv.trim_start_matches('\u{feff}').to_owned(),
        run,
        checked,
    })
}
