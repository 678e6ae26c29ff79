//! People the tests act as: staff and portal customers inserted directly, browsers signed in as
//! them, API tokens, and portal invitations.
use app::accounts::hashing::hash_password;
use app::db::now_ms;
use reqwest::{Client, Response, StatusCode};

use super::browsing::{browser, location};
use super::spawn::{unique, TestApp};

/// Every test account's password.
pub const PASSWORD: &str = "copper-kettle-orbit-42";

impl TestApp {
    /// Inserts a staff account directly and returns its email.
    pub async fn staff(&self, role: &str) -> String {
        let email = format!("{role}-{}@example.com", unique());
        let hash = hash_password(PASSWORD.into()).await.unwrap();
        sqlx::query(
            "INSERT INTO staff_users (email, name, role, password_hash, active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 1, $5, $5)",
        )
        .bind(&email)
        .bind(format!("Test {role}"))
        .bind(role)
        .bind(hash)
        .bind(now_ms())
        .execute(&self.db)
        .await
        .unwrap();
        email
    }

    /// The id of the staff account with `email`.
    pub async fn staff_id(&self, email: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM staff_users WHERE email = $1")
            .bind(email)
            .fetch_one(&self.db)
            .await
            .unwrap()
    }

    /// Inserts a customer with a portal login; returns (customer id, email).
    pub async fn portal_customer(&self, name: &str) -> (i64, String) {
        let email = format!("cust-{}@example.com", unique());
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO customers (external_ref, name, email, segment, referral_code, created_at, updated_at)
             VALUES ($1, $2, $3, 'retail', $4, $5, $5) RETURNING id",
        )
        .bind(format!("ref-{}", unique()))
        .bind(name)
        .bind(&email)
        .bind(unique().to_uppercase())
        .bind(now_ms())
        .fetch_one(&self.db)
        .await
        .unwrap();
        let hash = hash_password(PASSWORD.into()).await.unwrap();
        sqlx::query("INSERT INTO customer_logins (customer_id, password_hash, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(hash)
            .bind(now_ms())
            .execute(&self.db)
            .await
            .unwrap();
        (id, email)
    }

    /// Signs a browser in at the staff or portal sign-in form.
    pub async fn sign_in(
        &self,
        client: &Client,
        path: &str,
        email: &str,
        password: &str,
    ) -> Response {
        self.post_form(client, path, &[("email", email), ("password", password)])
            .await
    }

    /// Where a fresh browser's sign-in at the form at `path` leads.
    pub async fn sign_in_leads_to(&self, path: &str, email: &str, password: &str) -> String {
        location(&self.sign_in(&browser(), path, email, password).await)
    }

    /// A new browser signed in at the staff sign-in form as `email`.
    pub async fn signed_in_as(&self, email: &str) -> Client {
        let client = browser();
        let res = self.sign_in(&client, "/login", email, PASSWORD).await;
        assert_eq!(res.status(), 303, "staff sign-in should redirect");
        client
    }

    /// A browser signed in as a new staff member of `role`.
    pub async fn staff_browser(&self, role: &str) -> Client {
        self.signed_in_as(&self.staff(role).await).await
    }

    /// A browser signed in as a new portal customer.
    pub async fn customer_browser(&self) -> (Client, i64) {
        let client = browser();
        let (id, email) = self.portal_customer("Portal Person").await;
        let res = self
            .sign_in(&client, "/portal/login", &email, PASSWORD)
            .await;
        assert_eq!(res.status(), 303, "customer sign-in should redirect");
        (client, id)
    }
}

/// A signed-in browser for a new staff member of `role`, with their id.
pub async fn staff_with_id(app: &TestApp, role: &str) -> (i64, Client) {
    let email = app.staff(role).await;
    let client = app.signed_in_as(&email).await;
    (app.staff_id(&email).await, client)
}

/// Creates an API token as `admin` from the form `fields` (its name, and any expiry or
/// read-only flag); returns the token, shown this once.
pub async fn create_token(app: &TestApp, admin: &Client, fields: &[(&str, &str)]) -> String {
    let res = app.call(admin, "admin/tokens/create", fields).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let view = app.call_json(admin, "admin/tokens/list", &[]).await;
    view["revealed"]
        .as_str()
        .expect("the new token is revealed once")
        .to_string()
}

/// Creates an API token named `name` as a new admin and returns it.
pub async fn api_token(app: &TestApp, name: &str) -> String {
    let admin = app.staff_browser("admin").await;
    create_token(app, &admin, &[("name", name)]).await
}

/// An admin invites the customer with the email or reference `customer` to the portal.
pub async fn invite(app: &TestApp, admin: &Client, customer: &str) -> StatusCode {
    app.call(admin, "admin/invitations/create", &[("customer", customer)])
        .await
        .status()
}

/// The path of the invitation `admin` just created, shown once.
pub async fn invitation_path(app: &TestApp, admin: &Client) -> String {
    let view = app.call_json(admin, "admin/invitations/list", &[]).await;
    path_of(view["revealed_link"].as_str().unwrap())
}

/// The path of an absolute link in this app.
pub fn path_of(url: &str) -> String {
    url.split_once("://")
        .unwrap()
        .1
        .split_once('/')
        .map(|(_, p)| format!("/{p}"))
        .unwrap()
}

/// A strong password other than [`PASSWORD`], for new accounts and changed passwords.
pub const NEW_PASSWORD: &str = "lantern orchard seventy gravel";

/// A new-password form: the password and its confirmation.
pub fn new_password(password: &str) -> [(&'static str, &str); 2] {
    [("password", password), ("confirm", password)]
}
