//! Command-line tasks: `create-user` bootstraps an administrator. The password is read from
//! standard input (or prompted for), never from the command line, where it would be visible to
//! other users of the machine and kept in shell history.

use std::io::{BufRead, IsTerminal, Write};

use crate::auth::Role;
use crate::services::users::{self, NewUser};
use crate::state::AppState;

/// `pathway`: the leaving care service and its tasks. With no command it serves.
#[derive(Debug, clap::Parser)]
#[command(name = "pathway", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Run the web service (the default), with the background jobs unless RUN_JOBS=false.
    Serve,
    /// Run only the background jobs: reminders, email, the daily timeline refresh and the
    /// indicators.
    Worker,
    /// Apply the database migrations and exit.
    Migrate,
    /// Load the demo authority into an empty database (never in production).
    SeedDemo,
    /// Load a synthetic authority of N young people, the same for the same seed, into an empty
    /// database, for load tests (never in production); every password is DEMO_PASSWORD.
    SeedSynthetic(SyntheticArgs),
    /// Work out every young person's stored timeline now (the background jobs do it daily).
    RefreshTimelines,
    /// Work out the performance indicators now.
    RefreshIndicators,
    /// Create a user. The password is read from standard input (or typed at a prompt), never
    /// taken from the command line.
    CreateUser(CreateUserArgs),
}

#[derive(Debug, clap::Args)]
pub struct SyntheticArgs {
    /// How many young people (underscores allowed: 100_000).
    #[arg(long = "young-people", value_name = "N", value_parser = parse_count)]
    pub young_people: usize,
    /// The seed: the same seed gives the same authority.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

fn parse_count(s: &str) -> Result<usize, String> {
    s.replace('_', "")
        .parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{s} is not a positive whole number"))
}

#[derive(Debug, clap::Args)]
pub struct CreateUserArgs {
    /// Their email address, which they sign in with.
    #[arg(long)]
    pub email: String,
    /// Their name as colleagues know it (the email address if left out).
    #[arg(long)]
    pub name: Option<String>,
    /// Their casework role; with none, the user is an administrator only.
    #[arg(long, value_enum, default_value_t = RoleArg::None)]
    pub role: RoleArg,
    /// Also an administrator (users, sessions, the audit log, emails).
    #[arg(long)]
    pub admin: bool,
    /// Refused: a password on the command line is visible to other users and kept in history.
    #[arg(long, hide = true)]
    pub password: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    Adviser,
    Manager,
    SeniorManager,
    None,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Adviser => Role::Adviser,
            RoleArg::Manager => Role::Manager,
            RoleArg::SeniorManager => Role::SeniorManager,
            RoleArg::None => Role::None,
        }
    }
}

pub fn read_password() -> std::io::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password (at least 12 characters; it will be shown as you type): ");
        std::io::stderr().flush()?;
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn create_user(
    state: &AppState,
    args: CreateUserArgs,
    password: String,
) -> anyhow::Result<()> {
    let role = Role::from(args.role);
    match users::create(
        state,
        NewUser {
            name: args.name.unwrap_or_else(|| args.email.clone()),
            email: args.email,
            password,
            role,
            // Someone with no casework role can only be an administrator.
            is_admin: args.admin || role == Role::None,
            team_id: None,
        },
    )
    .await
    {
        Ok(u) => {
            crate::services::audit::record(
                state,
                None,
                "create_user_cli",
                Some(crate::services::audit::Target::user(&u.id)),
                "success",
                &Default::default(),
            )
            .await?;
            println!(
                "Created {} ({})",
                u.email,
                if u.is_admin {
                    "administrator"
                } else {
                    u.role.as_str()
                }
            );
            Ok(())
        }
        Err(crate::error::AppError::Validation(errs)) => {
            let msgs: Vec<String> = errs
                .into_iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect();
            Err(anyhow::anyhow!(msgs.join("; ")))
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Cli, Command, RoleArg};

    #[test]
    fn every_command_parses_and_bad_arguments_are_named() {
        let cli = Cli::try_parse_from(["pathway", "seed-synthetic", "--young-people", "100_000"])
            .unwrap();
        match cli.command {
            Some(Command::SeedSynthetic(a)) => assert_eq!((a.young_people, a.seed), (100_000, 1)),
            other => panic!("{other:?}"),
        }
        let cli = Cli::try_parse_from([
            "pathway",
            "create-user",
            "--email",
            "a@b.c",
            "--role",
            "senior-manager",
        ])
        .unwrap();
        match cli.command {
            Some(Command::CreateUser(a)) => assert_eq!(a.role, RoleArg::SeniorManager),
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["pathway"]).unwrap().command.is_none());
        let err = Cli::try_parse_from(["pathway", "seed-synthetic", "--young-people", "0"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--young-people") && err.contains("positive"),
            "{err}"
        );
        let err = Cli::try_parse_from(["pathway", "create-user", "--role", "boss"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--role") && err.contains("boss"), "{err}");
        for sub in [
            "serve",
            "worker",
            "migrate",
            "seed-demo",
            "seed-synthetic",
            "refresh-timelines",
            "refresh-indicators",
            "create-user",
        ] {
            let help = Cli::try_parse_from(["pathway", sub, "--help"]).unwrap_err();
            assert_eq!(help.kind(), clap::error::ErrorKind::DisplayHelp, "{sub}");
        }
    }
}
