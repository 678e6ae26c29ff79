//! The `extramile` binary: parses the command line and hands over to `server::cli`.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = server::cli::Cli::from_env_and_args();
    match server::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
