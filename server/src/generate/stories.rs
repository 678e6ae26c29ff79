//! Stories: each associate logs one most weeks of the two years.
use super::batch::{Batch, STORIES};
use super::staff::Associates;
use super::{Ids, DAY};
use rand::rngs::StdRng;
use rand::Rng;

const TITLES: [&str; 6] = [
    "Drove the replacement over after closing",
    "Refunded the rental before they noticed",
    "Called back with the fix the same evening",
    "Found the lost parcel at the depot",
    "Rebooked the whole family onto the early slot",
    "Stayed on the line until the card worked",
];

/// Two years of weekly stories for every associate, counted back from `now`.
pub fn draw(rng: &mut StdRng, ids: &mut Ids, associates: Associates, now: i64) -> Batch {
    let mut rows = Batch::new(&STORIES);
    let today = chrono::DateTime::from_timestamp_millis(now)
        .map(|d| d.date_naive())
        .unwrap_or_default();
    for associate in associates.ids() {
        for week in 0..104 {
            if rng.gen_bool(0.6) {
                let day = today - chrono::Duration::days(week * 7 + rng.gen_range(0..7));
                let at = now - week * 7 * DAY;
                rows.push(vec![
                    ids.story.into(),
                    associate.into(),
                    day.to_string().into(),
                    TITLES[rng.gen_range(0..TITLES.len())].into(),
                    "A customer was let down.".into(),
                    "We put it right and then some.".into(),
                    "They wrote back to say thank you.".into(),
                    ["turned_around", "went_beyond", "good_samaritan"][rng.gen_range(0..3)].into(),
                    associate.into(),
                    at.into(),
                    at.into(),
                ]);
                ids.story += 1;
            }
        }
    }
    rows
}
