//! Themes as kept: each is the set of phrases that place a text in it (a phrase in at most one
//! theme). Texts are placed by the kept phrases first; those no kept phrase places are grouped,
//! and the themes found among them are kept too — so a theme keeps its id from period to period,
//! and a rename, a merge or a split-off phrase applies to every text read afterwards.
use super::assign::{place, Placement};
use super::grouping::{self, Settings, Text};
use super::lexicon::Lexicon;
use super::sources::SourceText;
use super::text::{phrases, Phrase};
use super::{ThemeInfo, ThemePhrase};
use crate::audit::{Actor, Entry};
use crate::db::{begin_write, now_ms, Db, Tx};
use crate::error::AppError;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// The longest theme name.
pub const NAME_MAX: usize = 80;

/// Every kept phrase and its theme.
pub async fn known(conn: &mut AnyConnection) -> Result<HashMap<String, i64>, AppError> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT phrase, theme_id FROM theme_phrases")
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The curated lexicon with the organisation's own vocabulary.
pub async fn lexicon(conn: &mut AnyConnection) -> Result<Lexicon, AppError> {
    let mut lexicon = Lexicon::curated();
    let taught: Vec<(String, String)> =
        sqlx::query_as("SELECT concept, phrase FROM theme_vocabulary ORDER BY id")
            .fetch_all(conn)
            .await?;
    for (concept, phrase) in taught {
        lexicon.add(&concept, &phrase);
    }
    Ok(lexicon)
}

/// A name from a theme's strongest phrases: the first two, the second only if it adds a word.
pub fn auto_name(shown: &[String]) -> String {
    let mut name: Vec<&str> = Vec::new();
    for s in shown {
        if !name.iter().any(|n| n.contains(s.as_str())) {
            name.push(s);
        }
        if name.len() == 2 {
            break;
        }
    }
    name.join(" · ")
}

/// Where each of `texts` belongs. With `discover` (organisation-wide readings only, so a small
/// team's texts never define themes for everyone), texts no kept phrase places are grouped and
/// the themes found among them kept; every text is then placed by the kept phrases alone, so the
/// first reading counts exactly as every later one.
pub async fn place_all(
    db: &Db,
    texts: &[SourceText],
    discover: bool,
) -> Result<Vec<Vec<Placement>>, AppError> {
    let mut conn = db.acquire().await?;
    let lexicon = lexicon(&mut conn).await?;
    let mut known = known(&mut conn).await?;
    drop(conn);
    let found: Vec<Vec<(Phrase, String)>> =
        texts.iter().map(|t| phrases(&t.text, &lexicon)).collect();
    let left: Vec<usize> = (0..texts.len())
        .filter(|i| place(&found[*i], &known).is_empty())
        .collect();
    if discover && left.len() >= Settings::default().min_count {
        let unplaced: Vec<Text> = left
            .iter()
            .map(|&i| Text {
                id: i as i64,
                text: texts[i].text.clone(),
            })
            .collect();
        let (found_themes, _) = grouping::group(&unplaced, &lexicon, Settings::default());
        if !found_themes.is_empty() {
            let mut tx = begin_write(db).await?;
            lock(db, &mut tx).await?;
            // Another instance may have kept some of these phrases since they were read.
            let kept = self::known(&mut tx).await?;
            for theme in found_themes {
                let mut phrases = Vec::new();
                let mut shown = Vec::new();
                for p in theme
                    .phrases
                    .iter()
                    .filter(|p| !kept.contains_key(&p.stored()))
                {
                    // How the phrase was first written among the texts that hold it.
                    let written = match p {
                        Phrase::Concept(c) => c.clone(),
                        other => theme
                            .members
                            .iter()
                            .find_map(|m| {
                                found[left[m.index]]
                                    .iter()
                                    .find(|(q, _)| q == other)
                                    .map(|(_, w)| w.clone())
                            })
                            .unwrap_or_else(|| other.key().to_string()),
                    };
                    phrases.push(p.clone());
                    shown.push(written);
                }
                if !phrases.is_empty() {
                    keep(&mut tx, &phrases, &shown).await?;
                }
            }
            known = self::known(&mut tx).await?;
            super::rising::forget(&mut tx).await?;
            tx.commit().await?;
        }
    }
    Ok(found.iter().map(|f| place(f, &known)).collect())
}

