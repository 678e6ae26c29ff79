//! The weekly report: every figure a manager reviews for one ISO week and one scope, with the
//! change against the week before and a link to the records behind it. The figures come from
//! the modules that define them (incidents here, feedback, stories, loyalty); this module only
//! gathers and lays them out.
#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod aggregates;
pub mod api;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod lists;
#[cfg(feature = "ssr")]
pub mod menu;
pub mod metrics;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod this_week;
#[cfg(feature = "ssr")]
pub mod weekly;

use crate::feedback::figures::FeedbackFigures;
use crate::loyalty::RecoveryReturn;
use crate::org::money::Unconverted;
use crate::org::scope::StaffScope;
use crate::stories::StoryFigures;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Incident figures for a week.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IncidentFigures {
    /// Detected in the week.
    pub opened: i64,
    /// Of those, detected before the customer complained.
    pub proactive: i64,
    /// proactive ÷ opened, in %.
    pub proactive_share: Option<f64>,
    /// Resolved in the week.
    pub resolved: i64,
    /// Hours from detection to resolution of those resolved in the week.
    pub recovery_hours_median: Option<f64>,
    /// Nearest-rank 90th percentile of the same.
    pub recovery_hours_p90: Option<f64>,
    /// Refunds, credits and reshipments applied in the week, in minor units.
    pub recovery_spend_minor: i64,
}

/// Referral and advocacy figures for a week.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdvocacyFigures {
    pub referrals: i64,
    pub conversions: i64,
    /// Orders of referred customers in the week, and revenue staff recorded for prospects.
    pub referral_revenue_minor: i64,
    /// People reached by reviews, posts and testimonials in the week.
    pub audience_reached: i64,
}

/// Everything measured for one week and one scope.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WeekFigures {
    pub week: String,
    pub incidents: IncidentFigures,
    pub feedback: FeedbackFigures,
    pub stories: StoryFigures,
    pub advocacy: AdvocacyFigures,
    /// For recoveries in the 52 weeks up to the end of this week.
    pub recovery_return: RecoveryReturn,
    /// Amounts a money figure left out for want of a rate: stored figure ("spend",
    /// "referral_revenue") → currency → how many.
    pub unrated: BTreeMap<String, BTreeMap<String, i64>>,
}

/// One figure as the page, the CSV export and the API show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Figure {
    pub key: String,
    pub group: String,
    pub label: String,
    /// "count", "percent", "hours", "money" (minor units), "score", "mean" (one decimal) or
    /// "ratio".
    pub unit: String,
    pub value: Option<f64>,
    pub previous: Option<f64>,
    /// value − previous, when both exist.
    pub change: Option<f64>,
    /// The list of records behind the figure, with its filters.
    pub href: String,
    /// The API list holding exactly the records the figure counts (the page list's filters,
    /// read the same way), where that list has an API; its `total` equals a count figure.
    #[serde(default)]
    pub records: Option<String>,
    /// For money: amounts in other currencies that had no exchange rate on their date, left
    /// out of `value` and counted here per currency.
    #[serde(default)]
    pub unconverted: Vec<Unconverted>,
}

/// One week of the twelve-week trend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrendWeek {
    pub week: String,
    /// Values in the order of `WeeklyReport::trend_keys`.
    pub values: Vec<Option<f64>>,
}

/// One row of a list: what it is, why it is there, and where to act on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ListRow {
    pub title: String,
    pub detail: String,
    pub note: String,
    pub href: String,
}

/// A list on the weekly report: its first rows and how many there are in all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct List {
    /// "at_risk", "overdue_follow_ups", "approvals", "spotlights" or "without_story".
    pub key: String,
    pub title: String,
    /// How many there are in all, up to `lists::COUNT_CAP`.
    pub total: i64,
    /// There are more than `total` (the count stopped at the cap).
    pub more: bool,
    pub rows: Vec<ListRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WeeklyLists {
    pub lists: Vec<List>,
}

/// The weekly report for one week and scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeeklyReport {
    pub week: String,
    pub previous_week: String,
    /// The week's bounds in epoch milliseconds (organisation time zone).
    pub from: i64,
    pub to: i64,
    pub scope: StaffScope,
    pub scope_name: String,
    pub currency: String,
    pub figures: Vec<Figure>,
    pub trend_keys: Vec<String>,
    pub trend: Vec<TrendWeek>,
    pub lists: WeeklyLists,
}

/// Pages figures link to that only managers may open.
const MANAGER_PAGES: [&str; 1] = ["/customers/return-on-recovery"];

