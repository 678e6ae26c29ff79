//! Themes over many comments: `cargo bench -p server --bench themes` groups 100,000 generated
//! comments (subjects customers write about, in varied wordings, with filler and misspellings)
//! and prints how long it took and what it found. `BENCH_COMMENTS` changes the count.
use app::themes::grouping::{group, Settings, Text};
use app::themes::lexicon::Lexicon;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const SUBJECTS: &[&[&str]] = &[
    &[
        "arrived late",
        "delivery delayed",
        "still waiting for my parcel",
        "courier was late",
        "took forever to arrive",
    ],
    &[
        "refund took weeks",
        "no money back yet",
        "still not refunded",
        "waiting for my refund",
    ],
    &[
        "agent was rude",
        "very dismissive staff",
        "hung up on me",
        "condescending on the phone",
    ],
    &[
        "app crashes at checkout",
        "checkout froze",
        "error message when paying",
        "website would not load",
    ],
    &[
        "charged twice",
        "wrong amount on the invoice",
        "overcharged for shipping",
        "extra fee on my bill",
    ],
    &[
        "item arrived broken",
        "box crushed and damaged",
        "screen cracked",
        "bottle leaking",
    ],
    &[
        "wrong size sent",
        "missing item",
        "not what i ordered",
        "wrong colour",
    ],
    &[
        "on hold for an hour",
        "nobody answered",
        "no reply to my emails",
        "never called back",
    ],
    &[
        "constant buffering",
        "playback stutters",
        "pixelated video",
        "stream lags",
    ],
    &[
        "friendly helpful staff",
        "went above and beyond",
        "patient and kind agent",
    ],
];
const FILLER: &[&str] = &[
    "",
    "ok but",
    "honestly",
    "again",
    "this time",
    "as usual",
    "sadly",
    "to be fair",
];
const NOTHING: &[&str] = &[
    "ok",
    "fine",
    "good",
    "thanks",
    "all good",
    "no complaints",
    "perfect",
];

fn main() {
    let n: usize = std::env::var("BENCH_COMMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let texts: Vec<Text> = (0..n)
        .map(|i| {
            let text = if rng.gen_bool(0.15) {
                NOTHING[rng.gen_range(0..NOTHING.len())].to_string()
            } else {
                let subject = SUBJECTS[rng.gen_range(0..SUBJECTS.len())];
                let mut said = subject[rng.gen_range(0..subject.len())].to_string();
                if rng.gen_bool(0.1) {
                    // A dropped letter, as people type on phones.
                    let at = rng.gen_range(1..said.len() - 1);
                    if said.is_char_boundary(at) && said.is_char_boundary(at + 1) {
                        said.remove(at);
                    }
                }
                format!("{} {said} #{i}", FILLER[rng.gen_range(0..FILLER.len())])
            };
            Text { id: i as i64, text }
        })
        .collect();
    let lexicon = Lexicon::curated();
    let started = Instant::now();
    let (themes, unthemed) = group(&texts, &lexicon, Settings::default());
    let took = started.elapsed();
    println!(
        "{n} comments themed in {:.2} s: {} themes, {} comments in none",
        took.as_secs_f64(),
        themes.len(),
        unthemed.len()
    );
    for t in themes.iter().take(12) {
        println!("  {:>6}  {}", t.members.len(), t.name);
    }
}
