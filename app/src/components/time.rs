//! How moments are shown: minutes in UTC until the organisation time zone setting arrives.
pub fn format_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// Day, month and time: compact enough for a table column.
pub fn format_short(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%d %b %H:%M").to_string())
        .unwrap_or_default()
}

pub fn format_date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%d %b %Y").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn moments_are_shown_to_the_minute_in_utc() {
        assert_eq!(super::format_ms(1_795_000_000_000), "2026-11-18 11:06 UTC");
        assert_eq!(super::format_date(1_795_000_000_000), "18 Nov 2026");
    }
}