impl WeeklyReport {
    /// The report with no link to a page `role` may not open (the figure stays, unlinked).
    pub fn linked_for(mut self, role: crate::accounts::Role) -> Self {
        if !role.at_least(crate::accounts::Role::Manager) {
            for f in &mut self.figures {
                if MANAGER_PAGES.iter().any(|p| f.href.starts_with(p)) {
                    f.href.clear();
                }
                f.unconverted
                    .retain(|u| !MANAGER_PAGES.iter().any(|p| u.href.starts_with(p)));
            }
        }
        self
    }
}

/// The figures drawn as twelve-week trends.
pub const TREND_KEYS: [&str; 7] = [
    "incidents_opened",
    "proactive_share",
    "recovery_hours_median",
    "nps",
    "ces",
    "lukewarm_share",
    "stories",
];

/// (key, group, label, unit, how to read it, link)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    fn(&WeekFigures) -> Option<f64>,
    String,
);

/// Lays out a week's figures against the week before, each with its link.
pub fn figures_of(now: &WeekFigures, before: &WeekFigures, scope: StaffScope) -> Vec<Figure> {
    let w = &now.week;
    let staff = assignee_filter(scope);
    let storyteller = match scope {
        StaffScope::Associate(a) => format!("&associate={a}"),
        StaffScope::Team(t) => format!("&team={t}"),
        StaffScope::Organisation => String::new(),
    };
    let rows: Vec<Row> = vec![
        (
            "incidents_opened",
            "Incidents",
            "Incidents opened",
            "count",
            |f| count(f.incidents.opened),
            format!("/incidents?week={w}{staff}"),
        ),
        (
            "incidents_resolved",
            "Incidents",
            "Incidents resolved",
            "count",
            |f| count(f.incidents.resolved),
            format!("/incidents?resolved_week={w}{staff}"),
        ),
        (
            "proactive_share",
            "Incidents",
            "Caught before a complaint",
            "percent",
            |f| f.incidents.proactive_share,
            format!("/incidents?week={w}&proactive=true{staff}"),
        ),
        (
            "recovery_hours_median",
            "Incidents",
            "Median time to recover",
            "hours",
            |f| f.incidents.recovery_hours_median,
            format!("/incidents?resolved_week={w}{staff}"),
        ),
        (
            "recovery_hours_p90",
            "Incidents",
            "90th percentile time to recover",
            "hours",
            |f| f.incidents.recovery_hours_p90,
            format!("/incidents?resolved_week={w}{staff}"),
        ),
        (
            "recovery_spend",
            "Incidents",
            "Recovery spend",
            "money",
            |f| count(f.incidents.recovery_spend_minor),
            format!("/incidents?spend_week={w}{staff}"),
        ),
        (
            "feedback_answers",
            "Feedback",
            "Feedback answers",
            "count",
            |f| count(f.feedback.count),
            format!("/feedback?week={w}{staff}"),
        ),
        (
            "nps",
            "Feedback",
            "NPS",
            "score",
            |f| f.feedback.nps.map(|n| n as f64),
            format!("/feedback?week={w}&score_type=nps{staff}"),
        ),
        (
            "csat",
            "Feedback",
            "CSAT (4–5 of 5)",
            "percent",
            |f| f.feedback.csat,
            format!("/feedback?week={w}&score_type=csat{staff}"),
        ),
        (
            "ces",
            "Feedback",
            "CES (5–7 of 7: easy)",
            "percent",
            |f| f.feedback.ces,
            format!("/feedback?week={w}&score_type=ces{staff}"),
        ),
        (
            "ces_mean",
            "Feedback",
            "CES, mean answer (1–7)",
            "mean",
            |f| f.feedback.ces_mean,
            format!("/feedback?week={w}&score_type=ces{staff}"),
        ),
        (
            "lukewarm_share",
            "Feedback",
            "Lukewarm share",
            "percent",
            |f| f.feedback.lukewarm_share,
            format!("/feedback?week={w}&assessment=lukewarm{staff}"),
        ),
        (
            "follow_ups_on_time",
            "Feedback",
            "Follow-ups closed within the service level",
            "count",
            |f| count(f.feedback.closed_within_sla),
            format!("/follow-ups?queue=closed&closed_week={w}&due=on_time{staff}"),
        ),
        (
            "follow_ups_overdue",
            "Feedback",
            "Follow-ups overdue at the week's end",
            "count",
            |f| count(f.feedback.overdue),
            format!("/follow-ups?queue=all&overdue_week={w}{staff}"),
        ),
        (
            "good_hid_problem",
            "Feedback",
            "“Good” hid a problem",
            "percent",
            |f| f.feedback.good_hid_problem_rate,
            // Its denominator, each row showing whether a problem was found.
            format!("/follow-ups?queue=closed&closed_week={w}&assessment=lukewarm&reached=true{staff}"),
        ),
        (
            "unreachable",
            "Feedback",
            "Lukewarm follow-ups that could not reach the customer",
            "count",
            |f| count(f.feedback.unreachable),
            format!("/follow-ups?queue=closed&closed_week={w}&assessment=lukewarm&outcome=unreachable{staff}"),
        ),
        (
            "stories",
            "Stories",
            "Extra-mile stories",
            "count",
            |f| count(f.stories.stories),
            format!("/stories?week={w}{storyteller}"),
        ),
        (
            "associates_with_story",
            "Stories",
            "Associates with a story",
            "count",
            |f| count(f.stories.associates_with_story),
            // The week's stories, which name their associates: a page every viewer of the
            // report may open (story cadence is for managers).
            format!("/stories?week={w}{storyteller}"),
        ),
        (
            "kudos",
            "Stories",
            "Kudos given",
            "count",
            |f| count(f.stories.kudos),
            // The stories given kudos in the week, each counting only those.
            format!("/stories?kudos_week={w}&sort=kudos{storyteller}"),
        ),
        (
            "spotlighted",
            "Stories",
            "Stories spotlighted",
            "count",
            |f| count(f.stories.spotlighted),
            format!("/stories?spotlight_week={w}{storyteller}"),
        ),
        (
            "referrals",
            "Advocacy",
            "Referrals",
            "count",
            |f| count(f.advocacy.referrals),
            format!("/customers/referrals?week={w}{staff}"),
        ),
        (
            "conversions",
            "Advocacy",
            "Referrals converted",
            "count",
            |f| count(f.advocacy.conversions),
            format!("/customers/referrals?week={w}&converted=true{staff}"),
        ),
        (
            "referral_revenue",
            "Advocacy",
            "Referral revenue",
            "money",
            |f| count(f.advocacy.referral_revenue_minor),
            format!("/customers/referral-revenue?week={w}{staff}"),
        ),
        (
            "audience_reached",
            "Advocacy",
            "Audience reached",
            "count",
            |f| count(f.advocacy.audience_reached),
            // The week's posts, each with its audience.
            format!("/customers/posts?week={w}{staff}"),
        ),
        (
            "return_on_recovery",
            "Advocacy",
            "Return on recovery (52 weeks)",
            "ratio",
            |f| return_ratio(&f.recovery_return),
            format!("/customers/return-on-recovery?period={w}{staff}"),
        ),
    ];
    rows.into_iter()
        .map(|(key, group, label, unit, read, href)| {
            let value = read(now);
            let previous = read(before);
            Figure {
                key: key.into(),
                group: group.into(),
                label: label.into(),
                unit: unit.into(),
                value,
                previous,
                change: metrics::change(value, previous),
                records: records_of(&href),
                href,
                unconverted: unconverted(key, now, scope),
            }
        })
        .collect()
}

