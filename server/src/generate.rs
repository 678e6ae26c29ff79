//! `extramile generate --customers N`: fills an empty database with a believable organisation
//! at a chosen scale — staff in teams, customers over two years with their orders, answers,
//! signals, incidents and recoveries, follow-ups, referrals and stories (about ten events per
//! customer) — written a few thousand rows per statement, a chunk of customers per
//! transaction, with progress on standard error.
use app::db::{now_ms, Db};
use app::error::AppError;
use app::loyalty::score::{score, Inputs};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::AnyConnection;
use std::time::Instant;

const DAY: i64 = 86_400_000;
const HOUR: i64 = 3_600_000;
const CHUNK: usize = 5_000;
/// Bound values per statement. Both databases take far more, but SQLite binds numbered
/// parameters by name, which grows with the square of their count: a few thousand is fastest.
const MAX_BINDS: usize = 2_000;

#[derive(Clone)]
enum V {
    I(i64),
    N(Option<i64>),
    /// A text value or NULL.
    O(Option<&'static str>),
    F(f64),
    T(String),
    S(&'static str),
}

/// Rows waiting to be written to one table.
struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<V>>,
}

impl Batch {
    fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self {
            table,
            columns,
            rows: Vec::new(),
        }
    }

    async fn write(&mut self, conn: &mut AnyConnection) -> Result<usize, AppError> {
        let per = (MAX_BINDS / self.columns.len()).max(1);
        let written = self.rows.len();
        for chunk in self.rows.chunks(per) {
            let mut n = 0;
            let values = chunk
                .iter()
                .map(|_| {
                    let marks = (0..self.columns.len())
                        .map(|_| {
                            n += 1;
                            format!("${n}")
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("({marks})")
                })
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {values}",
                self.table,
                self.columns.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for row in chunk {
                for v in row {
                    query = match v {
                        V::I(i) => query.bind(*i),
                        V::N(i) => query.bind(*i),
                        V::O(t) => query.bind(*t),
                        V::F(f) => query.bind(*f),
                        V::T(t) => query.bind(t.clone()),
                        V::S(s) => query.bind(*s),
                    };
                }
            }
            query.execute(&mut *conn).await?;
        }
        self.rows.clear();
        Ok(written)
    }
}

/// The next free id of a table (the generator sets ids itself to link rows without reading
/// them back).
async fn next_id(db: &Db, table: &str) -> Result<i64, AppError> {
    let max: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(db)
        .await?;
    Ok(max.unwrap_or(0) + 1)
}

const FIRST: [&str; 16] = [
    "Ana", "Ben", "Chen", "Dara", "Eli", "Farah", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lena",
    "Milo", "Nia", "Omar", "Pia",
];
const LAST: [&str; 12] = [
    "Reyes",
    "Okafor",
    "Lindqvist",
    "Nakamura",
    "Haddad",
    "Moreau",
    "Silva",
    "Kowalski",
    "Patel",
    "Byrne",
    "Mensah",
    "Vidal",
];
const STORY_TITLES: [&str; 6] = [
    "Drove the replacement over after closing",
    "Refunded the rental before they noticed",
    "Called back with the fix the same evening",
    "Found the lost parcel at the depot",
    "Rebooked the whole family onto the early slot",
    "Stayed on the line until the card worked",
];

/// Fills the database; returns the number of rows written.
pub async fn run(db: &Db, customers: usize, seed: u64) -> Result<usize, AppError> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(db)
        .await?;
    if existing > 0 {
        return Err(AppError::Request(format!(
            "The database already holds {existing} customers; generate into an empty database \
             (for example DATABASE_URL=sqlite://generated.db)."
        )));
    }
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let now = now_ms();
    let categories: Vec<i64> = sqlx::query_scalar("SELECT id FROM incident_categories")
        .fetch_all(db)
        .await?;
    // Staff: one associate per ~2,000 customers (6 to 400), teams of eight, three managers.
    let associates = (customers / 2000).clamp(6, 400);
    let teams = associates.div_ceil(8);
    let mut tx = db.begin().await?;
    let team0 = next_id(db, "teams").await?;
    let mut team_rows = Batch::new("teams", &["id", "name", "created_at"]);
    for t in 0..teams {
        team_rows.rows.push(vec![
            V::I(team0 + t as i64),
            V::T(format!("Team {}", t + 1)),
            V::I(now),
        ]);
    }
    team_rows.write(&mut tx).await?;
    let staff0 = next_id(db, "staff_users").await?;
    let hash = app::accounts::hashing::hash_password(format!("{seed}-unused-{now}")).await?;
    let mut staff = Batch::new(
        "staff_users",
        &[
            "id",
            "email",
            "name",
            "role",
            "password_hash",
            "active",
            "team_id",
            "created_at",
            "updated_at",
        ],
    );
    for a in 0..associates + 3 {
        let manager = a >= associates;
        staff.rows.push(vec![
            V::I(staff0 + a as i64),
            V::T(format!("gen-staff-{a}@example.com")),
            V::T(format!("{} {}", FIRST[a % 16], LAST[(a / 16) % 12])),
            V::S(if manager { "manager" } else { "associate" }),
            V::T(hash.clone()),
            V::I(1),
            V::N((!manager).then_some(team0 + (a / 8) as i64)),
            V::I(now - 730 * DAY),
            V::I(now),
        ]);
    }
    staff.write(&mut tx).await?;
    tx.commit().await?;
    let associate = |rng: &mut StdRng| staff0 + rng.gen_range(0..associates) as i64;

    let mut ids = Ids {
        customer: next_id(db, "customers").await?,
        order: next_id(db, "orders").await?,
        feedback: next_id(db, "feedback").await?,
        incident: next_id(db, "incidents").await?,
        action: next_id(db, "recovery_actions").await?,
        follow_up: next_id(db, "follow_ups").await?,
        signal: next_id(db, "signals").await?,
        referral: next_id(db, "referrals").await?,
        story: next_id(db, "stories").await?,
    };
    let first_customer = ids.customer;
    let mut written = 0usize;
    let mut done = 0usize;
    while done < customers {
        let n = CHUNK.min(customers - done);
        let mut t = Tables::new();
        let chunk_first = ids.customer;
        let mut converted = vec![0i64; n];
        let mut referred_by = vec![None; n];
        for (i, slot) in referred_by.iter_mut().enumerate() {
            if i > 10 && rng.gen_bool(0.05) {
                let referrer = rng.gen_range(0..i);
                converted[referrer] += 1;
                *slot = Some(referrer);
            }
        }
        for i in 0..n {
            let id = chunk_first + i as i64;
            let created = now - rng.gen_range(DAY..730 * DAY);
            let tenure_days = (now - created) / DAY;
            // Orders: a loyal third order often, the rest now and then.
            let loyal = rng.gen_bool(0.35);
            let count = if loyal {
                rng.gen_range(6..18)
            } else {
                rng.gen_range(0..6)
            };
            let mut last_order = None;
            let mut orders_12m = 0;
            for _ in 0..count {
                let at = rng.gen_range(created..now);
                last_order = last_order.max(Some(at));
                if at > now - 365 * DAY {
                    orders_12m += 1;
                }
                t.orders.rows.push(vec![
                    V::I(ids.order),
                    V::T(format!("gen-o-{}", ids.order)),
                    V::I(id),
                    V::I(rng.gen_range(500..25_000)),
                    V::S("USD"),
                    V::I(at),
                    V::I(at),
                ]);
                ids.order += 1;
            }
            // Incidents, a third of them noticed from a signal before any complaint.
            let mut unresolved = 0;
            let mut incident_ids = Vec::new();
            if rng.gen_bool(0.3) {
                let detected = rng.gen_range(created..now);
                let proactive = rng.gen_bool(0.35);
                let hours = (rng.gen::<f64>().powi(2) * 96.0) as i64 + 1;
                // Old incidents are almost all resolved; the open ones are mostly recent.
                let settled = if now - detected > 14 * DAY {
                    0.997
                } else {
                    0.8
                };
                let resolved = (rng.gen_bool(settled) && detected + hours * HOUR < now)
                    .then_some(detected + hours * HOUR);
                if resolved.is_none() {
                    unresolved += 1;
                }
                let category = categories[rng.gen_range(0..categories.len())];
                t.incidents.rows.push(vec![
                    V::I(ids.incident),
                    V::I(id),
                    V::I(category),
                    V::S(["minor", "major", "critical"][rng.gen_range(0..3)]),
                    V::S(if proactive { "signal" } else { "complaint" }),
                    V::S(if resolved.is_some() {
                        "resolved"
                    } else {
                        "open"
                    }),
                    V::S("Generated incident"),
                    V::I(detected),
                    V::I(detected),
                    V::N(resolved),
                    V::I(i64::from(proactive)),
                    V::I(associate(&mut rng)),
                    V::I(detected),
                    V::I(resolved.unwrap_or(detected)),
                ]);
                if proactive {
                    t.signals.rows.push(vec![
                        V::I(ids.signal),
                        V::T(format!("gen-s-{}", ids.signal)),
                        V::S("delivery.delay_hours"),
                        V::I(id),
                        V::F(rng.gen_range(24.0..120.0)),
                        V::I(detected),
                        V::I(detected),
                        V::N(Some(ids.incident)),
                    ]);
                    ids.signal += 1;
                }
                if rng.gen_bool(0.6) {
                    t.actions.rows.push(vec![
                        V::I(ids.action),
                        V::I(ids.incident),
                        V::S(["refund", "credit", "replacement"][rng.gen_range(0..3)]),
                        V::I(rng.gen_range(300..6_000)),
                        V::S("USD"),
                        V::S("applied"),
                        V::I(resolved.unwrap_or(detected)),
                    ]);
                    ids.action += 1;
                }
                incident_ids.push(ids.incident);
                ids.incident += 1;
            }
            // Signals that stayed below every rule.
            if rng.gen_bool(0.5) {
                let at = rng.gen_range(created..now);
                t.signals.rows.push(vec![
                    V::I(ids.signal),
                    V::T(format!("gen-s-{}", ids.signal)),
                    V::S("playback.rebuffer_ratio"),
                    V::I(id),
                    V::F(rng.gen_range(0.0..0.05)),
                    V::I(at),
                    V::I(at),
                    V::N(None),
                ]);
                ids.signal += 1;
            }
            // Answers: most customers answer once or twice.
            let mut latest: Option<(i64, &str, i64, bool)> = None;
            let mut open_unhappy = 0;
            for _ in 0..rng.gen_range(0..3) {
                let at = rng.gen_range(created..now);
                let (kind, score, assessment) = answer(&mut rng);
                t.feedback.rows.push(vec![
                    V::I(ids.feedback),
                    V::I(id),
                    V::S("survey"),
                    V::S(kind),
                    V::I(score),
                    V::I(at),
                    V::N(incident_ids.first().copied().filter(|_| rng.gen_bool(0.3))),
                    V::S(assessment),
                    V::S("[]"),
                    V::S("generator"),
                    V::I(at),
                ]);
                if assessment != "fine" {
                    // Follow-ups are worked: a few old ones linger, most open ones are recent.
                    let settled = if now - at > 21 * DAY { 0.995 } else { 0.6 };
                    let closed = rng.gen_bool(settled) && at + 4 * DAY < now;
                    let closed_at = closed.then(|| at + rng.gen_range(HOUR..4 * DAY));
                    let outcome = closed.then(|| {
                        ["problem_found", "genuinely_fine", "unreachable"][rng.gen_range(0..3)]
                    });
                    if !closed && assessment == "unhappy" {
                        open_unhappy += 1;
                    }
                    t.follow_ups.rows.push(vec![
                        V::I(ids.follow_up),
                        V::I(ids.feedback),
                        V::I(id),
                        V::I(associate(&mut rng)),
                        V::S(assessment),
                        V::S(if closed { "closed" } else { "open" }),
                        V::I(at),
                        V::I(at + 2 * DAY),
                        V::N(closed_at),
                        V::O(outcome),
                        V::I(at),
                    ]);
                    ids.follow_up += 1;
                }
                if at > now - 180 * DAY && latest.as_ref().is_none_or(|(t, ..)| *t < at) {
                    latest = Some((at, kind, score, assessment != "fine"));
                }
                ids.feedback += 1;
            }
            let scored = score(&Inputs {
                days_since_order: last_order.map(|at| (now - at) / DAY),
                orders_12m,
                latest_answer: latest.map(|(_, k, s, doubted)| (k.to_string(), s, doubted)),
                converted_referrals: converted[i],
                positive_posts: 0,
                open_unhappy_follow_ups: open_unhappy,
                unresolved_incidents: unresolved,
                tenure_days,
            });
            let referrer = referred_by[i].map(|r| chunk_first + r as i64);
            t.customers.rows.push(vec![
                V::I(id),
                V::T(format!("g-{}", id - first_customer + 1)),
                V::T(format!(
                    "{} {}",
                    FIRST[rng.gen_range(0..16)],
                    LAST[rng.gen_range(0..12)]
                )),
                V::S(["retail", "retail", "retail", "business"][rng.gen_range(0..4)]),
                V::T(format!("G{:09X}", id)),
                V::I(created),
                V::I(created),
                V::N(referrer),
                V::I(scored.score),
                V::S(scored.segment.as_str()),
                V::I(now),
            ]);
            if let Some(referrer) = referrer {
                t.referrals.rows.push(vec![
                    V::I(ids.referral),
                    V::I(referrer),
                    V::I(id),
                    V::I(1),
                    V::S("link"),
                    V::I(created),
                    V::S("generator"),
                    V::I(created),
                ]);
                ids.referral += 1;
            }
        }
        ids.customer += n as i64;
        let mut tx = db.begin().await?;
        written += t.write(&mut tx).await?;
        // The aggregates are rebuilt whole at the end: the touches these rows left name nothing new.
        sqlx::query("DELETE FROM report_touches")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        done += n;
        eprintln!(
            "generate: {done} of {customers} customers, {written} rows, {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    // Stories: each associate logs one most weeks of the two years.
    let mut stories = Batch::new(
        "stories",
        &[
            "id",
            "associate_id",
            "occurred_on",
            "title",
            "situation",
            "action_taken",
            "result",
            "kind",
            "created_by",
            "created_at",
            "updated_at",
        ],
    );
    let today = chrono::DateTime::from_timestamp_millis(now)
        .map(|d| d.date_naive())
        .unwrap_or_default();
    for a in 0..associates {
        for week in 0..104 {
            if rng.gen_bool(0.6) {
                let day = today - chrono::Duration::days(week * 7 + rng.gen_range(0..7));
                let at = now - week * 7 * DAY;
                stories.rows.push(vec![
                    V::I(ids.story),
                    V::I(staff0 + a as i64),
                    V::T(day.to_string()),
                    V::S(STORY_TITLES[rng.gen_range(0..STORY_TITLES.len())]),
                    V::S("A customer was let down."),
                    V::S("We put it right and then some."),
                    V::S("They wrote back to say thank you."),
                    V::S(["turned_around", "went_beyond", "good_samaritan"][rng.gen_range(0..3)]),
                    V::I(staff0 + a as i64),
                    V::I(at),
                    V::I(at),
                ]);
                ids.story += 1;
            }
        }
    }
    let mut tx = db.begin().await?;
    written += stories.write(&mut tx).await?;
    sqlx::query("DELETE FROM report_touches")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    advance_sequences(db).await?;
    eprintln!(
        "generate: {written} rows in {:.0} s; computing the weekly report's aggregates",
        started.elapsed().as_secs_f64()
    );
    let postgres = app::db::dialect(db) == app::db::Dialect::Postgres;
    if postgres {
        // Fresh statistics, or PostgreSQL plans the first queries on millions of rows blind.
        sqlx::query("ANALYZE").execute(db).await?;
    }
    let weeks = app::reports::aggregates::refresh::rebuild(db, now_ms()).await?;
    if postgres {
        // The bulk load leaves millions of dead touches and no visibility map: without a vacuum
        // an empty touches table takes a scan to read, and nothing is read from indexes alone.
        eprintln!("generate: vacuuming");
        sqlx::query("VACUUM ANALYZE").execute(db).await?;
    }
    eprintln!(
        "generate: done: {customers} customers, {written} rows, {weeks} weeks aggregated in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(written)
}

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

struct Ids {
    customer: i64,
    order: i64,
    feedback: i64,
    incident: i64,
    action: i64,
    follow_up: i64,
    signal: i64,
    referral: i64,
    story: i64,
}

struct Tables {
    customers: Batch,
    orders: Batch,
    incidents: Batch,
    actions: Batch,
    signals: Batch,
    feedback: Batch,
    follow_ups: Batch,
    referrals: Batch,
}

impl Tables {
    fn new() -> Self {
        Self {
            customers: Batch::new(
                "customers",
                &[
                    "id",
                    "external_ref",
                    "name",
                    "segment",
                    "referral_code",
                    "created_at",
                    "updated_at",
                    "referred_by_id",
                    "loyalty_score",
                    "loyalty_segment",
                    "loyalty_at",
                ],
            ),
            orders: Batch::new(
                "orders",
                &[
                    "id",
                    "external_id",
                    "customer_id",
                    "amount_minor",
                    "currency",
                    "placed_at",
                    "created_at",
                ],
            ),
            incidents: Batch::new(
                "incidents",
                &[
                    "id",
                    "customer_id",
                    "category_id",
                    "severity",
                    "source",
                    "status",
                    "description",
                    "occurred_at",
                    "detected_at",
                    "resolved_at",
                    "proactive",
                    "assignee_id",
                    "created_at",
                    "updated_at",
                ],
            ),
            actions: Batch::new(
                "recovery_actions",
                &[
                    "id",
                    "incident_id",
                    "kind",
                    "amount_minor",
                    "currency",
                    "status",
                    "created_at",
                ],
            ),
            signals: Batch::new(
                "signals",
                &[
                    "id",
                    "idempotency_key",
                    "kind",
                    "customer_id",
                    "value",
                    "observed_at",
                    "received_at",
                    "incident_id",
                ],
            ),
            feedback: Batch::new(
                "feedback",
                &[
                    "id",
                    "customer_id",
                    "channel",
                    "score_type",
                    "score",
                    "received_at",
                    "incident_id",
                    "assessment",
                    "reasons",
                    "entered_by_label",
                    "created_at",
                ],
            ),
            follow_ups: Batch::new(
                "follow_ups",
                &[
                    "id",
                    "feedback_id",
                    "customer_id",
                    "assignee_id",
                    "assessment",
                    "status",
                    "opened_at",
                    "due_at",
                    "closed_at",
                    "outcome",
                    "updated_at",
                ],
            ),
            referrals: Batch::new(
                "referrals",
                &[
                    "id",
                    "referrer_id",
                    "referred_customer_id",
                    "converted",
                    "source",
                    "occurred_at",
                    "created_by_label",
                    "created_at",
                ],
            ),
        }
    }

    /// Writes parents before the rows that refer to them.
    async fn write(&mut self, conn: &mut AnyConnection) -> Result<usize, AppError> {
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

/// PostgreSQL identity columns do not move when ids are given: set them past the rows written.
async fn advance_sequences(db: &Db) -> Result<(), AppError> {
    if app::db::dialect(db) == app::db::Dialect::Sqlite {
        return Ok(());
    }
    for table in [
        "teams",
        "staff_users",
        "customers",
        "orders",
        "incidents",
        "recovery_actions",
        "signals",
        "feedback",
        "follow_ups",
        "referrals",
        "stories",
    ] {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
        ))
        .execute(db)
        .await?;
    }
    Ok(())
}
