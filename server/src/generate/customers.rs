//! Customers, a chunk at a time, with what happens to each over two years: orders, an incident
//! with its signal and recovery, quiet signals, answers and their follow-ups, a loyalty score,
//! and referrals among the chunk. Drawing rows touches no database; `Rows::write` stores them.
use super::batch::{
    Batch, ACTIONS, CUSTOMERS, FEEDBACK, FOLLOW_UPS, INCIDENTS, ORDERS, REFERRALS, SIGNALS,
};
use super::staff::Associates;
use super::{Ids, DAY, FIRST, HOUR, LAST};
use app::error::AppError;
use app::standing::score::{score, Inputs};
use rand::rngs::StdRng;
use rand::Rng;
use sqlx::AnyConnection;

/// What every customer's rows draw on, fixed for the whole run.
pub struct World {
    pub now: i64,
    pub associates: Associates,
    pub categories: Vec<i64>,
    /// The first generated customer's id, which numbers their references from 1.
    pub first_customer: i64,
}

/// One chunk's rows, a batch per table.
pub struct Rows {
    customers: Batch,
    orders: Batch,
    incidents: Batch,
    actions: Batch,
    signals: Batch,
    feedback: Batch,
    follow_ups: Batch,
    referrals: Batch,
}

impl Rows {
    fn new() -> Self {
        Self {
            customers: Batch::new(&CUSTOMERS),
            orders: Batch::new(&ORDERS),
            incidents: Batch::new(&INCIDENTS),
            actions: Batch::new(&ACTIONS),
            signals: Batch::new(&SIGNALS),
            feedback: Batch::new(&FEEDBACK),
            follow_ups: Batch::new(&FOLLOW_UPS),
            referrals: Batch::new(&REFERRALS),
        }
    }

    /// Writes parents before the rows that refer to them; returns how many rows.
    pub async fn write(&mut self, conn: &mut AnyConnection) -> Result<usize, AppError> {
        let mut n = 0;
        for batch in [
            &mut self.customers,
            &mut self.orders,
            &mut self.incidents,
            &mut self.actions,
            &mut self.signals,
            &mut self.feedback,
            &mut self.follow_ups,
            &mut self.referrals,
        ] {
            n += batch.write(conn).await?;
        }
        Ok(n)
    }
}

/// One customer being drawn: who, since when, and what its rows add up to for its score.
#[derive(Default)]
struct Customer {
    id: i64,
    created: i64,
    last_order: Option<i64>,
    orders_12m: i64,
    incident: Option<i64>,
    unresolved_incidents: i64,
    /// The latest answer within 180 days: (when, question, score, doubtful).
    latest_answer: Option<(i64, &'static str, i64, bool)>,
    open_unhappy_follow_ups: i64,
}

/// Draws the next `n` customers' rows, taking ids from `ids`.
pub fn draw(rng: &mut StdRng, ids: &mut Ids, world: &World, n: usize) -> Rows {
    let mut draw = Draw {
        rng,
        ids,
        world,
        rows: Rows::new(),
    };
    draw.chunk(n);
    draw.rows
}

struct Draw<'a> {
    rng: &'a mut StdRng,
    ids: &'a mut Ids,
    world: &'a World,
    rows: Rows,
}

