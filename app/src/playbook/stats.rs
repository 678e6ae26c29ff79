//! The playbook's arithmetic, apart from the database: cases sorted into the cells of each
//! breakdown, rates with 95% Wilson intervals, the small-cell rule, and approaches ranked by the
//! lower end of their repeat-order interval (so a lucky handful does not rank first).
use super::{OutcomeCell, PlaybookGroup, PlaybookRow, MIN_CASES};
use std::collections::BTreeMap;

/// What followed one recovery, in the window after its first action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    pub ordered_again: bool,
    pub referred: bool,
    pub posted: bool,
    /// The next NPS answer was 9–10; none without an answer in the window.
    pub promoter: Option<bool>,
}

/// How soon the first recovery action came after detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Speed {
    UnderHour,
    SameDay,
    Later,
    NoAction,
}

impl Speed {
    pub fn key(self) -> &'static str {
        match self {
            Self::UnderHour => "under_hour",
            Self::SameDay => "same_day",
            Self::Later => "later",
            Self::NoAction => "no_action",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::UnderHour => "within an hour",
            Self::SameDay => "later the same day",
            Self::Later => "on a later day",
            Self::NoAction => "no action",
        }
    }
}

/// One incident as the playbook counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    pub incident: i64,
    pub proactive: bool,
    /// Applied action kinds (stored words), in the order first used.
    pub kinds: Vec<String>,
    pub speed: Speed,
    /// Money applied in the organisation currency; none when an amount had no rate.
    pub amount_minor: Option<i64>,
    /// The same per applied kind (stored word), for what one action of that kind usually was.
    pub kind_amounts: Vec<(String, Option<i64>)>,
    pub outcomes: Outcomes,
}

/// The 95% Wilson score interval of `count` successes in `of` trials.
pub fn wilson(count: i64, of: i64) -> (f64, f64) {
    if of == 0 {
        return (0.0, 1.0);
    }
    let z = 1.96_f64;
    let n = of as f64;
    let p = count as f64 / n;
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

fn cell(outcome: &str, count: i64, of: i64) -> OutcomeCell {
    let shown = of >= MIN_CASES;
    let (low, high) = wilson(count, of);
    OutcomeCell {
        outcome: outcome.to_string(),
        count,
        of,
        rate: shown.then(|| round(count as f64 / of as f64)),
        low: shown.then(|| round(low)),
        high: shown.then(|| round(high)),
    }
}

fn label_of_kind(kind: &str) -> &'static str {
    match kind {
        "refund" => "Refund",
        "credit" => "Credit",
        "replacement" => "Reship / replacement",
        "apology_only" => "Apology only",
        "callback" => "Call-back",
        "other" => "Other action",
        _ => "No action recorded",
    }
}

/// A row of the cases in `cases`.
pub fn row(key: &str, label: &str, kind: Option<&str>, cases: &[&Case]) -> PlaybookRow {
    let n = cases.len() as i64;
    let count =
        |f: &dyn Fn(&Outcomes) -> bool| cases.iter().filter(|c| f(&c.outcomes)).count() as i64;
    let answered = cases
        .iter()
        .filter(|c| c.outcomes.promoter.is_some())
        .count() as i64;
    // An approach's usual amount is what its own kind of action came to; a row's, the total.
    let mut amounts: Vec<i64> = match kind {
        Some(k) => cases
            .iter()
            .filter_map(|c| {
                c.kind_amounts
                    .iter()
                    .find(|(x, _)| x == k)
                    .and_then(|(_, m)| *m)
            })
            .collect(),
        None => cases.iter().filter_map(|c| c.amount_minor).collect(),
    };
    amounts.sort_unstable();
    let mut ids: Vec<i64> = cases.iter().map(|c| c.incident).collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.truncate(200);
    PlaybookRow {
        key: key.to_string(),
        label: label.to_string(),
        cases: n,
        hidden: n < MIN_CASES,
        outcomes: vec![
            cell("ordered_again", count(&|o| o.ordered_again), n),
            cell("referred", count(&|o| o.referred), n),
            cell("posted", count(&|o| o.posted), n),
            cell("promoter", count(&|o| o.promoter == Some(true)), answered),
        ],
        kind: kind.map(str::to_string),
        typical_amount_minor: (!amounts.is_empty()).then(|| amounts[amounts.len() / 2]),
        incident_ids: ids,
    }
}

/// The kind cells a case counts in: each applied kind, with an apology counted as "apology
/// only" when nothing else was done; "none" without any action.
fn kind_keys(case: &Case) -> Vec<String> {
    if case.kinds.is_empty() {
        return vec!["none".into()];
    }
    if case.kinds.iter().all(|k| k == "apology") {
        return vec!["apology_only".into()];
    }
    case.kinds
        .iter()
        .filter(|k| *k != "apology")
        .cloned()
        .collect()
}