/// The list pages whose lists the API serves with the same filters, and where.
const LIST_APIS: [(&str, &str); 8] = [
    ("/incidents?", "/api/v1/incidents?"),
    ("/feedback?", "/api/v1/feedback?"),
    ("/follow-ups?", "/api/v1/follow-ups?"),
    ("/stories?", "/api/v1/stories?"),
    ("/customers/referrals?", "/api/v1/referrals?"),
    ("/customers/posts?", "/api/v1/posts?"),
    ("/customers/referral-revenue?", "/api/v1/referral-revenue?"),
    ("/customers/return-on-recovery?", "/api/v1/recoveries?"),
];

/// The API URL of the list a figure's page link opens, if the API serves it.
fn records_of(href: &str) -> Option<String> {
    LIST_APIS
        .iter()
        .find_map(|(page, api)| href.strip_prefix(page).map(|q| format!("{api}{q}")))
}

/// The staff lists' (incidents, feedback, follow-ups) filter for a scope's owners.
fn assignee_filter(scope: StaffScope) -> String {
    match scope {
        StaffScope::Associate(a) => format!("&assignee={a}"),
        StaffScope::Team(t) => format!("&team={t}"),
        StaffScope::Organisation => String::new(),
    }
}

/// The amounts a money figure left out, each currency's linked to its records.
fn unconverted(key: &str, f: &WeekFigures, scope: StaffScope) -> Vec<Unconverted> {
    let w = &f.week;
    let staff = assignee_filter(scope);
    let per_currency: BTreeMap<String, i64> = match key {
        "recovery_spend" => f.unrated.get("spend").cloned().unwrap_or_default(),
        "referral_revenue" => f
            .unrated
            .get("referral_revenue")
            .cloned()
            .unwrap_or_default(),
        "return_on_recovery" => f.recovery_return.unrated_by_currency(),
        _ => return Vec::new(),
    };
    per_currency
        .into_iter()
        .map(|(currency, amounts)| Unconverted {
            href: match key {
                "recovery_spend" => format!("/incidents?spend_week={w}&currency={currency}{staff}"),
                "referral_revenue" => {
                    format!("/customers/referral-revenue?week={w}&currency={currency}{staff}")
                }
                _ => format!("/customers/return-on-recovery?period={w}{staff}"),
            },
            currency,
            amounts,
        })
        .collect()
}