impl Draw<'_> {
    fn chunk(&mut self, n: usize) {
        let first = self.ids.customer;
        let (referred_by, converted) = self.referrals_among(n);
        for i in 0..n {
            let mut c = Customer {
                id: first + i as i64,
                created: self.world.now - self.rng.gen_range(DAY..730 * DAY),
                ..Customer::default()
            };
            self.orders(&mut c);
            if self.rng.gen_bool(0.3) {
                self.incident(&mut c);
            }
            if self.rng.gen_bool(0.5) {
                self.quiet_signal(&c);
            }
            self.answers(&mut c);
            let referrer = referred_by[i].map(|r| first + r as i64);
            self.customer(&c, converted[i], referrer);
            if let Some(referrer) = referrer {
                self.referral(&c, referrer);
            }
        }
        self.ids.customer += n as i64;
    }

    /// Who in the chunk referred whom (by position): about one in twenty, past the first few.
    /// Returns each customer's referrer and how many each one converted.
    fn referrals_among(&mut self, n: usize) -> (Vec<Option<usize>>, Vec<i64>) {
        let mut converted = vec![0i64; n];
        let mut referred_by = vec![None; n];
        for (i, slot) in referred_by.iter_mut().enumerate() {
            if i > 10 && self.rng.gen_bool(0.05) {
                let referrer = self.rng.gen_range(0..i);
                converted[referrer] += 1;
                *slot = Some(referrer);
            }
        }
        (referred_by, converted)
    }

    /// A loyal third order often, the rest now and then.
    fn orders(&mut self, c: &mut Customer) {
        let now = self.world.now;
        let count = if self.rng.gen_bool(0.35) {
            self.rng.gen_range(6..18)
        } else {
            self.rng.gen_range(0..6)
        };
        for _ in 0..count {
            let at = self.rng.gen_range(c.created..now);
            self.order(c, at);
        }
    }

    /// One order of the customer's, placed `at`.
    fn order(&mut self, c: &mut Customer, at: i64) {
        c.last_order = c.last_order.max(Some(at));
        if at > self.world.now - 365 * DAY {
            c.orders_12m += 1;
        }
        let id = self.ids.order;
        self.rows.orders.push(vec![
            id.into(),
            format!("gen-o-{id}").into(),
            c.id.into(),
            self.rng.gen_range(500..25_000_i64).into(),
            "USD".into(),
            at.into(),
            at.into(),
        ]);
        self.ids.order += 1;
    }

    /// An incident, a third of them noticed from a signal before any complaint, most with a
    /// recovery action.
    fn incident(&mut self, c: &mut Customer) {
        let now = self.world.now;
        let detected = self.rng.gen_range(c.created..now);
        let proactive = self.rng.gen_bool(0.35);
        let hours = (self.rng.gen::<f64>().powi(2) * 96.0) as i64 + 1;
        // Old incidents are almost all resolved; the open ones are mostly recent.
        let settled = if now - detected > 14 * DAY {
            0.997
        } else {
            0.8
        };
        let resolved = (self.rng.gen_bool(settled) && detected + hours * HOUR < now)
            .then_some(detected + hours * HOUR);
        if resolved.is_none() {
            c.unresolved_incidents += 1;
        }
        let categories = &self.world.categories;
        let category = categories[self.rng.gen_range(0..categories.len())];
        let id = self.ids.incident;
        self.rows.incidents.push(vec![
            id.into(),
            c.id.into(),
            category.into(),
            ["minor", "major", "critical"][self.rng.gen_range(0..3)].into(),
            (if proactive { "signal" } else { "complaint" }).into(),
            (if resolved.is_some() {
                "resolved"
            } else {
                "open"
            })
            .into(),
            DESCRIPTIONS[self.rng.gen_range(0..DESCRIPTIONS.len())].into(),
            detected.into(),
            detected.into(),
            resolved.into(),
            i64::from(proactive).into(),
            self.world.associates.pick(self.rng).into(),
            detected.into(),
            resolved.unwrap_or(detected).into(),
        ]);
        if proactive {
            let value = self.rng.gen_range(24.0..120.0);
            self.signal(c, "delivery.delay_hours", value, detected, Some(id));
        }
        if self.rng.gen_bool(0.6) {
            let kind = ["refund", "credit", "replacement", "apology", "callback"]
                [self.rng.gen_range(0..5)];
            let amount = match kind {
                "refund" | "credit" => self.rng.gen_range(300..6_000_i64),
                _ => 0,
            };
            // Within the hour, later that day, or days later.
            let delay = match self.rng.gen_range(0..3) {
                0 => self.rng.gen_range(5 * 60_000..HOUR),
                1 => self.rng.gen_range(HOUR + 1..6 * HOUR),
                _ => self.rng.gen_range(DAY + HOUR..4 * DAY),
            };
            // Never after the incident was resolved.
            let at = (detected + delay).min(resolved.unwrap_or(now)).min(now);
            self.rows.actions.push(vec![
                self.ids.action.into(),
                id.into(),
                kind.into(),
                amount.into(),
                "USD".into(),
                "applied".into(),
                at.into(),
            ]);
            self.ids.action += 1;
            // The planted effect the playbook should find: customers credited within the hour
            // come back far more often than the rest.
            let comes_back = match (kind, delay < HOUR) {
                ("credit", true) => 0.65,
                (_, true) => 0.25,
                _ => 0.15,
            };
            if self.rng.gen_bool(comes_back) {
                let placed = at + self.rng.gen_range(DAY..85 * DAY);
                if placed < now {
                    self.order(c, placed);
                }
            }
        }
        c.incident = Some(id);
        self.ids.incident += 1;
    }

    /// A signal that stayed below every rule.
    fn quiet_signal(&mut self, c: &Customer) {
        let at = self.rng.gen_range(c.created..self.world.now);
        let value = self.rng.gen_range(0.0..0.05);
        self.signal(c, "playback.rebuffer_ratio", value, at, None);
    }

    fn signal(&mut self, c: &Customer, kind: &str, value: f64, at: i64, incident: Option<i64>) {
        let id = self.ids.signal;
        self.rows.signals.push(vec![
            id.into(),
            format!("gen-s-{id}").into(),
            kind.into(),
            c.id.into(),
            value.into(),
            at.into(),
            at.into(),
            incident.into(),
        ]);
        self.ids.signal += 1;
    }

    /// Most customers answer a survey once or twice; a doubtful answer opens a follow-up.
    fn answers(&mut self, c: &mut Customer) {
        let now = self.world.now;
        for _ in 0..self.rng.gen_range(0..3) {
            let at = self.rng.gen_range(c.created..now);
            let (kind, score, assessment) = answer(self.rng);
            let feedback = self.ids.feedback;
            self.rows.feedback.push(vec![
                feedback.into(),
                c.id.into(),
                "survey".into(),
                kind.into(),
                score.into(),
                at.into(),
                c.incident.filter(|_| self.rng.gen_bool(0.3)).into(),
                assessment.into(),
                "[]".into(),
                "generator".into(),
                at.into(),
            ]);
            if assessment != "fine" {
                self.follow_up(c, feedback, assessment, at);
            }
            if at > now - 180 * DAY && c.latest_answer.is_none_or(|(t, ..)| t < at) {
                c.latest_answer = Some((at, kind, score, assessment != "fine"));
            }
            self.ids.feedback += 1;
        }
    }

    /// Follow-ups are worked: a few old ones linger, most open ones are recent.
    fn follow_up(&mut self, c: &mut Customer, feedback: i64, assessment: &'static str, at: i64) {
        let settled = if self.world.now - at > 21 * DAY {
            0.995
        } else {
            0.6
        };
        let closed = self.rng.gen_bool(settled) && at + 4 * DAY < self.world.now;
        let closed_at = closed.then(|| at + self.rng.gen_range(HOUR..4 * DAY));
        let outcome = closed
            .then(|| ["problem_found", "genuinely_fine", "unreachable"][self.rng.gen_range(0..3)]);
        if !closed && assessment == "unhappy" {
            c.open_unhappy_follow_ups += 1;
        }
        self.rows.follow_ups.push(vec![
            self.ids.follow_up.into(),
            feedback.into(),
            c.id.into(),
            self.world.associates.pick(self.rng).into(),
            assessment.into(),
            (if closed { "closed" } else { "open" }).into(),
            at.into(),
            (at + 2 * DAY).into(),
            closed_at.into(),
            outcome.into(),
            at.into(),
        ]);
        self.ids.follow_up += 1;
    }

    /// The customer itself, with the loyalty score its rows add up to.
    fn customer(&mut self, c: &Customer, converted_referrals: i64, referrer: Option<i64>) {
        let now = self.world.now;
        let scored = score(&Inputs {
            days_since_order: c.last_order.map(|at| (now - at) / DAY),
            orders_12m: c.orders_12m,
            latest_answer: c
                .latest_answer
                .map(|(_, k, s, doubted)| (k.to_string(), s, doubted)),
            converted_referrals,
            positive_posts: 0,
            open_unhappy_follow_ups: c.open_unhappy_follow_ups,
            unresolved_incidents: c.unresolved_incidents,
            tenure_days: (now - c.created) / DAY,
        });
        self.rows.customers.push(vec![
            c.id.into(),
            format!("g-{}", c.id - self.world.first_customer + 1).into(),
            format!(
                "{} {}",
                FIRST[self.rng.gen_range(0..16)],
                LAST[self.rng.gen_range(0..12)]
            )
            .into(),
            ["retail", "retail", "retail", "business"][self.rng.gen_range(0..4)].into(),
            format!("G{:09X}", c.id).into(),
            c.created.into(),
            c.created.into(),
            referrer.into(),
            scored.score.into(),
            scored.segment.as_str().into(),
            now.into(),
        ]);
    }

    fn referral(&mut self, c: &Customer, referrer: i64) {
        self.rows.referrals.push(vec![
            self.ids.referral.into(),
            referrer.into(),
            c.id.into(),
            1_i64.into(),
            "link".into(),
            c.created.into(),
            "generator".into(),
            c.created.into(),
        ]);
        self.ids.referral += 1;
    }
}

