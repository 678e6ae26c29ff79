//! Demo feedback: a few weeks of answers with a realistic mix, "Good." answers that hid
//! problems, and follow-ups in every state.
use app::audit::Actor;
use app::db::{now_ms, Db};
use app::error::AppError;
use app::feedback::due::add_working_days;
use app::feedback::follow_ups::{self, Closing, NewAttempt};
use app::feedback::queries::{create, NewFeedback};
use app::feedback::{Channel, ContactChannel, Outcome, ScoreType, TrueSentiment};

const DAY: i64 = 86_400_000;

/// What happened to the follow-up, if one opens.
enum End {
    Open,
    Found(&'static str),
    Fine(&'static str),
    Unreachable,
}

/// (customer, days ago, question, score, comment, channel, end)
const ANSWERS: &[(&str, i64, &str, i64, &str, Channel, End)] = &[
    (
        "c-1001",
        26,
        "nps",
        10,
        "The reshipment arrived the next morning. Above and beyond!",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1002",
        24,
        "csat",
        4,
        "Good.",
        Channel::Survey,
        End::Found("The courier left it at the wrong door twice; he nearly cancelled."),
    ),
    (
        "c-1003",
        23,
        "csat",
        5,
        "Lovely packaging and so quick 😊",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1004",
        21,
        "nps",
        9,
        "Nobody asked me and you refunded the film anyway. Brilliant.",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1005",
        20,
        "nps",
        7,
        "Fine.",
        Channel::Phone,
        End::Fine("Genuinely happy; just not a talker. Likes the invoices monthly."),
    ),
    (
        "c-1006",
        18,
        "csat",
        3,
        "It was alright I guess",
        Channel::Survey,
        End::Found("The size guide was wrong and she had to return two pairs."),
    ),
    (
        "c-1007",
        17,
        "ces",
        3,
        "Had to call three times to change the address",
        Channel::Survey,
        End::Found("The address form on the app rejects flat numbers."),
    ),
    (
        "c-1008",
        15,
        "nps",
        8,
        "ok",
        Channel::Email,
        End::Unreachable,
    ),
    (
        "c-1009",
        13,
        "csat",
        5,
        "Perfect as always!",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1010",
        12,
        "nps",
        9,
        "Great coffee, shame the delivery was late again",
        Channel::Survey,
        End::Found("Three late deliveries in a month; was looking at another supplier."),
    ),
    (
        "c-1011",
        10,
        "csat",
        4,
        "Good.",
        Channel::InPerson,
        End::Fine("Asked in store: really was fine, in a hurry that day."),
    ),
    ("c-1012", 9, "nps", 10, "", Channel::Survey, End::Open),
    (
        "c-1001",
        8,
        "csat",
        5,
        "Thank you Priya!",
        Channel::Survey,
        End::Open,
    ),
    ("c-1002", 6, "nps", 6, "Good.", Channel::Survey, End::Open),
    (
        "c-1004",
        5,
        "csat",
        4,
        "It did the job.",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1006",
        4,
        "nps",
        9,
        "Excellent help on the phone 👏",
        Channel::Phone,
        End::Open,
    ),
    (
        "c-1009",
        3,
        "csat",
        2,
        "Still waiting for my refund",
        Channel::Survey,
        End::Open,
    ),
    // Effort scores across the last weeks, so CES has a trend beside NPS and CSAT.
    (
        "c-1004",
        12,
        "ces",
        7,
        "Refunded before I even asked. Effortless.",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1009",
        9,
        "ces",
        6,
        "Chat sorted the billing question in minutes.",
        Channel::Chat,
        End::Open,
    ),
    (
        "c-1006",
        5,
        "ces",
        2,
        "I had to explain the problem to four different people.",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1012",
        2,
        "ces",
        5,
        "Easy enough, the form was clear.",
        Channel::Portal,
        End::Open,
    ),
    (
        "c-1003",
        1,
        "nps",
        8,
        "Not bad.",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1005",
        0,
        "csat",
        4,
        "Good, but the invoice had the wrong VAT number",
        Channel::Email,
        End::Open,
    ),
    // This week late deliveries come up again and again: a rising theme.
    (
        "c-1007",
        4,
        "nps",
        6,
        "Delivery was late again, two days this time",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1008",
        3,
        "csat",
        3,
        "Parcel arrived late and nobody told me",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1011",
        2,
        "nps",
        7,
        "ok but late delivery",
        Channel::Survey,
        End::Open,
    ),
    (
        "c-1003",
        1,
        "csat",
        2,
        "Late delivery for the third time this month",
        Channel::Survey,
        End::Open,
    ),
];

pub async fn seed(db: &Db) -> Result<(), AppError> {
    let actor = Actor::system("demo seed");
    let now = now_ms();
    let tz = app::org::clock::time_zone(db).await?;
    let (sam, sam_email): (i64, String) =
        sqlx::query_as("SELECT id, email FROM staff_users WHERE email = 'sam@example.com'")
            .fetch_one(db)
            .await?;
    let sam_actor = Actor::staff(sam, &sam_email);
    for (reference, days_ago, kind, score, comment, channel, end) in ANSWERS {
        let customer_id: i64 =
            sqlx::query_scalar("SELECT id FROM customers WHERE external_ref = $1")
                .bind(reference)
                .fetch_one(db)
                .await?;
        let received_at = now - days_ago * DAY - 3 * 3_600_000;
        let new = NewFeedback {
            customer_id,
            channel: *channel,
            score_type: ScoreType::parse(kind).unwrap_or(ScoreType::Csat),
            score: *score,
            comment: comment.to_string(),
            received_at,
            incident_id: None,
            order_ref: None,
            survey_link_id: None,
            idempotency_key: None,
        };
        let recorded = create(db, &new, &actor).await?;
        let Some(id) = recorded.follow_up else {
            continue;
        };
        // Back-date the follow-up to when the answer came in, so older ones are overdue.
        let days = if recorded.assessment == app::feedback::Assessment::Unhappy {
            1
        } else {
            2
        };
        sqlx::query("UPDATE follow_ups SET opened_at = $1, due_at = $2 WHERE id = $3")
            .bind(received_at)
            .bind(add_working_days(received_at, days, tz))
            .bind(id)
            .execute(db)
            .await?;
        let closing = match end {
            End::Open => continue,
            End::Found(said) => Closing {
                outcome: Outcome::ProblemFound,
                customer_said: said.to_string(),
                true_sentiment: Some(TrueSentiment::Negative),
            },
            End::Fine(said) => Closing {
                outcome: Outcome::GenuinelyFine,
                customer_said: said.to_string(),
                true_sentiment: Some(TrueSentiment::Positive),
            },
            End::Unreachable => Closing {
                outcome: Outcome::Unreachable,
                customer_said: String::new(),
                true_sentiment: None,
            },
        };
        let tries = if matches!(end, End::Unreachable) {
            3
        } else {
            1
        };
        for n in 0..tries {
            let attempt = NewAttempt {
                channel: if n == 2 {
                    ContactChannel::Email
                } else {
                    ContactChannel::Phone
                },
                at: received_at + (n + 1) * DAY / 2,
                reached: !matches!(end, End::Unreachable),
                note: if matches!(end, End::Unreachable) {
                    "Voicemail; left a message.".into()
                } else {
                    String::new()
                },
            };
            follow_ups::log_attempt(db, id, &attempt, &sam_actor).await?;
        }
        follow_ups::close(db, id, &closing, &sam_actor).await?;
        sqlx::query("UPDATE follow_ups SET closed_at = $1 WHERE id = $2")
            .bind(received_at + tries * DAY / 2 + 3_600_000)
            .bind(id)
            .execute(db)
            .await?;
    }
    Ok(())
}
