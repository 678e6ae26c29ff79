//! A year of settled recoveries behind the demo, for the recovery playbook: customers of the
//! archive whose Delivery and Billing incidents were put right in different ways and at different
//! speeds, and what they did in the 90 days after. Deterministic, with the pattern a team would
//! hope to find: a credit within the hour brings people back more often than a refund days later.
use app::audit::Actor;
use app::customers::fields::CustomerFields;
use app::db::{now_ms, Db};
use app::error::AppError;
use rand::{Rng, SeedableRng};

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

const FIRST: [&str; 12] = [
    "Ada", "Ben", "Clara", "Dev", "Elif", "Felix", "Greta", "Hugo", "Ines", "Jamal", "Kira", "Luca",
];
const LAST: [&str; 8] = [
    "Adeyemi", "Brandt", "Costa", "Duarte", "Evans", "Fischer", "Garcia", "Hayes",
];

/// (category, description, action, amount in cents, delay range, chance of coming back, how many)
type Approach = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    (i64, i64),
    f64,
    usize,
);
const APPROACHES: [Approach; 6] = [
    (
        "Delivery",
        "Parcel arrived two days late.",
        "credit",
        1_000,
        (10 * MINUTE, 50 * MINUTE),
        0.85,
        15,
    ),
    (
        "Delivery",
        "Box arrived crushed, contents damaged.",
        "replacement",
        0,
        (2 * HOUR, 6 * HOUR),
        0.45,
        15,
    ),
    (
        "Delivery",
        "Delivery missed the promised day.",
        "refund",
        599,
        (DAY + HOUR, 3 * DAY),
        0.3,
        15,
    ),
    (
        "Delivery",
        "Courier left the parcel in the rain.",
        "apology",
        0,
        (3 * HOUR, 2 * DAY),
        0.2,
        12,
    ),
    (
        "Billing",
        "Charged twice for one order.",
        "refund",
        2_500,
        (10 * MINUTE, 50 * MINUTE),
        0.6,
        10,
    ),
    (
        "Billing",
        "Invoice showed the wrong price.",
        "credit",
        500,
        (DAY, 4 * DAY),
        0.3,
        10,
    ),
];

pub async fn seed(db: &Db) -> Result<(), AppError> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(90);
    let now = now_ms();
    let actor = Actor::system("demo seed");
    let staff: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM staff_users WHERE role = 'associate' ORDER BY id")
            .fetch_all(db)
            .await?;
    let mut customers = Vec::new();
    let mut n = 0;
    for (category, description, kind, amount, (soonest, latest), back, count) in APPROACHES {
        for _ in 0..count {
            n += 1;
            let name = format!(
                "{} {}",
                FIRST[n % FIRST.len()],
                LAST[(n / FIRST.len()) % LAST.len()]
            );
            let fields = CustomerFields::parse(&name, "", "", &format!("c-3{n:03}"), "retail")?;
            let customer = app::customers::queries::create(db, &fields, &actor, "seed")
                .await?
                .id;
            customers.push(customer);
            let detected = now - rng.gen_range(100..430) * DAY;
            let at = detected + rng.gen_range(soonest..latest);
            let who = staff[rng.gen_range(0..staff.len())];
            let mut tx = app::db::begin_write(db).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO incidents (customer_id, category_id, severity, source, status, description,
                     occurred_at, detected_at, acknowledged_at, resolved_at, complained_at, proactive,
                     assignee_id, created_by, created_at, updated_at)
                 SELECT $1, k.id, k.default_severity, 'complaint', 'resolved', $2, $3, $3, $4, $4, $3, 0,
                     $5, $5, $3, $4
                 FROM incident_categories k WHERE k.name = $6 RETURNING id",
            )
            .bind(customer)
            .bind(description)
            .bind(detected)
            .bind(at)
            .bind(who)
            .bind(category)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO recovery_actions (incident_id, kind, amount_minor, currency, status,
                     created_by, created_at, decided_at)
                 VALUES ($1, $2, $3, 'USD', 'applied', $4, $5, $5)",
            )
            .bind(id)
            .bind(kind)
            .bind(amount)
            .bind(who)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            // An order before the incident, and one in the 90 days after for those who came back.
            let mut orders = vec![detected - rng.gen_range(5..60) * DAY];
            let came_back = rng.gen_bool(back);
            if came_back {
                orders.push(at + rng.gen_range(3..80) * DAY);
            }
            for (i, placed) in orders.into_iter().enumerate() {
                sqlx::query(
                    "INSERT INTO orders (external_id, customer_id, amount_minor, currency, placed_at, created_at)
                     VALUES ($1, $2, $3, 'USD', $4, $4)",
                )
                .bind(format!("demo-past-{id}-{i}"))
                .bind(customer)
                .bind(rng.gen_range(1_500..9_000_i64))
                .bind(placed)
                .execute(&mut *tx)
                .await?;
            }
            // Most answered the next survey: promoters more often among those who came back.
            if rng.gen_bool(0.8) {
                let score = if came_back {
                    [10, 10, 9, 9, 8][rng.gen_range(0..5)]
                } else {
                    [9, 8, 8, 7, 7][rng.gen_range(0..5)]
                };
                let received = at + rng.gen_range(2..30) * DAY;
                // Assessed as the detector would: a passive NPS is lukewarm and was followed up.
                let assessment = if score >= 9 { "fine" } else { "lukewarm" };
                let feedback: i64 = sqlx::query_scalar(
                    "INSERT INTO feedback (customer_id, channel, score_type, score, comment, received_at,
                         incident_id, assessment, reasons, entered_by_label, created_at)
                     VALUES ($1, 'survey', 'nps', $2, '', $3, $4, $5, $6, 'demo seed', $3) RETURNING id",
                )
                .bind(customer)
                .bind(score)
                .bind(received)
                .bind(id)
                .bind(assessment)
                .bind(if score >= 9 {
                    "[]".to_string()
                } else {
                    serde_json::json!([{"code": "score_middling", "text": format!("passive NPS ({score})")}])
                        .to_string()
                })
                .fetch_one(&mut *tx)
                .await?;
                if assessment == "lukewarm" {
                    sqlx::query(
                        "INSERT INTO follow_ups (feedback_id, customer_id, assignee_id, assessment, status,
                             opened_at, due_at, closed_at, outcome, customer_said, true_sentiment,
                             closed_by_label, updated_at)
                         VALUES ($1, $2, $3, 'lukewarm', 'closed', $4, $5, $6, 'genuinely_fine',
                             'Happy enough; the recovery was fair.', 'positive', 'demo seed', $6)",
                    )
                    .bind(feedback)
                    .bind(customer)
                    .bind(who)
                    .bind(received)
                    .bind(received + 2 * DAY)
                    .bind(received + DAY)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
        }
    }
    let mut conn = db.acquire().await?;
    app::standing::recompute::refresh(&mut conn, &customers, now).await?;
    Ok(())
}