/// The amount band of a case, from the organisation currency's `decimals`.
fn amount_band(case: &Case, decimals: u32) -> (&'static str, &'static str) {
    let unit = 10i64.pow(decimals);
    match case.amount_minor {
        None => ("no_rate", "Amount without an exchange rate"),
        Some(0) => ("no_money", "No money"),
        Some(m) if m < 10 * unit => ("under_10", "Under 10"),
        Some(m) if m < 50 * unit => ("10_to_50", "10 to 50"),
        Some(_) => ("50_or_more", "50 or more"),
    }
}

/// Sorts `items` into rows by key, in `order`.
fn grouped<'a>(
    key: &str,
    label: &str,
    order: &[(&str, &str)],
    items: impl Iterator<Item = (String, &'a Case)>,
) -> PlaybookGroup {
    let mut by: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
    for (k, c) in items {
        by.entry(k).or_default().push(c);
    }
    let rows = order
        .iter()
        .filter_map(|(k, l)| by.get(*k).map(|cases| row(k, l, None, cases)))
        .collect();
    PlaybookGroup {
        key: key.to_string(),
        label: label.to_string(),
        rows,
    }
}

const KINDS: [&str; 7] = [
    "refund",
    "credit",
    "replacement",
    "apology_only",
    "callback",
    "other",
    "none",
];
const SPEEDS: [Speed; 4] = [
    Speed::UnderHour,
    Speed::SameDay,
    Speed::Later,
    Speed::NoAction,
];