/// What went wrong, as staff describe it: the incidents the themes read.
const DESCRIPTIONS: [&str; 12] = [
    "Parcel arrived three days late",
    "Delivery missed the promised date again",
    "Charged twice for the same order",
    "Refund still not received after two weeks",
    "Item arrived damaged, box crushed",
    "Wrong item in the parcel",
    "App crashed at checkout",
    "Could not log in to the app",
    "Video kept buffering all evening",
    "Agent was rude on the phone",
    "Nobody called back as promised",
    "Invoice showed the wrong price",
];

/// (type, score, assessment) with believable shares: most answers fine, a fifth lukewarm.
fn answer(rng: &mut StdRng) -> (&'static str, i64, &'static str) {
    if rng.gen_bool(0.6) {
        let score = [10, 10, 9, 9, 9, 8, 8, 7, 7, 6, 5, 3][rng.gen_range(0..12)];
        let assessment = match score {
            9..=10 => "fine",
            7..=8 if rng.gen_bool(0.5) => "lukewarm",
            7..=8 => "fine",
            _ => "unhappy",
        };
        ("nps", score, assessment)
    } else {
        let score = [5, 5, 5, 4, 4, 4, 3, 2, 1][rng.gen_range(0..9)];
        let assessment = match score {
            5 => "fine",
            4 if rng.gen_bool(0.4) => "lukewarm",
            4 => "fine",
            3 => "lukewarm",
            _ => "unhappy",
        };
        ("csat", score, assessment)
    }
}
