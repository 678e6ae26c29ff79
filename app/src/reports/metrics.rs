//! The arithmetic behind the weekly figures, kept pure so each definition is tested on
//! hand-computed fixtures.

/// The middle value (the mean of the two middle values for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// The nearest-rank percentile: the smallest value with at least `p` % of values at or below
/// it. Always one of the values, so "90% recovered within X hours" is literally true.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    Some(v[rank.min(v.len()) - 1])
}

/// `median` over (value, how many times) pairs, as if each value were repeated.
pub fn median_of_counts(counts: &[(f64, i64)]) -> Option<f64> {
    let n: i64 = counts.iter().map(|c| c.1).sum();
    match n {
        0 => None,
        _ if n % 2 == 1 => nth_of_counts(counts, n / 2),
        _ => Some((nth_of_counts(counts, n / 2 - 1)? + nth_of_counts(counts, n / 2)?) / 2.0),
    }
}

/// `percentile` over (value, how many times) pairs.
pub fn percentile_of_counts(counts: &[(f64, i64)], p: f64) -> Option<f64> {
    let n: i64 = counts.iter().map(|c| c.1).sum();
    if n == 0 {
        return None;
    }
    let rank = ((p / 100.0) * n as f64).ceil().max(1.0) as i64;
    nth_of_counts(counts, rank.min(n) - 1)
}

/// The `i`-th (from 0) value in sorted order.
fn nth_of_counts(counts: &[(f64, i64)], i: i64) -> Option<f64> {
    let mut sorted = counts.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut seen = 0;
    sorted.into_iter().find_map(|(v, n)| {
        seen += n;
        (i < seen).then_some(v)
    })
}

/// `part` of `whole` in percent, to one decimal; None when there is nothing to divide.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// The change from the week before, when both weeks have a value.
pub fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(((now? - before?) * 10.0).round() / 10.0)
}

/// Rounds hours to one decimal.
pub fn hours(ms: i64) -> f64 {
    (ms as f64 / 360_000.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_values_give_the_same_median_and_percentiles_as_the_values() {
        let values = [4.0, 1.0, 3.0, 10.0, 3.0, 3.0, 7.5];
        let counts = [(3.0, 3), (10.0, 1), (1.0, 1), (7.5, 1), (4.0, 1)];
        assert_eq!(median_of_counts(&counts), median(&values));
        assert_eq!(median_of_counts(&counts[..3]), Some(3.0));
        assert_eq!(median_of_counts(&[(1.0, 1), (4.0, 1)]), Some(2.5));
        for p in [1.0, 50.0, 90.0, 99.0, 100.0] {
            assert_eq!(percentile_of_counts(&counts, p), percentile(&values, p));
        }
        assert_eq!(median_of_counts(&[]), None);
        assert_eq!(percentile_of_counts(&[(2.0, 0)], 90.0), None);
    }

    #[test]
    fn medians_of_odd_even_and_empty_sets() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 10.0]), Some(3.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn nearest_rank_percentiles() {
        // 10 values 1..=10: the 90th percentile is the 9th value; the 95th the 10th.
        let v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(percentile(&v, 90.0), Some(9.0));
        assert_eq!(percentile(&v, 95.0), Some(10.0));
        assert_eq!(percentile(&v, 50.0), Some(5.0));
        assert_eq!(percentile(&[7.0], 90.0), Some(7.0));
        assert_eq!(percentile(&[], 90.0), None);
    }

    #[test]
    fn shares_and_changes() {
        assert_eq!(share(1, 3), Some(33.3));
        assert_eq!(share(2, 3), Some(66.7));
        assert_eq!(share(0, 0), None);
        assert_eq!(change(Some(40.0), Some(33.3)), Some(6.7));
        assert_eq!(change(Some(3.0), None), None);
        assert_eq!(hours(5_400_000), 1.5);
    }
}