fn count(v: i64) -> Option<f64> {
    Some(v as f64)
}

/// What followed recoveries (orders and referred revenue, coincident in time) per unit spent.
pub fn return_ratio(r: &RecoveryReturn) -> Option<f64> {
    (r.spend_minor > 0).then(|| {
        let back = (r.revenue_after_minor + r.referral_revenue_after_minor) as f64;
        (back / r.spend_minor as f64 * 10.0).round() / 10.0
    })
}

/// A figure's value as text: "—" when there is nothing to measure.
pub fn show(unit: &str, value: Option<f64>, currency: &str) -> String {
    let Some(v) = value else {
        return "—".into();
    };
    match unit {
        "percent" => format!("{v:.0}%"),
        "hours" => format!("{v:.1} h"),
        "money" => crate::common::money::Money {
            minor: v as i64,
            currency: currency.into(),
        }
        .display(),
        "ratio" => format!("{v:.1}×"),
        "mean" => format!("{v:.1}"),
        _ => format!("{v:.0}"),
    }
}

/// The change as text with its sign ("+3", "−2.5 pts", "no change").
pub fn show_change(unit: &str, change: Option<f64>, currency: &str) -> String {
    let Some(c) = change else {
        return "no earlier figure".into();
    };
    if c == 0.0 {
        return "no change".into();
    }
    let sign = if c > 0.0 { "+" } else { "−" };
    let size = match unit {
        "percent" => format!("{:.1} pts", c.abs()),
        _ => show(unit, Some(c.abs()), currency),
    };
    format!("{sign}{size}")
}

/// A scope the viewer may open: its query string ("" = organisation) and its name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScopeOption {
    pub query: String,
    pub label: String,
}

/// The scope menu lists everyone while the organisation has at most this many people; past it,
/// the people of the team in view (hundreds of names in one menu serve no one, and every
/// report page would carry them).
pub const MENU_PEOPLE: i64 = 60;

/// The weekly report's scope menu: the organisation and teams, then people.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScopeMenu {
    pub scopes: Vec<ScopeOption>,
    pub people: Vec<ScopeOption>,
    /// What the people are: everyone, or the people of the team in view.
    pub people_heading: String,
    /// Only the team in view's people are listed (the organisation is larger than the menu).
    pub by_team: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(opened: i64, nps: Option<i64>) -> WeekFigures {
        WeekFigures {
            week: "2026-W47".into(),
            incidents: IncidentFigures {
                opened,
                ..Default::default()
            },
            feedback: FeedbackFigures {
                nps,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn figures_carry_the_change_and_their_links() {
        let figures = figures_of(
            &week(12, Some(40)),
            &week(9, None),
            StaffScope::Associate(4),
        );
        let opened = figures
            .iter()
            .find(|f| f.key == "incidents_opened")
            .unwrap();
        assert_eq!(
            (opened.value, opened.previous, opened.change),
            (Some(12.0), Some(9.0), Some(3.0))
        );
        assert_eq!(opened.href, "/incidents?week=2026-W47&assignee=4");
        let nps = figures.iter().find(|f| f.key == "nps").unwrap();
        assert_eq!((nps.value, nps.change), (Some(40.0), None));
        assert!(TREND_KEYS
            .iter()
            .all(|k| figures.iter().any(|f| f.key == *k)));
    }

    #[test]
    fn return_ratio_and_text() {
        let r = RecoveryReturn {
            spend_minor: 400,
            revenue_after_minor: 4200,
            referral_revenue_after_minor: 7500,
            ..Default::default()
        };
        assert_eq!(return_ratio(&r), Some(29.3));
        assert_eq!(return_ratio(&RecoveryReturn::default()), None);
        assert_eq!(show("percent", Some(33.3), "USD"), "33%");
        assert_eq!(show_change("percent", Some(-2.5), "USD"), "−2.5 pts");
        assert_eq!(show_change("count", Some(3.0), "USD"), "+3");
        assert_eq!(show_change("money", Some(150.0), "USD"), "+1.50 USD");
        assert_eq!(show("hours", None, "USD"), "—");
    }
}
