//! Demo data: a small believable organisation, seeded into an empty database only.
use app::accounts::hashing::hash_password;
use app::accounts::{Email, Password};
use app::audit::{Actor, Entry};
use app::customers::fields::CustomerFields;
use app::customers::queries as customers;
use app::db::{now_ms, Db};
use app::error::AppError;

/// The password of every demo account. Demo data is for trying the product, never production.
pub const DEMO_PASSWORD: &str = "copper-kettle-orbit-42";

/// (email, name, role)
pub const STAFF: [(&str, &str, &str); 5] = [
    ("admin@example.com", "Alex Rivera", "admin"),
    ("manager@example.com", "Morgan Lee", "manager"),
    ("priya@example.com", "Priya Shah", "associate"),
    ("sam@example.com", "Sam Ortega", "associate"),
    ("jonah@example.com", "Jonah Kim", "associate"),
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
pub async fn seed_if_empty(db: &Db) -> Result<bool, AppError> {
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
    tracing::info!("seeded demo data");
    Ok(true)
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
    let mut tx = db.begin().await?;
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
