//! The Extra Mile server: configuration, the HTTP application, demo data and the CLI's
//! commands. `main` only parses arguments; tests build the same application on port 0.
pub mod cli;
pub mod config;
pub mod generate;
pub mod http;
pub mod seed;

use app::clock::Clock;
use app::outbox::delivery::Mailer;
use app::state::AppState;
use app::{shell, App};
use axum::routing::{get, post};
use axum::Router;
use config::Config;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

/// A built application bound to its listener, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    mailer: Option<Arc<Mailer>>,
    pub state: AppState,
}

impl Application {
    /// Connects to the database (applying migrations), seeds demo data when asked, and binds.
    pub async fn build(config: &Config) -> Result<Self, String> {
        Self::build_with_clock(config, Clock::system()).await
    }

    /// As [`Application::build`], with background work read from and paced by `clock` (tests
    /// pass a driven one).
    pub async fn build_with_clock(config: &Config, clock: Clock) -> Result<Self, String> {
        let db = app::db::connect(
            &config.database_url,
            config.db_max_connections,
            config.slow_query_ms,
        )
        .await?;
        if config.seed_demo {
            seed::seed_if_empty(&db, &config.settings.public_url)
                .await
                .map_err(|e| format!("seeding demo data failed: {e}"))?;
        }
        // A site built with hashed file names lists them in its manifest; Leptos joins the
        // manifest's path to the binary's folder, so it is given absolute.
        let manifest = std::path::absolute(app::assets::manifest_path(&config.site_root))
            .unwrap_or_else(|_| app::assets::manifest_path(&config.site_root));
        let leptos_options = LeptosOptions::builder()
            .output_name("extramile")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .hash_files(manifest.is_file())
            .hash_file(std::sync::Arc::from(manifest.to_string_lossy().as_ref()))
            .build();
        let state = AppState {
            db,
            settings: Arc::new(config.settings.clone()),
            leptos_options,
            password_slots: AppState::password_slots_for_machine(),
            clock,
        };
        let mailer = match &config.smtp_url {
            Some(url) => Some(Arc::new(Mailer::from_url(url, &config.mail_from)?)),
            None => None,
        };
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("could not listen on {}: {e}", config.addr))?;
        Ok(Self {
            listener,
            router: router(state.clone()),
            mailer,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until Ctrl-C or SIGTERM, letting requests in flight finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        // Every instance runs the scheduler, with or without SMTP; claims in the database make
        // each job run once per period across instances.
        tokio::spawn(app::jobs::scheduler::run(app::jobs::work::Context {
            db: self.state.db.clone(),
            clock: self.state.clock.clone(),
            mailer: self.mailer.clone(),
            public_url: self.state.settings.public_url.clone(),
            webhooks_allow_private: self.state.settings.webhooks_allow_private,
        }));
        use axum::serve::ListenerExt;
        // Without TCP_NODELAY, streamed HTML stalls on Nagle's algorithm and delayed ACKs.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!("could not set TCP_NODELAY: {e}");
            }
        });
        axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    }
}

/// The app's page routes, generated once per process. Generating them renders the app with
/// resource loading suspended process-wide, so a page rendered by another instance in the same
/// process at that moment (the integration tests run many) would wait forever; once is safe.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    use axum::middleware::from_fn_with_state;
    // Before anything records a metric: the recorder is the process's, made once.
    http::metrics::install();
    let routes = route_list();
    let context_state = state.clone();
    let options = state.leptos_options.clone();
    let inner = Router::new()
        .route("/healthz", get(http::health::healthz))
        .route("/metrics", get(http::metrics::scrape))
        .route("/login", post(http::signin::staff_login))
        .route("/logout", post(http::signin::staff_logout))
        .route("/portal/login", post(http::signin::portal_login))
        .route("/portal/logout", post(http::signin::portal_logout))
        .route(
            "/portal/invite/{token}",
            post(http::signin::accept_invitation),
        )
        .route("/login/verify", post(http::signin::verify_second_factor))
        .route("/account/password", post(http::account::staff_change))
        .route(
            "/portal/account/password",
            post(http::account::portal_change),
        )
        .route("/login/forgot", post(http::account::staff_forgot))
        .route("/portal/login/forgot", post(http::account::portal_forgot))
        .route("/reset/{token}", post(http::account::staff_reset))
        .route("/portal/reset/{token}", post(http::account::portal_reset))
        .merge(http::api::router(state.clone()))
        .merge(http::imports::router())
        .merge(http::reports::router())
        .merge(http::exports::router())
        .merge(http::audit::router())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .nest(
            "/pkg",
            http::assets::bundle(&state.leptos_options.site_root),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn_with_state(state.clone(), http::guard::pages))
        .layer(CatchPanicLayer::custom(http::errors::panic_page))
        .layer(from_fn_with_state(state.clone(), http::security::csrf))
        .layer(from_fn_with_state(
            state.clone(),
            http::context::request_context,
        ))
        .layer(from_fn_with_state(state.clone(), http::security::headers))
        .layer(axum::middleware::from_fn(http::metrics::record));
    http::context::with_request_ids(inner)
        .layer(CompressionLayer::new())
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
