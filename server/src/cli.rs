//! The command line: `serve` (default), `migrate`, `seed-demo`, `generate`, `user add`,
//! `token create`, after the configuration's options (`crate::config`). What a command is asked
//! for goes to standard output; logs and notes go to standard error.
use crate::config::{self, Config, ConfigArgs};
use crate::Application;
use app::audit::Actor;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use std::io::{IsTerminal, Read};

#[derive(Parser, Debug)]
#[command(
    name = "extramile",
    version,
    about = "Extra Mile: customer experience management"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The command line, with options falling back on their environment variables (blank ones
    /// counting as unset); on a mistake, prints clap's message and exits.
    pub fn from_env_and_args() -> Self {
        let mut cmd = config::without_blank_env(Cli::command(), |name| std::env::var_os(name));
        let mut matches = cmd.clone().get_matches();
        Cli::from_arg_matches_mut(&mut matches)
            .map_err(|e| e.format(&mut cmd))
            .unwrap_or_else(|e| e.exit())
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the app (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Seed demo data into an empty database and print the demo accounts.
    SeedDemo,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Fill an empty database with a generated organisation at a chosen scale, for load
    /// tests and benchmarks (about ten events per customer over two years).
    Generate {
        #[arg(long)]
        customers: usize,
        /// Seed for the random choices: the same seed gives the same data.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a staff account, or with `--role customer --customer REF` give an existing
    /// customer portal access. The password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// associate, manager, admin or customer
        #[arg(long)]
        role: String,
        /// The customer's external reference (or email), with --role customer.
        #[arg(long)]
        customer: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token and print it once.
    Create {
        #[arg(long)]
        name: String,
        /// Days until the token stops working (default: never).
        #[arg(long)]
        expires_days: Option<u32>,
        /// The token may only read (GET requests).
        #[arg(long)]
        read_only: bool,
    },
}

/// Logs to standard error, so that standard output carries only what a command prints
/// (`TOKEN=$(extramile token create …)` captures the token alone); colours only on a terminal.
pub fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

pub async fn run(cli: Cli) -> Result<(), String> {
    let config = cli.config.into_config();
    init_tracing(&config.log_filter);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            app::db::connect(&config.database_url, 1, config.slow_query_ms).await?;
            println!(
                "Migrations applied to {}.",
                app::db::redact(&config.database_url)
            );
            Ok(())
        }
        Command::Generate { customers, seed } => {
            if customers == 0 {
                return Err("--customers must be at least 1".into());
            }
            let db = app::db::connect(&config.database_url, 2, config.slow_query_ms).await?;
            let rows = crate::generate::run(&db, customers, seed)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Generated {customers} customers and {rows} rows in {}.",
                app::db::redact(&config.database_url)
            );
            Ok(())
        }
        Command::SeedDemo => {
            let db = app::db::connect(&config.database_url, 2, config.slow_query_ms).await?;
            let seeded = crate::seed::seed_if_empty(&db, &config.settings.public_url)
                .await
                .map_err(|e| e.to_string())?;
            if seeded {
                println!("Demo data seeded.");
            } else {
                println!("The database already has accounts: demo data not added.");
            }
            crate::seed::print_accounts();
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    customer,
                    password_stdin,
                },
        } => {
            if !password_stdin {
                return Err("pass --password-stdin and send the password on standard input".into());
            }
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("could not read standard input: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']).to_string();
            let db = app::db::connect(&config.database_url, 2, config.slow_query_ms).await?;
            let actor = Actor::system("cli");
            if role.trim().eq_ignore_ascii_case("customer") {
                let reference = customer.ok_or("--role customer needs --customer EXTERNAL_REF")?;
                let id =
                    crate::seed::grant_portal_access(&db, &reference, &email, &password, &actor)
                        .await
                        .map_err(|e| describe(&e))?;
                println!("Customer {id} ({name}) can now sign in at /portal/login as {email}.");
            } else {
                let user = app::admin::users::queries::create(
                    &db, &email, &name, &role, &password, &actor,
                )
                .await
                .map_err(|e| describe(&e))?;
                println!(
                    "Created {} account {} for {}.",
                    user.role.as_str(),
                    user.email,
                    user.name
                );
            }
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    name,
                    expires_days,
                    read_only,
                },
        } => {
            let db = app::db::connect(&config.database_url, 2, config.slow_query_ms).await?;
            let limits = app::admin::tokens::TokenLimits::parse(
                &expires_days.map(|d| d.to_string()).unwrap_or_default(),
                if read_only { "1" } else { "" },
                app::db::now_ms(),
            )
            .map_err(|e| describe(&e))?;
            let (record, token) = app::admin::tokens::queries::create(
                &db,
                &name,
                limits,
                None,
                &Actor::system("cli"),
            )
            .await
            .map_err(|e| describe(&e))?;
            eprintln!(
                "Created API token {} ('{}'). It is shown once; store it now:",
                record.id, record.name
            );
            println!("{token}");
            Ok(())
        }
    }
}

/// An error with its field messages, for the terminal.
fn describe(err: &app::error::AppError) -> String {
    match err {
        app::error::AppError::Validation { message, fields } if !fields.is_empty() => {
            let details: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect();
            format!("{message} {}", details.join("; "))
        }
        other => other.to_string(),
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let app = Application::build(&config).await?;
    let url = format!("http://{}:{}", config.addr.ip(), app.port());
    tracing::info!("database {}", app::db::redact(&config.database_url));
    tracing::info!("site {}", config.site_root);
    // Output, not a log line: scripts read the address (with port 0, the port chosen) from it.
    println!("Extra Mile is serving at {url}");
    if config.seed_demo {
        crate::seed::print_accounts();
    }
    app.run_until_stopped()
        .await
        .map_err(|e| format!("server error: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `args` after the program name, with no environment at all.
    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        let cmd = Cli::command().mut_args(|arg| arg.env(None::<&'static str>));
        let mut matches =
            cmd.try_get_matches_from(std::iter::once("extramile").chain(args.iter().copied()))?;
        Cli::from_arg_matches_mut(&mut matches)
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_command_means_serve_with_the_defaults() {
        let cli = parse(&[]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.config.addr, "127.0.0.1:3000".parse().unwrap());
    }

    #[test]
    fn configuration_options_come_before_the_command() {
        let cli = parse(&["--addr", "0.0.0.0:8080", "--seed-demo", "serve"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Serve)));
        assert_eq!(cli.config.addr, "0.0.0.0:8080".parse().unwrap());
        assert!(cli.config.seed_demo);
    }

    #[test]
    fn token_create_takes_its_own_options() {
        let cli = parse(&[
            "token",
            "create",
            "--name",
            "Survey tool",
            "--expires-days",
            "30",
            "--read-only",
        ])
        .unwrap();
        match cli.command {
            Some(Command::Token {
                command:
                    TokenCommand::Create {
                        name,
                        expires_days,
                        read_only,
                    },
            }) => {
                assert_eq!(name, "Survey tool");
                assert_eq!(expires_days, Some(30));
                assert!(read_only);
            }
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn generate_keeps_its_seed_apart_from_seed_demo() {
        let cli = parse(&["generate", "--customers", "10", "--seed", "3"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Generate {
                customers: 10,
                seed: 3
            })
        ));
        assert!(!cli.config.seed_demo);
    }
}
