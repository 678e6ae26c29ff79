//! Demo data: a small believable organisation, seeded into an empty database only.
use app::accounts::hashing::hash_password;
use app::accounts::{Email, Password};
use app::audit::{Actor, Entry};
use app::customers::fields::CustomerFields;
use app::customers::queries as customers;
use app::db::{now_ms, Db};
use app::error::AppError;

mod feedback;
mod history;
mod loyalty;
mod past;
mod stories;

/// The password of every demo account. Demo data is for trying the product, never production.
pub const DEMO_PASSWORD: &str = "copper-kettle-orbit-42";

/// (email, name, role)
pub const STAFF: [(&str, &str, &str); 7] = [
    ("admin@example.com", "Alex Rivera", "admin"),
    ("manager@example.com", "Morgan Lee", "manager"),
    ("priya@example.com", "Priya Shah", "associate"),
    ("sam@example.com", "Sam Ortega", "associate"),
    ("jonah@example.com", "Jonah Kim", "associate"),
    ("lena@example.com", "Lena Fischer", "associate"),
    ("omar@example.com", "Omar Haddad", "associate"),
];

/// The customer who has portal access in the demo.
pub const PORTAL_CUSTOMER: (&str, &str) = ("dana@example.com", "c-1001");

/// (external ref, name, email, phone, segment)
const CUSTOMERS: [(&str, &str, &str, &str, &str); 12] = [
    (
        "c-1001",
        "Dana Reyes",
        "dana@example.com",
        "+1 555 010 2030",
        "retail",
    ),
    (
        "c-1002",
        "Tomás Alvarez",
        "tomas.alvarez@example.com",
        "+1 555 010 4411",
        "retail",
    ),
    (
        "c-1003",
        "Hannah Okafor",
        "hannah.okafor@example.com",
        "",
        "vip",
    ),
    (
        "c-1004",
        "Mei Chen",
        "mei.chen@example.com",
        "+44 20 7946 0321",
        "retail",
    ),
    (
        "c-1005",
        "Oskar Lindqvist",
        "oskar@example.com",
        "",
        "business",
    ),
    (
        "c-1006",
        "Fatima Zahra",
        "fatima.zahra@example.com",
        "+33 1 70 36 39 50",
        "retail",
    ),
    (
        "c-1007",
        "Ravi Patel",
        "ravi.patel@example.com",
        "",
        "retail",
    ),
    (
        "c-1008",
        "Greenleaf Café",
        "orders@greenleaf.example.com",
        "+1 555 010 7788",
        "business",
    ),
    (
        "c-1009",
        "Lucía Romero",
        "lucia.romero@example.com",
        "",
        "vip",
    ),
    (
        "c-1010",
        "Ben Carter",
        "ben.carter@example.com",
        "+1 555 010 9012",
        "retail",
    ),
    (
        "c-1011",
        "Aiko Tanaka",
        "aiko.tanaka@example.com",
        "",
        "retail",
    ),
    (
        "c-1012",
        "Northwind Studio",
        "hello@northwind.example.com",
        "",
        "business",
    ),
];

/// Seeds the demo organisation when no staff account exists yet. Returns whether it seeded.
pub async fn seed_if_empty(db: &Db, public_url: &str) -> Result<bool, AppError> {
    let staff: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_users")
        .fetch_one(db)
        .await?;
    if staff > 0 {
        return Ok(false);
    }
    let actor = Actor::system("demo seed");
    for (email, name, role) in STAFF {
        app::admin::users::queries::create(db, email, name, role, DEMO_PASSWORD, &actor).await?;
    }
    for (reference, name, email, phone, segment) in CUSTOMERS {
        let fields = CustomerFields::parse(name, email, phone, reference, segment)?;
        customers::create(db, &fields, &actor, "seed").await?;
    }
    grant_portal_access(
        db,
        PORTAL_CUSTOMER.1,
        PORTAL_CUSTOMER.0,
        DEMO_PASSWORD,
        &actor,
    )
    .await?;
    seed_incidents(db, public_url).await?;
    history::seed(db).await?;
    past::seed(db).await?;
    seed_rules(db).await?;
    feedback::seed(db).await?;
    stories::seed(db).await?;
    loyalty::seed(db).await?;
    tracing::info!("seeded demo data");
    Ok(true)
}

