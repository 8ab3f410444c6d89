//! Command-line tasks: `create-user` bootstraps an administrator. The password is read from
//! standard input (or prompted for), never from the command line, where it would be visible to
//! other users of the machine and kept in shell history.

use std::io::{BufRead, IsTerminal, Write};

use crate::auth::Role;
use crate::services::users::{self, NewUser};
use crate::state::AppState;

pub struct CreateUserArgs {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub admin: bool,
}

pub fn parse_create_user(args: &[String]) -> Result<CreateUserArgs, String> {
    let mut email = None;
    let mut name = None;
    let mut role = Role::None;
    let mut admin = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--email" => email = it.next().cloned(),
            "--name" => name = it.next().cloned(),
            "--role" => {
                let r = it.next().ok_or("--role needs a value")?;
                role = Role::parse(r).ok_or_else(|| {
                    format!(
                        "--role {r} is not recognised: use adviser, manager, senior_manager or none"
                    )
                })?;
            }
            "--admin" => admin = true,
            "--password" => {
                return Err("passwords are never taken from the command line: pipe it on standard input or type it at the prompt".into());
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    let email = email.ok_or("--email is required")?;
    Ok(CreateUserArgs {
        name: name.unwrap_or_else(|| email.clone()),
        email,
        role,
        admin: admin || role == Role::None,
    })
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
    match users::create(
        state,
        NewUser {
            email: args.email.clone(),
            name: args.name,
            password,
            role: args.role,
            is_admin: args.admin,
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

/// `seed-synthetic --young-people N [--seed S]`: how many, and the seed (default 1).
pub fn parse_synthetic(args: &[String]) -> Result<(usize, u64), String> {
    let mut n = None;
    let mut seed = 1;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--young-people" => {
                n = Some(
                    it.next()
                        .and_then(|v| v.replace('_', "").parse::<usize>().ok())
                        .filter(|v| *v > 0)
                        .ok_or("--young-people needs a positive whole number")?,
                );
            }
            "--seed" => {
                seed = it
                    .next()
                    .and_then(|v| v.parse::<u64>().ok())
                    .ok_or("--seed needs a whole number")?;
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok((n.ok_or("say how many: --young-people N")?, seed))
}