/// Every breakdown of `cases`, and the approaches (kind × speed) ranked.
pub fn breakdowns(cases: &[Case], decimals: u32) -> (Vec<PlaybookGroup>, Vec<PlaybookRow>) {
    let kinds: Vec<(&str, &str)> = KINDS.iter().map(|k| (*k, label_of_kind(k))).collect();
    let action = grouped(
        "action",
        "Action kind",
        &kinds,
        cases
            .iter()
            .flat_map(|c| kind_keys(c).into_iter().map(move |k| (k, c))),
    );
    let amount = grouped(
        "amount",
        "Money applied",
        &[
            ("no_money", "No money"),
            ("under_10", "Under 10"),
            ("10_to_50", "10 to 50"),
            ("50_or_more", "50 or more"),
            ("no_rate", "Amount without an exchange rate"),
        ],
        cases
            .iter()
            .map(|c| (amount_band(c, decimals).0.to_string(), c)),
    );
    let speeds: Vec<(&str, &str)> = SPEEDS
        .iter()
        .map(|s| {
            (
                s.key(),
                match s {
                    Speed::UnderHour => "First action within an hour",
                    Speed::SameDay => "Later the same day",
                    Speed::Later => "On a later day",
                    Speed::NoAction => "No action",
                },
            )
        })
        .collect();
    let speed = grouped(
        "speed",
        "Time to first action",
        &speeds,
        cases.iter().map(|c| (c.speed.key().to_string(), c)),
    );
    let origin = grouped(
        "origin",
        "How it came to light",
        &[
            ("proactive", "Caught before the customer complained"),
            ("complained", "After a complaint"),
        ],
        cases.iter().map(|c| {
            (
                (if c.proactive {
                    "proactive"
                } else {
                    "complained"
                })
                .to_string(),
                c,
            )
        }),
    );

    // Approaches: each kind cell split by how soon the first action came.
    let mut by: BTreeMap<(usize, Speed), Vec<&Case>> = BTreeMap::new();
    for c in cases {
        for k in kind_keys(c) {
            let at = KINDS.iter().position(|x| *x == k).unwrap_or(KINDS.len());
            by.entry((at, c.speed)).or_default().push(c);
        }
    }
    let mut approaches: Vec<PlaybookRow> = by
        .into_iter()
        .filter(|((k, _), _)| *k < KINDS.len() && KINDS[*k] != "none")
        .map(|((k, speed), cases)| {
            let kind = KINDS[k];
            let act = match kind {
                "apology_only" => "apology",
                other => other,
            };
            row(
                &format!("{kind}:{}", speed.key()),
                &format!("{} {}", label_of_kind(kind), speed.label()),
                Some(act),
                &cases,
            )
        })
        .collect();
    let score = |r: &PlaybookRow| {
        if r.hidden {
            -1.0
        } else {
            let (low, _) = wilson(r.outcomes[0].count, r.outcomes[0].of);
            low
        }
    };
    approaches.sort_by(|a, b| {
        score(b)
            .total_cmp(&score(a))
            .then(b.cases.cmp(&a.cases))
            .then(a.key.cmp(&b.key))
    });
    (vec![action, amount, speed, origin], approaches)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: i64, kinds: &[&str], speed: Speed, amount: Option<i64>, ordered: bool) -> Case {
        Case {
            incident: id,
            proactive: id % 2 == 0,
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            speed,
            amount_minor: amount,
            kind_amounts: kinds.iter().map(|k| (k.to_string(), amount)).collect(),
            outcomes: Outcomes {
                ordered_again: ordered,
                referred: id % 5 == 0,
                posted: false,
                promoter: (id % 3 == 0).then_some(id % 2 == 0),
            },
        }
    }

    #[test]
    fn wilson_intervals_match_the_hand_computed_ones() {
        // 30 of 40: p = .75, centre (.75 + 1.96²/80) / (1 + 1.96²/40) = .7281, half .1300.
        let (low, high) = wilson(30, 40);
        assert!((low - 0.5981).abs() < 1e-3, "{low}");
        assert!((high - 0.8581).abs() < 1e-3, "{high}");
        // 0 of 10 still has room above zero; 10 of 10 below one.
        let (low, high) = wilson(0, 10);
        assert_eq!(low, 0.0);
        assert!((high - 0.2775).abs() < 1e-3, "{high}");
        let (low, high) = wilson(10, 10);
        assert!((low - 0.7225).abs() < 1e-3 && high == 1.0);
    }

    #[test]
    fn a_hand_computed_fixture_gives_its_counts_rates_and_hidden_cells() {
        // 12 credits within an hour, 9 followed by an order; 12 refunds on a later day, 3
        // followed by one; 4 apologies, all followed by one — too few to show.
        let mut cases = Vec::new();
        for i in 0..12 {
            cases.push(case(i, &["credit"], Speed::UnderHour, Some(1_500), i < 9));
        }
        for i in 12..24 {
            cases.push(case(i, &["refund"], Speed::Later, Some(6_000), i < 15));
        }
        for i in 24..28 {
            cases.push(case(i, &["apology"], Speed::SameDay, Some(0), true));
        }
        let (groups, approaches) = breakdowns(&cases, 2);
        let action = &groups[0];
        let credit = action.rows.iter().find(|r| r.key == "credit").unwrap();
        assert_eq!(credit.cases, 12);
        assert_eq!(credit.outcomes[0].count, 9);
        assert_eq!(credit.outcomes[0].rate, Some(0.75));
        let (low, high) = wilson(9, 12);
        assert_eq!(credit.outcomes[0].low, Some(round(low)));
        assert_eq!(credit.outcomes[0].high, Some(round(high)));
        let refund = action.rows.iter().find(|r| r.key == "refund").unwrap();
        assert_eq!(refund.outcomes[0].rate, Some(0.25));
        // The small-cell rule: four apologies show their count, never their rate.
        let apology = action
            .rows
            .iter()
            .find(|r| r.key == "apology_only")
            .unwrap();
        assert_eq!((apology.cases, apology.hidden), (4, true));
        assert_eq!(apology.outcomes[0].count, 4);
        assert_eq!(apology.outcomes[0].rate, None);
        assert_eq!(apology.outcomes[0].low, None);
        // Promoter rates count only the cases with an answer (ids divisible by 3: 4 of 12).
        assert_eq!(credit.outcomes[3].of, 4);
        assert_eq!(credit.outcomes[3].rate, None);
        // Amount bands in major units: 15.00 is "10 to 50", 60.00 "50 or more".
        let amount = &groups[1];
        assert_eq!(
            amount
                .rows
                .iter()
                .find(|r| r.key == "10_to_50")
                .unwrap()
                .cases,
            12
        );
        assert_eq!(
            amount
                .rows
                .iter()
                .find(|r| r.key == "50_or_more")
                .unwrap()
                .cases,
            12
        );
        assert_eq!(
            amount
                .rows
                .iter()
                .find(|r| r.key == "no_money")
                .unwrap()
                .cases,
            4
        );
        // Credits within an hour rank first; the hidden apology cell last.
        assert_eq!(approaches[0].key, "credit:under_hour");
        assert_eq!(approaches[0].kind.as_deref(), Some("credit"));
        assert_eq!(approaches[0].typical_amount_minor, Some(1_500));
        assert_eq!(approaches.last().unwrap().key, "apology_only:same_day");
    }

    #[test]
    fn an_approach_offers_what_its_own_kind_of_action_came_to() {
        let mut cases = Vec::new();
        for i in 0..10 {
            let mut c = case(
                i,
                &["refund", "credit"],
                Speed::UnderHour,
                Some(7_500),
                true,
            );
            c.kind_amounts = vec![
                ("refund".into(), Some(6_000)),
                ("credit".into(), Some(1_500)),
            ];
            cases.push(c);
        }
        let (_, approaches) = breakdowns(&cases, 2);
        let credit = approaches
            .iter()
            .find(|a| a.key == "credit:under_hour")
            .unwrap();
        assert_eq!(credit.typical_amount_minor, Some(1_500));
        let refund = approaches
            .iter()
            .find(|a| a.key == "refund:under_hour")
            .unwrap();
        assert_eq!(refund.typical_amount_minor, Some(6_000));
    }

    #[test]
    fn an_apology_with_money_counts_under_the_money_not_as_apology_only() {
        let c = case(1, &["apology", "refund"], Speed::SameDay, Some(100), true);
        assert_eq!(kind_keys(&c), vec!["refund".to_string()]);
        let none = case(2, &[], Speed::NoAction, Some(0), false);
        assert_eq!(kind_keys(&none), vec!["none".to_string()]);
    }
}
