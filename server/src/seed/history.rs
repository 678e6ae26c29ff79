//! Twelve weeks of settled incidents behind the demo's open ones, so the weekly report a manager
//! opens on the demo has weeks to compare and trends to read. Written as rows with their own
//! dates (the domain functions stamp everything "now"), the same rows the app writes: the
//! incident, its recovery action and its timeline.
use app::db::{now_ms, Db, Sql};
use app::error::AppError;
use chrono::{Datelike, Duration, TimeZone, Utc};
use rand::{Rng, SeedableRng};

const HOUR: i64 = 3_600_000;

/// Who the history is about: everyone but Dana and Mei, whose own stories the demo tells.
const CUSTOMERS: [&str; 10] = [
    "c-1002", "c-1003", "c-1005", "c-1006", "c-1007", "c-1008", "c-1009", "c-1010", "c-1011",
    "c-1012",
];

const ASSOCIATES: [&str; 5] = [
    "priya@example.com",
    "sam@example.com",
    "jonah@example.com",
    "lena@example.com",
    "omar@example.com",
];

/// (category, what went wrong, root cause, recovery kind, amount in cents, what was done).
const CASES: [(&str, &str, &str, &str, i64, &str); 10] = [
    (
        "Delivery",
        "Parcel marked delivered but left with a neighbour three doors down.",
        "Courier skipped the safe-place instruction",
        "replacement",
        0,
        "Reshipped by express",
    ),
    (
        "Delivery",
        "Order arrived four days after the promised date.",
        "Carrier backlog at the regional hub",
        "refund",
        799,
        "Shipping fee refunded",
    ),
    (
        "Billing",
        "Promotion code accepted at checkout but not applied to the invoice.",
        "Promotion expired between basket and payment",
        "refund",
        1500,
        "Difference refunded",
    ),
    (
        "Billing",
        "Charged for a subscription month after cancelling.",
        "Cancellation saved after the billing run",
        "refund",
        1299,
        "Month refunded in full",
    ),
    (
        "Product quality",
        "Kettle lid hinge snapped on the second use.",
        "Hinge batch below specification",
        "replacement",
        0,
        "New kettle sent from the replaced batch",
    ),
    (
        "Product quality",
        "Jacket zip came away from the seam.",
        "Stitching fault on one production run",
        "credit",
        2000,
        "Store credit while the jacket is repaired",
    ),
    (
        "Website / app",
        "Saved address vanished and the order shipped to the billing address.",
        "App update cleared saved addresses",
        "callback",
        0,
        "Called back within the hour to fix the address",
    ),
    (
        "Website / app",
        "Password reset email never arrived.",
        "Mail provider throttled reset emails",
        "apology",
        0,
        "Reset by phone and apologised",
    ),
    (
        "Streaming / playback",
        "Live match stream froze in the second half.",
        "Encoder failover took four minutes",
        "credit",
        500,
        "A month's credit for the missed match",
    ),
    (
        "Streaming / playback",
        "Subtitles out of sync for a whole series.",
        "Subtitle track from another edit",
        "apology",
        0,
        "Apologised and fixed the track",
    ),
];

struct Staff {
    id: i64,
    label: String,
}

/// Writes the weeks before the current one. Deterministic: every demo holds the same history.
pub async fn seed(db: &Db) -> Result<(), AppError> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(48);
    let now = now_ms();
    let mut staff = Vec::new();
    for email in ASSOCIATES {
        let id: i64 = sqlx::query_scalar("SELECT id FROM staff_users WHERE email = $1")
            .bind(email)
            .fetch_one(db)
            .await?;
        staff.push(Staff {
            id,
            label: email.to_string(),
        });
    }
    let today = Utc::now().date_naive();
    let this_monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let mut customers = std::collections::BTreeSet::new();
    let mut tx = app::db::begin_write(db).await?;
    for weeks_ago in 1..=12i64 {
        let monday = this_monday - Duration::days(7 * weeks_ago);
        let start = Utc
            .from_utc_datetime(&monday.and_hms_opt(0, 0, 0).unwrap_or_default())
            .timestamp_millis();
        for _ in 0..rng.gen_range(2..=5) {
            let customer = CUSTOMERS[rng.gen_range(0..CUSTOMERS.len())];
            let (category, description, cause, kind, amount, done) =
                CASES[rng.gen_range(0..CASES.len())];
            let who = &staff[rng.gen_range(0..staff.len())];
            let proactive = rng.gen_bool(0.4);
            let detected = start + rng.gen_range(0..7) * 24 * HOUR + rng.gen_range(8..18) * HOUR;
            let acknowledged = (detected + rng.gen_range(1..8) * HOUR / 2).min(now);
            // Most recoveries take hours, a few run to two days.
            let resolved =
                (acknowledged + HOUR / 2 + (rng.gen::<f64>().powi(2) * 48.0 * HOUR as f64) as i64)
                    .min(now);
            customers.insert(customer);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO incidents (customer_id, category_id, severity, source, status, description,
                     occurred_at, detected_at, acknowledged_at, resolved_at, complained_at, proactive,
                     assignee_id, created_by, root_cause, created_at, updated_at)
                 SELECT c.id, k.id, k.default_severity, $3, 'resolved', $4, $5, $6, $7, $8, $9, $10,
                     $11, $11, $12, $6, $8
                 FROM customers c, incident_categories k WHERE c.external_ref = $1 AND k.name = $2
                 RETURNING id",
            )
            .bind(customer)
            .bind(category)
            .bind(if proactive { "staff" } else { "complaint" })
            .bind(description)
            .bind(detected - rng.gen_range(1..6) * HOUR)
            .bind(detected)
            .bind(acknowledged)
            .bind(resolved)
            .bind((!proactive).then_some(detected))
            .bind(proactive as i64)
            .bind(who.id)
            .bind(cause)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO recovery_actions (incident_id, kind, amount_minor, currency, status, note,
                     created_by, created_at, decided_at)
                 VALUES ($1, $2, $3, 'USD', 'applied', $4, $5, $6, $6)",
            )
            .bind(id)
            .bind(kind)
            .bind(amount)
            .bind(done)
            .bind(who.id)
            .bind(acknowledged)
            .execute(&mut *tx)
            .await?;
            let applied = match amount {
                0 => format!("{done}: applied"),
                cents => format!("{done}: {}.{:02} USD applied", cents / 100, cents % 100),
            };
            let opened = if proactive {
                "Noticed by staff before the customer complained".to_string()
            } else {
                "Logged from the customer's complaint".to_string()
            };
            for (at, event, message) in [
                (detected, "created", opened),
                (acknowledged, "action", applied),
                (
                    resolved,
                    "resolved",
                    format!("Resolved. Root cause: {cause}"),
                ),
            ] {
                sqlx::query(
                    "INSERT INTO incident_events (incident_id, at, actor_label, kind, message, internal)
                     VALUES ($1, $2, $3, $4, $5, 1)",
                )
                .bind(id)
                .bind(at)
                .bind(&who.label)
                .bind(event)
                .bind(message)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    let mut q = Sql::new("SELECT id FROM customers WHERE external_ref IN ");
    q.list(customers);
    let ids: Vec<i64> = q.query_scalar().fetch_all(&mut *tx).await?;
    app::standing::recompute::refresh(&mut tx, &ids, now).await?;
    tx.commit().await?;
    Ok(())
}