/// Serialises every change to themes: on PostgreSQL a transaction-scoped advisory lock (on
/// SQLite the write transaction already holds the database's one write lock).
async fn lock(db: &Db, tx: &mut Tx) -> Result<(), AppError> {
    if crate::db::dialect(db) == crate::db::Dialect::Postgres {
        sqlx::query("SELECT CAST(pg_advisory_xact_lock(7310) AS TEXT)")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Keeps a newly found theme with its phrases; none when another instance kept them first.
async fn keep(tx: &mut Tx, phrases: &[Phrase], shown: &[String]) -> Result<Option<i64>, AppError> {
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO themes (name, named_by_staff, created_at, updated_at) VALUES ($1, 0, $2, $2)
         RETURNING id",
    )
    .bind(auto_name(shown))
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let mut kept = 0;
    for (position, (phrase, shown)) in phrases.iter().zip(shown).enumerate() {
        kept += sqlx::query(
            "INSERT INTO theme_phrases (phrase, theme_id, shown, position, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (phrase) DO NOTHING",
        )
        .bind(phrase.stored())
        .bind(id)
        .bind(shown.clone())
        .bind(position as i64)
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    if kept == 0 {
        sqlx::query("DELETE FROM themes WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        return Ok(None);
    }
    Ok(Some(id))
}

/// A kept theme, following merges to the theme it joined.
pub async fn theme(conn: &mut AnyConnection, id: i64) -> Result<ThemeInfo, AppError> {
    let mut id = id;
    for _ in 0..16 {
        let row: Option<(String, i64, Option<i64>)> =
            sqlx::query_as("SELECT name, named_by_staff, merged_into FROM themes WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((name, named, merged_into)) = row else {
            break;
        };
        if let Some(next) = merged_into {
            id = next;
            continue;
        }
        let phrases: Vec<(String, String)> = sqlx::query_as(
            "SELECT phrase, shown FROM theme_phrases WHERE theme_id = $1 ORDER BY position, phrase",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        return Ok(ThemeInfo {
            id,
            name,
            named_by_staff: named != 0,
            phrases: phrases
                .into_iter()
                .map(|(key, shown)| ThemePhrase { key, shown })
                .collect(),
        });
    }
    Err(AppError::NotFound("That theme".into()))
}

/// The names of the current themes, by id.
pub async fn names(conn: &mut AnyConnection) -> Result<HashMap<i64, String>, AppError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM themes WHERE merged_into IS NULL")
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}

/// A name as staff typed it, checked.
fn parse_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::field("name", "Give the theme a name."));
    }
    if name.chars().count() > NAME_MAX {
        return Err(AppError::field(
            "name",
            format!("A theme name is at most {NAME_MAX} characters."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(AppError::field(
            "name",
            "A theme name is one line of text without control characters.",
        ));
    }
    Ok(name.to_string())
}

/// The current (not merged) theme `id` inside a write, or not found.
async fn current(tx: &mut Tx, id: i64) -> Result<(String, bool), AppError> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT name, named_by_staff FROM themes WHERE id = $1 AND merged_into IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|(n, s)| (n, s != 0))
        .ok_or_else(|| AppError::NotFound("That theme".into()))
}

pub async fn rename(db: &Db, id: i64, name: &str, actor: &Actor) -> Result<(), AppError> {
    let name = parse_name(name)?;
    let mut tx = begin_write(db).await?;
    lock(db, &mut tx).await?;
    let (before, _) = current(&mut tx, id).await?;
    sqlx::query("UPDATE themes SET name = $1, named_by_staff = 1, updated_at = $2 WHERE id = $3")
        .bind(name.clone())
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Entry::new(actor, "theme.rename", "theme")
        .id(id)
        .before(&before)
        .after(&name)
        .write(&mut *tx)
        .await?;
    super::rising::forget(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves every phrase of theme `id` to theme `into`; `id` then leads to `into`.
pub async fn merge(db: &Db, id: i64, into: i64, actor: &Actor) -> Result<(), AppError> {
    if id == into {
        return Err(AppError::field(
            "into",
            "Choose another theme to merge into.",
        ));
    }
    let mut tx = begin_write(db).await?;
    lock(db, &mut tx).await?;
    current(&mut tx, id).await?;
    if current(&mut tx, into).await.is_err() {
        return Err(AppError::field(
            "into",
            "That theme does not exist any more.",
        ));
    }
    let last: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(MAX(position), -1) AS BIGINT) FROM theme_phrases WHERE theme_id = $1",
    )
    .bind(into)
    .fetch_one(&mut *tx)
    .await?;
    let now = now_ms();
    sqlx::query(
        "UPDATE theme_phrases SET theme_id = $1, position = position + $2 WHERE theme_id = $3",
    )
    .bind(into)
    .bind(last + 1)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE themes SET merged_into = $1, updated_at = $2 WHERE id = $3 OR merged_into = $3",
    )
    .bind(into)
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    Entry::new(actor, "theme.merge", "theme")
        .id(id)
        .after(&into)
        .write(&mut *tx)
        .await?;
    super::rising::forget(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes `phrase` (a stored key) out of theme `id` into a theme of its own; returns its id.
pub async fn split(db: &Db, id: i64, phrase: &str, actor: &Actor) -> Result<i64, AppError> {
    let mut tx = begin_write(db).await?;
    lock(db, &mut tx).await?;
    let (_, named_by_staff) = current(&mut tx, id).await?;
    let phrases: Vec<(String, String)> = sqlx::query_as(
        "SELECT phrase, shown FROM theme_phrases WHERE theme_id = $1 ORDER BY position, phrase",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let Some((_, shown)) = phrases.iter().find(|(p, _)| p == phrase) else {
        return Err(AppError::field(
            "phrase",
            "That phrase is not in this theme.",
        ));
    };
    if phrases.len() < 2 {
        return Err(AppError::field(
            "phrase",
            "This is the theme's only phrase: rename the theme instead.",
        ));
    }
    let now = now_ms();
    let new_id: i64 = sqlx::query_scalar(
        "INSERT INTO themes (name, named_by_staff, created_at, updated_at) VALUES ($1, 0, $2, $2)
         RETURNING id",
    )
    .bind(shown.clone())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE theme_phrases SET theme_id = $1, position = 0 WHERE phrase = $2")
        .bind(new_id)
        .bind(phrase)
        .execute(&mut *tx)
        .await?;
    if !named_by_staff {
        let rest: Vec<String> = phrases
            .iter()
            .filter(|(p, _)| p != phrase)
            .map(|(_, s)| s.clone())
            .collect();
        sqlx::query("UPDATE themes SET name = $1, updated_at = $2 WHERE id = $3")
            .bind(auto_name(&rest))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Entry::new(actor, "theme.split", "theme")
        .id(id)
        .after(&serde_json::json!({ "phrase": phrase, "theme": new_id }))
        .write(&mut *tx)
        .await?;
    super::rising::forget(&mut tx).await?;
    tx.commit().await?;
    Ok(new_id)
}

/// Teaches the lexicon another way of saying `concept`; the concept gets a theme of its own
/// unless one holds it already. Returns that theme's id.
pub async fn teach(db: &Db, concept: &str, phrase: &str, actor: &Actor) -> Result<i64, AppError> {
    let tidy = |v: &str| {
        v.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let (concept, phrase) = (tidy(concept), tidy(phrase));
    let mut errors = Vec::new();
    for (field, value, max) in [("concept", &concept, 60), ("phrase", &phrase, 80)] {
        if value.is_empty() {
            errors.push(crate::error::FieldError::new(field, "Fill this in."));
        } else if value.chars().count() > max || value.chars().any(char::is_control) {
            errors.push(crate::error::FieldError::new(
                field,
                format!("At most {max} characters on one line."),
            ));
        }
    }
    if errors.is_empty() {
        let mut probe = Lexicon::default();
        probe.add(&concept, &phrase);
        let stems: Vec<String> = super::text::words(&phrase)
            .into_iter()
            .map(|w| w.stem)
            .collect();
        let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
        if probe.matches(&stems).is_empty() {
            errors.push(crate::error::FieldError::new(
                "phrase",
                "Those words are too common to mean anything on their own: add the word that matters (\"still waiting for a refund\", not \"still waiting\").",
            ));
        }
        let mut conn = db.acquire().await?;
        let known = lexicon(&mut conn).await?;
        if let Some((_, _, other)) = known
            .matches(&stems)
            .into_iter()
            .find(|(at, len, other)| *at == 0 && *len == stems.len() && *other != concept.as_str())
        {
            errors.push(crate::error::FieldError::new(
                "phrase",
                format!("The vocabulary already reads that as “{other}”."),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::fields(errors));
    }
    let mut tx = begin_write(db).await?;
    lock(db, &mut tx).await?;
    let now = now_ms();
    sqlx::query(
        "INSERT INTO theme_vocabulary (concept, phrase, created_by_label, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (concept, phrase) DO NOTHING",
    )
    .bind(concept.clone())
    .bind(phrase.clone())
    .bind(actor.label.clone())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let key = Phrase::Concept(concept.clone()).stored();
    let held: Option<i64> =
        sqlx::query_scalar("SELECT theme_id FROM theme_phrases WHERE phrase = $1")
            .bind(key.clone())
            .fetch_optional(&mut *tx)
            .await?;
    let id = match held {
        Some(id) => id,
        None => {
            let id = keep(
                &mut tx,
                &[Phrase::Concept(concept.clone())],
                std::slice::from_ref(&concept),
            )
            .await?
            .ok_or_else(|| {
                AppError::Conflict("Someone taught this at the same moment; try again.".into())
            })?;
            id
        }
    };
    Entry::new(actor, "theme.vocabulary", "theme")
        .id(id)
        .after(&serde_json::json!({ "concept": concept, "phrase": phrase }))
        .write(&mut *tx)
        .await?;
    super::rising::forget(&mut tx).await?;
    tx.commit().await?;
    Ok(id)
}

/// Every current theme's name and phrases as shown, strongest first.
pub async fn summaries(
    conn: &mut AnyConnection,
) -> Result<HashMap<i64, (String, Vec<String>)>, AppError> {
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT t.id, t.name, p.shown FROM themes t
         LEFT JOIN theme_phrases p ON p.theme_id = t.id
         WHERE t.merged_into IS NULL ORDER BY t.id, p.position, p.phrase",
    )
    .fetch_all(conn)
    .await?;
    let mut out: HashMap<i64, (String, Vec<String>)> = HashMap::new();
    for (id, name, shown) in rows {
        let entry = out.entry(id).or_insert_with(|| (name, Vec::new()));
        entry.1.extend(shown);
    }
    Ok(out)
}
