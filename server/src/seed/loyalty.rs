//! Demo orders and referrals: a year of orders for the demo customers, and Mei — whose
//! rental was refunded before she complained — bringing three friends who buy. Two customers
//! and one friend pay in euros, with a year of euro rates, so money figures show conversion.
use app::audit::Actor;
use app::common::money::Money;
use app::customers::bulk::{self, CustomerIn};
use app::customers::fields::CustomerFields;
use app::db::{now_ms, Db};
use app::error::AppError;
use app::loyalty::orders::{self, OrderIn};
use app::org::money::ExchangeRate;

const DAY: i64 = 86_400_000;

/// Customers who pay in euros.
const EURO: [&str; 3] = ["c-1006", "c-1011", "c-2003"];

/// Euro rates in US dollars, from so many days ago.
const EURO_RATES: [(i64, &str); 3] = [(400, "1.08"), (180, "1.1"), (45, "1.12")];

fn currency_of(customer: &str) -> String {
    if EURO.contains(&customer) {
        "EUR"
    } else {
        "USD"
    }
    .into()
}

/// (customer, days ago of each order, amount in cents)
const ORDERS: &[(&str, &[i64], i64)] = &[
    ("c-1001", &[300, 210, 120, 60, 12], 4250),
    ("c-1002", &[250, 140, 33], 2899),
    ("c-1003", &[330, 200, 90, 45, 20, 6], 8900),
    ("c-1004", &[40, 8, 2], 399),
    ("c-1005", &[160, 25], 11900),
    ("c-1006", &[90], 6450),
    ("c-1007", &[400, 380], 15900),
    ("c-1008", &[70, 15], 2300),
    ("c-1009", &[220, 100, 18], 1850),
    ("c-1010", &[35], 54900),
    ("c-1011", &[500], 3100),
    ("c-1012", &[150, 80, 10], 23000),
];

pub async fn seed(db: &Db) -> Result<(), AppError> {
    let actor = Actor::system("demo seed");
    let now = now_ms();
    let code: String =
        sqlx::query_scalar("SELECT referral_code FROM customers WHERE external_ref = 'c-1004'")
            .fetch_one(db)
            .await?;
    let friends = [
        ("c-2001", "Ines Moreau"),
        ("c-2002", "Kofi Mensah"),
        ("c-2003", "Lucía Romero Vidal"),
    ]
    .into_iter()
    .map(|(reference, name)| {
        Ok(CustomerIn {
            fields: CustomerFields::parse(name, "", "", reference, "retail")?,
            referred_by_code: Some(code.clone()),
        })
    })
    .collect::<Result<Vec<_>, AppError>>()?;
    bulk::upsert(db, friends, &actor)
        .await
        .map_err(|e| AppError::internal("demo referrals", format!("{e:?}")))?;
    let mut items = Vec::new();
    for (customer, days, cents) in ORDERS {
        for (n, ago) in days.iter().enumerate() {
            items.push(OrderIn {
                external_id: format!("demo-{customer}-{n}"),
                customer: customer.to_string(),
                amount: Money {
                    minor: cents + (n as i64 * 137) % 900,
                    currency: currency_of(customer),
                },
                placed_at: now - ago * DAY,
            });
        }
    }
    for (n, friend) in ["c-2001", "c-2002", "c-2003"].iter().enumerate() {
        items.push(OrderIn {
            external_id: format!("demo-{friend}-0"),
            customer: friend.to_string(),
            amount: Money {
                minor: 3500 + n as i64 * 1200,
                currency: currency_of(friend),
            },
            placed_at: now - (2 - n as i64) * DAY,
        });
    }
    let rates: Vec<ExchangeRate> = EURO_RATES
        .iter()
        .map(|(ago, rate)| ExchangeRate {
            currency: "EUR".into(),
            from: (chrono::Utc::now() - chrono::Duration::days(*ago))
                .format("%Y-%m-%d")
                .to_string(),
            rate: rate.to_string(),
        })
        .collect();
    app::org::money::queries::put(db, &rates, &actor).await?;
    orders::ingest(db, items, &actor)
        .await
        .map_err(|e| AppError::internal("demo orders", format!("{e:?}")))?;
    // Mei told her followers about the refund nobody asked for.
    let (mei, incident): (i64, i64) = sqlx::query_as(
        "SELECT c.id, i.id FROM customers c JOIN incidents i ON i.customer_id = c.id
         WHERE c.external_ref = 'c-1004' ORDER BY i.id LIMIT 1",
    )
    .fetch_one(db)
    .await?;
    let incident = incident.to_string();
    let post = app::loyalty::advocacy::PostForm {
        kind: "post",
        platform: "Instagram",
        url: "https://instagram.example.com/p/mei-refund",
        audience: "2400",
        sentiment: "positive",
        occurred_on: "",
        incident: &incident,
        story: "",
    };
    app::loyalty::advocacy::record_post(db, mei, &post, &actor).await?;
    Ok(())
}
