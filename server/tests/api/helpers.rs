//! `spawn_app()` and the requests tests make, as a browser or an API client would.
use app::accounts::hashing::hash_password;
use app::db::{now_ms, Db};
use app::settings::Settings;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use reqwest::{redirect, Client, Response};
use server::config::Config;
use server::Application;

pub const PASSWORD: &str = "copper-kettle-orbit-42";

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub database_url: String,
}

fn unique() -> String {
    use rand::Rng;
    format!(
        "{:012x}",
        rand::thread_rng().gen::<u64>() & 0xffff_ffff_ffff
    )
}

/// A fresh database URL: a new PostgreSQL database under `TEST_DATABASE_URL`, else a temp file.
async fn fresh_database() -> String {
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(admin_url) => {
            sqlx::any::install_default_drivers();
            let name = format!("extramile_t_{}", unique());
            let admin = sqlx::AnyPool::connect(&admin_url)
                .await
                .expect("connect to TEST_DATABASE_URL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .expect("create test database");
            admin.close().await;
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("database URL with a path");
            format!("{base}/{name}")
        }
        None => {
            let path = std::env::temp_dir().join(format!("extramile-test-{}.db", unique()));
            format!("sqlite://{}", path.display())
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with_smtp(adjust, None).await
}

/// An app that delivers notices to the SMTP server at `smtp_url`.
pub async fn spawn_app_with_smtp(
    adjust: impl FnOnce(&mut Settings),
    smtp_url: Option<String>,
) -> TestApp {
    let mut settings = Settings::default();
    adjust(&mut settings);
    let database_url = fresh_database().await;
    let config = Config {
        database_url: database_url.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        log_filter: "warn".into(),
        seed_demo: false,
        db_max_connections: 5,
        slow_query_ms: 1000,
        site_root: "target/site".into(),
        smtp_url,
        mail_from: "Extra Mile <notices@example.com>".into(),
        settings,
    };
    let app = Application::build(&config)
        .await
        .expect("application builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let db = app.state.db.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        db,
        database_url,
    }
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

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

    pub async fn post_form(&self, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        client.post(self.url(path)).form(form).send().await.unwrap()
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

    /// A browser signed in as a new staff member of `role`.
    pub async fn staff_browser(&self, role: &str) -> Client {
        let client = browser();
        let email = self.staff(role).await;
        let res = self.sign_in(&client, "/login", &email, PASSWORD).await;
        assert_eq!(res.status(), 303, "staff sign-in should redirect");
        client
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

    /// Calls a server function as the app's own client code does (not as a plain HTML form).
    pub async fn call(&self, client: &Client, endpoint: &str, form: &[(&str, &str)]) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        client
            .post(self.url(&format!("/fn/{endpoint}")))
            .headers(headers)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// The HTML of a page as `client` sees it.
    pub async fn page_text(&self, client: &Client, path: &str) -> String {
        let res = client.get(self.url(path)).send().await.unwrap();
        res.text().await.unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db).await.unwrap()
    }
}

/// A signed-in browser for a new staff member of `role`, with their id.
pub async fn staff_with_id(app: &TestApp, role: &str) -> (i64, Client) {
    let email = app.staff(role).await;
    let client = browser();
    let res = app.sign_in(&client, "/login", &email, PASSWORD).await;
    assert_eq!(res.status(), 303);
    let id: i64 = sqlx::query_scalar("SELECT id FROM staff_users WHERE email = $1")
        .bind(&email)
        .fetch_one(&app.db)
        .await
        .unwrap();
    (id, client)
}

/// Adds a customer through the staff form; returns their id.
pub async fn customer(app: &TestApp, client: &Client, name: &str, reference: &str) -> i64 {
    let email = format!("{reference}@example.com");
    let res = app
        .call(
            client,
            "customers/create",
            &[
                ("name", name),
                ("email", &email),
                ("phone", ""),
                ("external_ref", reference),
                ("segment", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// Creates an API token as a new admin and returns it.
pub async fn api_token(app: &TestApp, name: &str) -> String {
    let admin = app.staff_browser("admin").await;
    app.call(&admin, "admin/tokens/create", &[("name", name)])
        .await;
    let view: serde_json::Value = app
        .call(&admin, "admin/tokens/list", &[])
        .await
        .json()
        .await
        .unwrap();
    view["revealed"].as_str().unwrap().to_string()
}

/// The value of the session cookie a response sets, if any.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("em_session="))
        .map(|v| {
            v.trim_start_matches("em_session=")
                .split(';')
                .next()
                .unwrap_or_default()
                .to_string()
        })
}

pub fn location(res: &Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Logs a Delivery incident for the customer with `reference` through the staff form; returns
/// its id.
pub async fn log_incident(app: &TestApp, client: &Client, reference: &str, source: &str) -> i64 {
    let category: i64 =
        sqlx::query_scalar("SELECT id FROM incident_categories WHERE name = 'Delivery'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let res = app
        .call(
            client,
            "incidents/create",
            &[
                ("customer", reference),
                ("new_customer_name", ""),
                ("category_id", &category.to_string()),
                ("severity", ""),
                ("source", source),
                ("occurred_at", ""),
                ("subject_ref", "order-778"),
                ("description", "Parcel went to the old address"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}
