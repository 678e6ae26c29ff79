//! Admin → Exchange rates: the organisation currency and the rate table, for admins. Each
//! server function authorizes, parses, calls `queries` and, for a plain form post, sends the
//! browser back to the page.
use super::RateTable;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::accounts::Role;

/// Rows a pasted or uploaded rate file may hold.
pub const MAX_IMPORT_ROWS: usize = 5_000;

#[server(prefix = "/fn", endpoint = "org/rates")]
pub async fn load_rates() -> Result<RateTable, AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        super::queries::table(&admin.state.db).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "org/currency")]
pub async fn save_currency(currency: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        super::queries::set_currency(&admin.state.db, &currency, &admin.actor()).await?;
        leptos_axum::redirect("/admin/rates?flash=currency-saved");
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "org/rates/save")]
pub async fn save_rate(currency: String, from: String, rate: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let db = &admin.state.db;
        let org = super::queries::currency(db).await?;
        let checked = super::queries::check(&org, &currency, &from, &rate).map_err(|p| {
            AppError::fields(
                p.into_iter()
                    .map(|(f, m)| crate::error::FieldError::new(&f, m))
                    .collect(),
            )
        })?;
        super::queries::put(db, &[checked], &admin.actor()).await?;
        leptos_axum::redirect("/admin/rates?flash=rate-saved");
        Ok(())
    })
    .await
}

/// Reads rates from CSV text with the header `currency,from,rate`; every bad line is named and
/// nothing is saved unless all are good.
#[server(prefix = "/fn", endpoint = "org/rates/import")]
pub async fn import_rates(csv: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        let db = &admin.state.db;
        let org = super::queries::currency(db).await?;
        let rates = read_csv(&org, &csv).map_err(|m| AppError::field("csv", m))?;
        super::queries::put(db, &rates, &admin.actor()).await?;
        leptos_axum::redirect("/admin/rates?flash=rates-imported");
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "org/rates/delete")]
pub async fn delete_rate(currency: String, from: String) -> Result<(), AppError> {
    crate::accounts::guard::as_staff(Role::Admin, move |admin| async move {
        super::queries::delete(&admin.state.db, &currency, &from, &admin.actor()).await?;
        leptos_axum::redirect("/admin/rates?flash=rate-deleted");
        Ok(())
    })
    .await
}

/// Rates from CSV (`currency,from,rate`, a header first), or one message naming every bad
/// line.
#[cfg(feature = "ssr")]
pub fn read_csv(org: &str, text: &str) -> Result<Vec<super::ExchangeRate>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("The header cannot be read: {e}"))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if header != ["currency", "from", "rate"] {
        return Err("The first line must be the header currency,from,rate.".into());
    }
    let mut rates = Vec::new();
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if rates.len() + problems.len() >= MAX_IMPORT_ROWS {
            return Err(format!("Send at most {MAX_IMPORT_ROWS} rates at a time."));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != 3 {
            problems.push(format!(
                "line {line}: expected 3 values (currency, from, rate), found {}",
                record.len()
            ));
            continue;
        }
        match super::queries::check(org, &record[0], &record[1], &record[2]) {
            Ok(r) => rates.push(r),
            Err(p) => problems.extend(p.into_iter().map(|(f, m)| format!("line {line}, {f}: {m}"))),
        }
    }
    if !problems.is_empty() {
        return Err(format!("Nothing was saved. {}", problems.join("; ")));
    }
    if rates.is_empty() {
        return Err("The file holds no rates below its header.".into());
    }
    Ok(rates)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::read_csv;

    #[test]
    fn a_rate_file_is_read_whole_or_refused_line_by_line() {
        let rates = read_csv(
            "USD",
            "\u{feff}Currency,From,Rate\nEUR,2026-11-01,1.08\n\n jpy , 2026-11-01 , 0.0067\n",
        )
        .unwrap();
        assert_eq!(rates.len(), 2);
        assert_eq!(rates[1].currency, "JPY");
        assert_eq!(rates[1].rate, "0.0067");
        let refused = read_csv(
            "USD",
            "currency,from,rate\nEUR,2026-11-01,1.08\nXXX,2026-11-01,1\nGBP,11/01/2026,-2\nUSD,2026-11-01,1\n",
        )
        .unwrap_err();
        assert!(refused.starts_with("Nothing was saved."), "{refused}");
        for part in [
            "line 3, currency",
            "line 4, from",
            "line 4, rate",
            "line 5, currency",
        ] {
            assert!(refused.contains(part), "{part} missing from {refused}");
        }
        assert!(read_csv("USD", "code,day,value\nEUR,2026-11-01,1").is_err());
        assert!(read_csv("USD", "currency,from,rate\n").is_err());
    }
}
