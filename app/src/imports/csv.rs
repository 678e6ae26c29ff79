//! A strict CSV reader (RFC 4180, comma separated, optional UTF-8 byte order mark). Strict on
//! purpose: a spreadsheet export that lost a quote would otherwise shift every later column
//! silently, so every irregularity is a message naming the line.

/// Files larger than this are refused before reading.
pub const MAX_BYTES: usize = 40 * 1024 * 1024;
/// A physical line longer than this is refused: no field the importer takes is anywhere near.
pub const MAX_LINE_CHARS: usize = 4096;
/// Rows past the header.
pub const MAX_ROWS: usize = 200_000;

/// One record with the line it starts on (the header is line 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub line: usize,
    pub fields: Vec<String>,
}

/// Why a file cannot be read at all.
pub type FileError = String;

/// Reads the header and every record. Blank lines are skipped.
pub fn read(bytes: &[u8]) -> Result<(Vec<String>, Vec<Record>), FileError> {
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "The file is {:.1} MB; files may be at most {} MB. Split it into smaller files.",
            bytes.len() as f64 / 1_048_576.0,
            MAX_BYTES / 1_048_576
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(
            "The file is UTF-16 text. Save it as \"CSV UTF-8\" (comma delimited) and upload it again."
                .into(),
        );
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        format!(
            "Line {line} is not UTF-8 text (byte 0x{:02X}); the file was probably saved in another \
             encoding such as Windows-1252. Save it as \"CSV UTF-8\" and upload it again.",
            bytes[at]
        )
    })?;
    if text.contains('\0') {
        return Err("The file holds binary data, not CSV text.".into());
    }
    if let Some((n, line)) = text
        .split('\n')
        .enumerate()
        .find(|(_, l)| l.chars().count() > MAX_LINE_CHARS)
    {
        return Err(format!(
            "Line {} is {} characters long; lines may be at most {MAX_LINE_CHARS}. \
             Check that the file is a CSV of customers or orders.",
            n + 1,
            line.chars().count()
        ));
    }
    let mut records = parse(text)?;
    records.retain(|r| !(r.fields.len() == 1 && r.fields[0].trim().is_empty()));
    if records.is_empty() {
        return Err("The file is empty: it needs a header line and at least one row.".into());
    }
    let header = records.remove(0);
    if records.is_empty() {
        return Err("The file has a header line but no rows.".into());
    }
    if records.len() > MAX_ROWS {
        return Err(format!(
            "The file has {} rows; import at most {MAX_ROWS} at a time.",
            records.len()
        ));
    }
    Ok((header.fields, records))
}

fn parse(text: &str) -> Result<Vec<Record>, FileError> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    let mut chars = text.chars().peekable();
    // Whether the current field started with a quote, and whether that quote is still open.
    let mut quoted = false;
    let mut open = false;
    let mut quote_line = 0;
    while let Some(c) = chars.next() {
        if open {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => open = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                open = true;
                quote_line = line;
            }
            '"' => {
                return Err(format!(
                    "Line {line} has a quote inside a field that does not start with one. Put the \
                     whole field in quotes and double the quote (\"like \"\"this\"\"\")."
                ))
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                records.push(Record {
                    line: record_line,
                    fields: std::mem::take(&mut fields),
                });
                quoted = false;
                line += 1;
                record_line = line;
            }
            _ if quoted => {
                return Err(format!(
                    "Line {line} has text after a closing quote; a quoted field must end at its \
                     closing quote."
                ))
            }
            _ => field.push(c),
        }
    }
    if open {
        return Err(format!(
            "Line {quote_line} opens a quote that is never closed; the rest of the file would be \
             read as one field."
        ));
    }
    if !field.is_empty() || !fields.is_empty() || quoted {
        fields.push(field);
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(records)
}

/// Quotes a value for a CSV file when it needs it. Values that a spreadsheet would run as a
/// formula get a leading apostrophe.
pub fn escape(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err() {
            format!("'{value}")
        } else {
            value.to_string()
        };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        let (header, records) = read(text.as_bytes()).unwrap();
        std::iter::once(header)
            .chain(records.into_iter().map(|r| r.fields))
            .collect()
    }

    #[test]
    fn reads_quotes_commas_newlines_and_crlf() {
        let got = rows("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",\r\n");
        assert_eq!(
            got,
            vec![
                vec!["a", "b"],
                vec!["x, y", "say \"hi\""],
                vec!["two\nlines", ""]
            ]
        );
    }

    #[test]
    fn numbers_lines_from_the_header_and_skips_blank_lines() {
        let (_, records) = read(b"a,b\n\n1,2\n\"multi\nline\",3\n4,5").unwrap();
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4, 6]);
    }

    #[test]
    fn strips_a_byte_order_mark() {
        let (header, _) = read(b"\xEF\xBB\xBFname,email\nDana,d@x.com\n").unwrap();
        assert_eq!(header, vec!["name", "email"]);
    }

    #[test]
    fn refuses_bad_encodings_with_the_line() {
        let err = read(b"name\nDana\nJos\xE9\n").unwrap_err();
        assert!(err.starts_with("Line 3 is not UTF-8"), "{err}");
        assert!(read(b"\xFF\xFEn\0a\0").unwrap_err().contains("UTF-16"));
    }

    #[test]
    fn refuses_broken_quotes() {
        let err = read(b"a,b\n1,\"open\n2,3\n").unwrap_err();
        assert!(err.starts_with("Line 2 opens a quote"), "{err}");
        let err = read(b"a,b\n1,ab\"c\n").unwrap_err();
        assert!(err.starts_with("Line 2 has a quote inside"), "{err}");
        let err = read(b"a,b\n1,\"ab\"c\n").unwrap_err();
        assert!(
            err.starts_with("Line 2 has text after a closing quote"),
            "{err}"
        );
    }

    #[test]
    fn refuses_huge_lines_and_empty_files() {
        let huge = format!("a\n{}\n", "x".repeat(MAX_LINE_CHARS + 1));
        assert!(read(huge.as_bytes())
            .unwrap_err()
            .starts_with("Line 2 is 4097"));
        assert!(read(b"").unwrap_err().contains("empty"));
        assert!(read(b"a,b\n\n").unwrap_err().contains("no rows"));
    }

    #[test]
    fn escapes_for_spreadsheets() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("a,b"), "\"a,b\"");
        assert_eq!(escape("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(escape("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(escape("-12.5"), "-12.5");
        assert_eq!(escape("\tcmd"), "'\tcmd");
        assert_eq!(escape("\rcmd"), "\"'\rcmd\"");
    }
}
