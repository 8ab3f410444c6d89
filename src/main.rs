//! `pathway [serve|migrate|seed-demo|create-user]`: thin; everything lives in the library.

use std::process::ExitCode;

use pathway::config::Config;

const USAGE: &str = "usage: pathway [serve | worker | migrate | seed-demo | seed-synthetic --young-people N [--seed S] | refresh-timelines | refresh-indicators | create-user --email EMAIL [--name NAME] [--role adviser|manager|senior_manager|none] [--admin]]
  serve        run the web service (the default), with the background jobs unless RUN_JOBS=false
  worker       run only the background jobs: reminders, email, the daily timeline refresh and
               the indicators
  migrate      apply database migrations and exit
  seed-demo    load the demo authority into an empty database
  seed-synthetic  load a synthetic authority of N young people (the same for the same seed) into
               an empty database, for load tests; every password is DEMO_PASSWORD
  refresh-timelines   work out every young person's stored timeline now (the background jobs do it daily)
  refresh-indicators  work out the performance indicators now
  create-user  create a user; the password is read from standard input";

#[tokio::main]
async fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if matches!(command, "-h" | "--help" | "help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pathway cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    pathway::telemetry::init(&config.log_format);
    let result = match command {
        "serve" => pathway::app::serve(config).await,
        "worker" => pathway::app::worker(config).await,
        "migrate" => pathway::app::prepare(config)
            .await
            .map(|_| println!("Migrations applied")),
        "seed-demo" => match pathway::app::prepare(config).await {
            Ok(state) if state.config.app_env == pathway::config::AppEnv::Production => Err(
                anyhow::anyhow!("demo data is never loaded with APP_ENV=production"),
            ),
            Ok(state) => match pathway::seed::is_empty(&state).await {
                Ok(true) => pathway::seed::seed_demo(&state)
                    .await
                    .map(|_| println!("Demo authority loaded")),
                Ok(false) => Err(anyhow::anyhow!(
                    "the database already has users; demo data is loaded only into an empty database"
                )),
                Err(e) => Err(anyhow::anyhow!("{e}")),
            },
            Err(e) => Err(e),
        },
        "seed-synthetic" => match (pathway::cli::parse_synthetic(&args[1..]), config.app_env) {
            (_, pathway::config::AppEnv::Production) => Err(anyhow::anyhow!(
                "synthetic data is never loaded with APP_ENV=production"
            )),
            (Err(e), _) => Err(anyhow::anyhow!("{e}\n{USAGE}")),
            (Ok((n, seed)), _) => match pathway::app::prepare(config).await {
                Ok(state) => pathway::synthetic::generate(&state, n, seed).await.map(|s| {
                    println!(
                        "Loaded {} young people, {} teams and {} accounts (adviser-0@synthetic.test and so on)",
                        s.young_people, s.teams, s.users
                    )
                }),
                Err(e) => Err(e),
            },
        },
        "refresh-timelines" => match pathway::app::prepare(config).await {
            Ok(state) => pathway::services::young_people::refresh_all(&state)
                .await
                .map(|n| println!("Timelines worked out for {n} young people"))
                .map_err(|e| anyhow::anyhow!("{e}")),
            Err(e) => Err(e),
        },
        "refresh-indicators" => match pathway::app::prepare(config).await {
            Ok(state) => pathway::services::indicators::refresh(&state)
                .await
                .map(|rows| println!("Indicators worked out: {rows} figures"))
                .map_err(|e| anyhow::anyhow!("{e}")),
            Err(e) => Err(e),
        },
        "create-user" => match pathway::cli::parse_create_user(&args[1..]) {
            Err(e) => Err(anyhow::anyhow!("{e}\n{USAGE}")),
            Ok(a) => match pathway::cli::read_password() {
                Err(e) => Err(anyhow::anyhow!("cannot read the password: {e}")),
                Ok(pw) => match pathway::app::prepare(config).await {
                    Ok(state) => pathway::cli::create_user(&state, a, pw).await,
                    Err(e) => Err(e),
                },
            },
        },
        other => Err(anyhow::anyhow!("unknown command {other}\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pathway: {e:#}");
            ExitCode::FAILURE
        }
    }
}
