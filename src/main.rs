//! `pathway [COMMAND]`: thin; everything lives in the library. `pathway --help` lists the
//! commands; with none it serves.

use std::process::ExitCode;

use clap::Parser;
use pathway::cli::{Cli, Command};
use pathway::config::{AppEnv, Config};

#[tokio::main]
async fn main() -> ExitCode {
    // `--help`, `--version` and bad arguments are answered before any configuration is read.
    let cli = Cli::parse();
    let _ = dotenvy::dotenv();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pathway cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    pathway::telemetry::init(&config.log_format);
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pathway: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    let production = config.app_env == AppEnv::Production;
    match command {
        Command::Serve => pathway::app::serve(config).await,
        Command::Worker => pathway::app::worker(config).await,
        Command::Migrate => {
            pathway::app::prepare(config).await?;
            println!("Migrations applied");
            Ok(())
        }
        Command::SeedDemo => {
            if production {
                anyhow::bail!("demo data is never loaded with APP_ENV=production");
            }
            let state = pathway::app::prepare(config).await?;
            if !pathway::seed::is_empty(&state).await? {
                anyhow::bail!(
                    "the database already has users; demo data is loaded only into an empty database"
                );
            }
            pathway::seed::seed_demo(&state).await?;
            println!("Demo authority loaded");
            Ok(())
        }
        Command::SeedSynthetic(a) => {
            if production {
                anyhow::bail!("synthetic data is never loaded with APP_ENV=production");
            }
            let state = pathway::app::prepare(config).await?;
            let s = pathway::synthetic::generate(&state, a.young_people, a.seed).await?;
            println!(
                "Loaded {} young people, {} teams and {} accounts (adviser-0@synthetic.test and so on)",
                s.young_people, s.teams, s.users
            );
            Ok(())
        }
        Command::RefreshTimelines => {
            let state = pathway::app::prepare(config).await?;
            let n = pathway::services::young_people::refresh_all(&state)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Timelines worked out for {n} young people");
            Ok(())
        }
        Command::RefreshIndicators => {
            let state = pathway::app::prepare(config).await?;
            let rows = pathway::services::indicators::refresh(&state).await?;
            println!("Indicators worked out: {rows} figures");
            Ok(())
        }
        Command::CreateUser(a) => {
            if a.password.is_some() {
                anyhow::bail!(
                    "--password: passwords are never taken from the command line; pipe it on standard input or type it at the prompt"
                );
            }
            let pw = pathway::cli::read_password()
                .map_err(|e| anyhow::anyhow!("cannot read the password: {e}"))?;
            let state = pathway::app::prepare(config).await?;
            pathway::cli::create_user(&state, a, pw).await
        }
    }
}