/// The rule of the product brief: poor playback refunds the rental, unprompted.
async fn seed_rules(db: &Db) -> Result<(), AppError> {
    use app::signals::input::RuleForm;
    let category: i64 = sqlx::query_scalar(
        "SELECT id FROM incident_categories WHERE name = 'Streaming / playback'",
    )
    .fetch_one(db)
    .await?;
    let form = RuleForm {
        name: "Playback rebuffering".into(),
        signal_kind: "playback.rebuffer_ratio".into(),
        comparison: "gt".into(),
        threshold: "0.05".into(),
        category_id: category.to_string(),
        severity: "minor".into(),
        recovery: "refund_percent".into(),
        refund_percent: "100".into(),
        cap: "5.00".into(),
        currency: "USD".into(),
        auto_apply_limit: "5.00".into(),
        notice_subject: "Sorry about {subject}: we refunded it".into(),
        notice_template: "Dear {name},\n\nWe noticed that {subject} kept buffering while you watched. That is not the evening \
we want for you, so we refunded {amount}. There is nothing you need to do.\n\nWe are sorry, and we hope you enjoy the next one."
            .into(),
        ..Default::default()
    };
    app::signals::queries::save(db, None, &form.parse()?, &Actor::system("demo seed")).await?;
    Ok(())
}

/// A handful of incidents in every state, logged by the demo associates.
async fn seed_incidents(db: &Db, public_url: &str) -> Result<(), AppError> {
    use app::incidents::changes;
    use app::incidents::fields::{NewAction, NewIncident};
    use app::incidents::{Severity, Source};
    async fn staff(db: &Db, email: &str) -> Result<(i64, Actor), AppError> {
        let id: i64 = sqlx::query_scalar("SELECT id FROM staff_users WHERE email = $1")
            .bind(email)
            .fetch_one(db)
            .await?;
        Ok((id, Actor::staff(id, email)))
    }
    async fn category(db: &Db, name: &str) -> Result<i64, AppError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM incident_categories WHERE name = $1")
                .bind(name)
                .fetch_one(db)
                .await?,
        )
    }
    fn incident(
        customer: &str,
        category_id: i64,
        severity: Option<Severity>,
        source: Source,
        hours_ago: i64,
        subject: Option<&str>,
        description: &str,
    ) -> NewIncident {
        NewIncident {
            customer: customer.into(),
            new_customer_name: None,
            category_id,
            severity,
            source,
            occurred_at: now_ms() - hours_ago * 3_600_000,
            subject_ref: subject.map(Into::into),
            description: description.into(),
        }
    }
    let (priya, priya_actor) = staff(db, "priya@example.com").await?;
    let (sam, sam_actor) = staff(db, "sam@example.com").await?;
    let (_, manager) = staff(db, "manager@example.com").await?;

    // Dana: a parcel sent to her old address, reshipped the same day, with a notice.
    let delivery = category(db, "Delivery").await?;
    let new = incident(
        "c-1001",
        delivery,
        None,
        Source::Complaint,
        30,
        Some("order-5512"),
        "Parcel went to the customer's old address after she moved.",
    );
    let dana = changes::create(db, new, None, priya, &priya_actor, "seed").await?;
    let reship = NewAction::parse(
        "replacement",
        "",
        "USD",
        "Reshipped by express to the new address",
    )?;
    changes::add_action(db, dana, reship, priya, &priya_actor).await?;
    let body = "Dear Dana,\n\nYour order went to your previous address: our mistake. We sent a new parcel by express to your new address today; it arrives tomorrow.\n\nSorry for the trouble.";
    changes::send_notice(
        db,
        dana,
        "Your parcel is on its way again",
        body,
        &priya_actor,
    )
    .await?;
    changes::resolve(
        db,
        dana,
        "Address change not synced to the shipping label",
        "",
        public_url,
        &priya_actor,
    )
    .await?;

    // Mei: a streaming rental that played back badly, refunded before she said anything.
    let playback = category(db, "Streaming / playback").await?;
    let new = incident(
        "c-1004",
        playback,
        None,
        Source::Staff,
        6,
        Some("rental-987"),
        "Film rental rebuffered for most of the evening.",
    );
    let mei = changes::create(db, new, None, sam, &sam_actor, "seed").await?;
    changes::add_action(
        db,
        mei,
        NewAction::parse("refund", "3.99", "USD", "Full rental refunded")?,
        sam,
        &sam_actor,
    )
    .await?;
    let body = "Dear Mei,\n\nWe saw your rental kept buffering last night. We have refunded the 3.99 USD; there is nothing you need to do.";
    changes::send_notice(db, mei, "We refunded last night's rental", body, &sam_actor).await?;

    // Tomás: charged twice; a refund over the approval limit waits for the manager.
    let billing = category(db, "Billing").await?;
    let new = incident(
        "c-1002",
        billing,
        Some(Severity::Critical),
        Source::Complaint,
        3,
        Some("invoice-2231"),
        "Annual plan charged twice.",
    );
    let tomas = changes::create(db, new, None, priya, &priya_actor, "seed").await?;
    changes::add_action(
        db,
        tomas,
        NewAction::parse("refund", "129.00", "USD", "Second charge")?,
        priya,
        &priya_actor,
    )
    .await?;

    // Oskar: a broken checkout page nobody has picked up yet, now overdue.
    let web = category(db, "Website / app").await?;
    let new = incident(
        "c-1005",
        web,
        Some(Severity::Major),
        Source::Complaint,
        7,
        None,
        "Checkout page showed an error when paying by invoice.",
    );
    let oskar = changes::create(db, new, None, sam, &sam_actor, "seed").await?;
    sqlx::query("UPDATE incidents SET detected_at = $1 WHERE id = $2")
        .bind(now_ms() - 6 * 3_600_000)
        .bind(oskar)
        .execute(db)
        .await?;

    // Hannah: a scratched lamp; she only wanted us to know.
    let quality = category(db, "Product quality").await?;
    let new = incident(
        "c-1003",
        quality,
        Some(Severity::Minor),
        Source::Complaint,
        72,
        Some("order-5420"),
        "Small scratch on the lamp base; customer keeps it.",
    );
    let hannah = changes::create(db, new, None, priya, &priya_actor, "seed").await?;
    changes::add_note(
        db,
        hannah,
        "Customer said she only wanted the warehouse to know.",
        &manager,
    )
    .await?;
    let reason = "Customer declined a replacement or discount";
    changes::resolve(
        db,
        hannah,
        "Packing without corner protection",
        reason,
        public_url,
        &priya_actor,
    )
    .await?;
    Ok(())
}

