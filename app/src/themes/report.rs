//! The themes of a period and scope with their figures, and the texts behind each. Texts are
//! read for the period, the period before (the change) and the four weeks before (the usual
//! volume, for rising themes), and placed all at once, so every figure counts the same
//! placements its drill-down lists.
use super::assign::Placement;
use super::period::Period;
use super::sources::{self, Source, SourceText};
use super::{store, CategoryCount, Choice, ThemeComments, ThemeList, ThemeSummary, ThemeText};
use super::{RISING_FACTOR, RISING_MIN};
use crate::db::Db;
use crate::error::AppError;
use crate::feedback::figures::{Counts, FeedbackFigures};
use crate::feedback::{Assessment, ScoreType};
use crate::org::scope::StaffScope;
use chrono_tz::Tz;
use std::collections::{BTreeMap, HashMap};

/// Texts listed per page of a theme's drill-down.
pub const PAGE_SIZE: i64 = 25;
/// Sample texts per theme.
const SAMPLES: usize = 3;

/// Texts of the period and the weeks before, placed.
struct Placed {
    tz: Tz,
    period: Period,
    texts: Vec<SourceText>,
    placed: Vec<Vec<Placement>>,
}

impl Placed {
    async fn read(
        db: &Db,
        (from, to): (&str, &str),
        scope: StaffScope,
        now: i64,
    ) -> Result<Self, AppError> {
        let tz = crate::org::clock::time_zone(db).await?;
        let period = Period::parse(from, to, tz, now)?;
        let first = period.previous().first.min(period.usual().first);
        let window = (crate::org::clock::start_of(tz, first), period.range(tz).1);
        let texts = {
            let mut conn = db.acquire().await?;
            sources::read(&mut conn, window, scope).await?
        };
        let placed = store::place_all(db, &texts, scope == StaffScope::Organisation).await?;
        Ok(Self {
            tz,
            period,
            texts,
            placed,
        })
    }

    /// The indices of the texts in `period`.
    fn within(&self, period: Period) -> impl Iterator<Item = usize> + '_ {
        let (start, end) = period.range(self.tz);
        (0..self.texts.len()).filter(move |&i| self.texts[i].at >= start && self.texts[i].at < end)
    }
}

fn team_of(scope: StaffScope) -> Option<i64> {
    match scope {
        StaffScope::Team(t) => Some(t),
        _ => None,
    }
}

/// The themes of the period `from`..`to` (days, both included; the last complete week when
/// empty) within `scope`, largest first.
pub async fn list(
    db: &Db,
    (from, to): (&str, &str),
    scope: StaffScope,
    now: i64,
) -> Result<ThemeList, AppError> {
    let p = Placed::read(db, (from, to), scope, now).await?;
    let mut conn = db.acquire().await?;
    let kept = store::summaries(&mut conn).await?;
    drop(conn);
    let count_in = |period: Period| {
        let mut counts: HashMap<i64, i64> = HashMap::new();
        for i in p.within(period) {
            for placement in &p.placed[i] {
                *counts.entry(placement.theme).or_default() += 1;
            }
        }
        counts
    };
    let previous = count_in(p.period.previous());
    let usual = count_in(p.period.usual());
    let scale = p.period.days() as f64 / 28.0;

    #[derive(Default)]
    struct Acc {
        count: i64,
        answers: Counts,
        unhappy: i64,
        categories: BTreeMap<(i64, String), i64>,
        samples: Vec<String>,
        ids: BTreeMap<Source, Vec<i64>>,
    }
    let mut acc: HashMap<i64, Acc> = HashMap::new();
    let mut texts = 0;
    let mut unthemed = 0;
    for i in p.within(p.period) {
        texts += 1;
        if p.placed[i].is_empty() {
            unthemed += 1;
        }
        let t = &p.texts[i];
        for placement in &p.placed[i] {
            let a = acc.entry(placement.theme).or_default();
            a.count += 1;
            if let Some((kind, score, assessment)) = &t.answer {
                let kind = ScoreType::decode(kind, "feedback", t.id)?;
                let assessment = Assessment::decode(assessment, "feedback", t.id)?;
                a.answers.add_answer((kind, *score, assessment));
                a.unhappy += i64::from(assessment == Assessment::Unhappy);
            }
            if let Some(c) = &t.category {
                *a.categories.entry(c.clone()).or_default() += 1;
            }
            if a.samples.len() < SAMPLES {
                a.samples.push(t.text.clone());
            }
            a.ids.entry(t.source).or_default().push(t.id);
        }
    }
    let mut themes: Vec<ThemeSummary> = acc
        .into_iter()
        .map(|(id, a)| {
            let (name, phrases) = kept.get(&id).cloned().unwrap_or_default();
            let figures = FeedbackFigures::from_counts(&a.answers);
            let usual_count =
                (usual.get(&id).copied().unwrap_or(0) as f64 * scale * 10.0).round() / 10.0;
            let mut categories: Vec<CategoryCount> = a
                .categories
                .into_iter()
                .map(|((id, name), count)| CategoryCount { id, name, count })
                .collect();
            categories.sort_by(|x, y| y.count.cmp(&x.count).then(x.name.cmp(&y.name)));
            let ids = |s: Source| a.ids.get(&s).cloned().unwrap_or_default();
            ThemeSummary {
                id,
                name,
                phrases,
                count: a.count,
                previous_count: previous.get(&id).copied().unwrap_or(0),
                usual_count,
                rising: is_rising(a.count, usual_count),
                answers: a.answers.answers,
                lukewarm_share: figures.lukewarm_share,
                unhappy_share: (a.answers.answers > 0)
                    .then(|| (a.unhappy as f64 * 1000.0 / a.answers.answers as f64).round() / 10.0),
                nps: figures.nps,
                csat: figures.csat,
                categories,
                samples: a.samples,
                comment_ids: ids(Source::Feedback),
                follow_up_ids: ids(Source::FollowUp),
                incident_ids: ids(Source::Incident),
            }
        })
        .collect();
    themes.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.name.cmp(&b.name))
            .then(a.id.cmp(&b.id))
    });
    let teams = crate::org::teams::names(db)
        .await?
        .into_iter()
        .map(|(id, name)| Choice { id, name })
        .collect();
    Ok(ThemeList {
        from: p.period.first.to_string(),
        to: p.period.last.to_string(),
        team: team_of(scope),
        themes,
        texts,
        unthemed,
        teams,
    })
}

