//! The clock the server's background work reads and is paced by: the system's in production,
//! or a driven one in tests, so that what waits on time (the next delivery pass, a retry's
//! backoff, a claim's lease) happens when a test says instead of after seconds of real sleep.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The system clock, or a driven one ([`Clock::driven`]). Clones share their time.
#[derive(Clone, Default)]
pub struct Clock {
    driven: Option<Arc<Driven>>,
}

struct Driven {
    /// How far this clock runs ahead of the system's.
    ahead_ms: AtomicI64,
    /// Counts the `advance` calls: each is the cue for one pass of periodic work.
    advanced: watch::Sender<u64>,
    /// The count of `advance` calls seen when the last finished pass began.
    finished: watch::Sender<u64>,
}

impl Clock {
    /// The system clock: periodic work runs a pass every period of real time.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that keeps pace with the system's and jumps ahead when [`Clock::advance`] says;
    /// periodic work paced by it runs a pass at start and then once per `advance`, never on
    /// its own. Never behind the system clock, so what the app stamps with the system's time
    /// is never in this clock's future.
    pub fn driven() -> Self {
        Self {
            driven: Some(Arc::new(Driven {
                ahead_ms: AtomicI64::new(0),
                advanced: watch::Sender::new(0),
                finished: watch::Sender::new(0),
            })),
        }
    }

    /// Whether tests drive this clock.
    pub fn is_driven(&self) -> bool {
        self.driven.is_some()
    }

    /// Milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        let ahead = self
            .driven
            .as_ref()
            .map_or(0, |d| d.ahead_ms.load(Ordering::SeqCst));
        crate::db::now_ms() + ahead
    }

    /// Paces periodic work: a pass now, then one after each `period` (on a driven clock, after
    /// each `advance`).
    pub fn ticker(&self, period: Duration) -> Ticker {
        let seen = self.driven.as_ref().map_or(0, |d| *d.advanced.borrow());
        Ticker {
            clock: self.clone(),
            period,
            seen,
        }
    }

    /// Moves a driven clock `by` ahead, then waits until periodic work has finished a pass
    /// that began afterwards (forever if nothing is paced by this clock).
    ///
    /// # Panics
    /// On the system clock, which nothing moves.
    pub async fn advance(&self, by: Duration) {
        let driven = self
            .driven
            .as_ref()
            .expect("only a driven clock can be advanced");
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        driven.ahead_ms.fetch_add(by, Ordering::SeqCst);
        let mut cue = 0;
        driven.advanced.send_modify(|n| {
            *n += 1;
            cue = *n;
        });
        let mut finished = driven.finished.subscribe();
        // The sender lives as long as this clock: waiting cannot fail.
        let _ = finished.wait_for(|n| *n >= cue).await;
    }
}

/// The pace of one piece of periodic work (see [`Clock::ticker`]).
pub struct Ticker {
    clock: Clock,
    period: Duration,
    /// The `advance` count when the current pass began.
    seen: u64,
}

impl Ticker {
    /// Call after each pass: waits for the next one.
    pub async fn tick(&mut self) {
        match &self.clock.driven {
            None => tokio::time::sleep(self.period).await,
            Some(driven) => {
                driven.finished.send_replace(self.seen);
                let mut advanced = driven.advanced.subscribe();
                let seen = self.seen;
                let reached = advanced.wait_for(|n| *n > seen).await.map(|n| *n);
                if let Ok(n) = reached {
                    self.seen = n;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_driven_clock_runs_a_pass_per_advance_and_waits_for_it() {
        let clock = Clock::driven();
        let passes = Arc::new(AtomicI64::new(0));
        let (worker_clock, counted) = (clock.clone(), passes.clone());
        tokio::spawn(async move {
            let mut ticker = worker_clock.ticker(Duration::from_secs(1));
            loop {
                counted.fetch_add(1, Ordering::SeqCst);
                ticker.tick().await;
            }
        });
        let start = clock.now_ms();
        clock.advance(Duration::from_secs(3600)).await;
        let after_first = passes.load(Ordering::SeqCst);
        assert!(after_first >= 1);
        assert!(clock.now_ms() >= start + 3_600_000);
        clock.advance(Duration::ZERO).await;
        assert_eq!(
            passes.load(Ordering::SeqCst),
            after_first + 1,
            "one pass per advance"
        );
    }

    #[test]
    fn the_system_clock_is_the_systems_time() {
        let before = crate::db::now_ms();
        let now = Clock::system().now_ms();
        assert!(before <= now && now <= crate::db::now_ms());
    }
}
