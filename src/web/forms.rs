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

/// Line numbers of a CSV text's records, counted as the reader moves on:
/// each byte is looked at once, so a file of 100,000 lines is numbered in
/// one pass rather than recounted from the top for every record.
pub struct CsvLines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> CsvLines<'a> {
    pub fn new(text: &'a str) -> Self {
        CsvLines {
            bytes: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The 1-based line on which byte `offset` stands (counts `\n`, so
    /// Windows line endings number the same as Unix ones).
    pub fn line(&mut self, offset: u64) -> u64 {
        let bytes = self.bytes;
        let mut end = (offset as usize).min(bytes.len());
        // With CRLF the reader reports a record as starting at the end of the line before it.
        while end < bytes.len() && matches!(bytes[end], b'\r' | b'\n') {
            end += 1;
        }
        if end < self.at {
            (self.at, self.line) = (0, 1);
        }
        self.line += bytes[self.at..end].iter().filter(|&&b| b == b'\n').count() as u64;
        self.at = end;
        self.line
    }

    /// The line of a record's (or an error's) position; 0 when it has none.
    pub fn of(&mut self, pos: Option<&csv::Position>) -> u64 {
        pos.map_or(0, |p| self.line(p.byte()))
    }
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

#[cfg(test)]
mod tests {
    use super::CsvLines;

    fn record_lines(text: &str) -> Vec<u64> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let mut lines = CsvLines::new(text);
        rdr.records()
            .map(|r| lines.of(r.unwrap().position()))
            .collect()
    }

    #[test]
    fn records_are_numbered_by_the_line_they_start_on() {
        assert_eq!(record_lines("a,b\nc,d\ne,f\n"), [1, 2, 3]);
        assert_eq!(record_lines("a,b\r\nc,d\r\ne,f\r\n"), [1, 2, 3], "CRLF");
        // A quoted field may span lines; the next record starts further down.
        assert_eq!(record_lines("a,\"x\ny\"\nc,d\n"), [1, 3]);
        // Asked out of order, it counts again from the top.
        let text = "a\nb\nc\n";
        let mut lines = CsvLines::new(text);
        assert_eq!((lines.line(4), lines.line(0), lines.line(2)), (3, 1, 2));
    }
}