/// Rising: well above the usual volume, and not a handful of texts.
pub fn is_rising(count: i64, usual: f64) -> bool {
    count >= RISING_MIN && count as f64 >= RISING_FACTOR * usual.max(1.0)
}

/// What the drill-down narrows a theme's texts to.
#[derive(Clone, Debug, Default)]
pub struct TextFilter {
    pub kind: Option<Source>,
    pub assessment: Option<Assessment>,
    pub category: Option<i64>,
}

impl TextFilter {
    pub fn parse(kind: &str, assessment: &str, category: &str) -> Result<Self, AppError> {
        let kind = match kind.trim() {
            "" => None,
            k => Some(Source::parse(k).ok_or_else(|| {
                AppError::field("kind", "Choose feedback, follow_up or incident.")
            })?),
        };
        let assessment = match assessment.trim() {
            "" => None,
            a => Some(Assessment::parse(a).ok_or_else(|| {
                AppError::field("assessment", "Choose unhappy, lukewarm or fine.")
            })?),
        };
        let category = AppError::optional_id(category, "category")?;
        Ok(Self {
            kind,
            assessment,
            category,
        })
    }

    fn keeps(&self, t: &SourceText) -> bool {
        self.kind.is_none_or(|k| k == t.source)
            && self.assessment.is_none_or(|a| {
                t.answer
                    .as_ref()
                    .is_some_and(|(_, _, said)| said == a.as_str())
            })
            && self
                .category
                .is_none_or(|c| t.category.as_ref().is_some_and(|(id, _)| *id == c))
    }
}

/// One page of theme `id`'s texts in the period, newest first, narrowed by `filter`.
pub async fn comments(
    db: &Db,
    id: i64,
    (from, to): (&str, &str),
    scope: StaffScope,
    filter: &TextFilter,
    page: i64,
    now: i64,
) -> Result<ThemeComments, AppError> {
    let page = crate::db::page_number(page)?;
    let theme = {
        let mut conn = db.acquire().await?;
        store::theme(&mut conn, id).await?
    };
    let p = Placed::read(db, (from, to), scope, now).await?;
    let mut matching: Vec<(usize, &Placement)> = p
        .within(p.period)
        .filter_map(|i| {
            p.placed[i]
                .iter()
                .find(|pl| pl.theme == theme.id)
                .map(|pl| (i, pl))
        })
        .filter(|(i, _)| filter.keeps(&p.texts[*i]))
        .collect();
    matching.sort_by_key(|(i, _)| {
        std::cmp::Reverse((p.texts[*i].at, p.texts[*i].source, p.texts[*i].id))
    });
    let total = matching.len() as i64;
    let items = matching
        .into_iter()
        .skip(((page - 1) * PAGE_SIZE) as usize)
        .take(PAGE_SIZE as usize)
        .map(|(i, pl)| {
            let t = &p.texts[i];
            ThemeText {
                kind: t.source.as_str().to_string(),
                id: t.id,
                at: t.at,
                text: t.text.clone(),
                because: pl.because.clone(),
                customer_id: t.customer_id,
                customer_name: t.customer_name.clone(),
                score_type: t.answer.as_ref().map(|a| a.0.clone()),
                score: t.answer.as_ref().map(|a| a.1),
                assessment: t.answer.as_ref().map(|a| a.2.clone()),
                category: t.category.as_ref().map(|c| c.1.clone()),
                link: t.link(),
            }
        })
        .collect();
    let mut conn = db.acquire().await?;
    let mut others: Vec<Choice> = store::names(&mut conn)
        .await?
        .into_iter()
        .filter(|(other, _)| *other != theme.id)
        .map(|(id, name)| Choice { id, name })
        .collect();
    others.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(ThemeComments {
        theme,
        from: p.period.first.to_string(),
        to: p.period.last.to_string(),
        team: team_of(scope),
        kind: filter.kind.map(|k| k.as_str().to_string()),
        assessment: filter.assessment.map(|a| a.as_str().to_string()),
        category: filter.category,
        items,
        total,
        page,
        page_size: PAGE_SIZE,
        others,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_rises_well_above_its_usual_volume_and_not_on_a_handful() {
        assert!(is_rising(6, 2.0));
        assert!(!is_rising(5, 3.0));
        assert!(is_rising(3, 0.0), "new and at the minimum");
        assert!(!is_rising(2, 0.0), "below the minimum");
        assert!(!is_rising(4, 2.5));
    }
}