/// Gives an existing customer a portal login (the CLI's `user add --role customer`).
pub async fn grant_portal_access(
    db: &Db,
    reference: &str,
    email: &str,
    password: &str,
    actor: &Actor,
) -> Result<i64, AppError> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    let customer = customers::find_by_reference(db, reference)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("A customer with reference '{reference}'")))?;
    match customer.email.as_deref() {
        Some(existing) if existing != email.as_str() => {
            return Err(AppError::Conflict(format!(
            "{} signs in as {existing}; use that email or change it on the customer page first.",
            customer.name
        )))
        }
        _ => {}
    }
    let context: Vec<&str> = std::iter::once(email.as_str())
        .chain(customer.name.split(' '))
        .collect();
    let password =
        Password::parse(password, &context).map_err(|m| AppError::field("password", m))?;
    let hash = hash_password(password.expose().to_string()).await?;
    let mut tx = app::db::begin_write(db).await?;
    sqlx::query("UPDATE customers SET email = $1, updated_at = $2 WHERE id = $3")
        .bind(email.as_str())
        .bind(now_ms())
        .bind(customer.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM customer_logins WHERE customer_id = $1")
        .bind(customer.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO customer_logins (customer_id, password_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(customer.id)
    .bind(hash)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    Entry::new(actor, "portal_access.grant", "customer")
        .id(customer.id)
        .write(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(customer.id)
}

pub fn print_accounts() {
    println!("Demo accounts (password for all: {DEMO_PASSWORD}):");
    for (email, name, role) in STAFF {
        println!("  {role:<10} {email:<24} {name}   sign in at /login");
    }
    println!(
        "  {:<10} {:<24} Dana Reyes   sign in at /portal/login",
        "customer", PORTAL_CUSTOMER.0
    );
}
