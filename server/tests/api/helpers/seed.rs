//! Randomness tests can replay: a randomized test draws from `seeded_rng()`, whose seed is
//! `EXTRAMILE_TEST_SEED` when set and a fresh one otherwise. The seed is printed first, so a
//! failing run shows it beside the failure (the harness prints a failed test's output).
use rand::rngs::StdRng;
use rand::SeedableRng;

/// The variable that replays a randomized run.
pub const SEED_VARIABLE: &str = "EXTRAMILE_TEST_SEED";

/// A random generator seeded from `EXTRAMILE_TEST_SEED`, or afresh; the seed is printed.
pub fn seeded_rng() -> StdRng {
    let seed = match std::env::var(SEED_VARIABLE) {
        Ok(given) => given.trim().parse().unwrap_or_else(|_| {
            panic!("{SEED_VARIABLE} must be a whole number from 0 to 2^64 - 1, got {given:?}")
        }),
        Err(_) => rand::random(),
    };
    eprintln!("random seed {seed}: replay with {SEED_VARIABLE}={seed}");
    StdRng::seed_from_u64(seed)
}
