//! The demo authority's staff: an administrator, the manager of the Leaving Care Team North and
//! its two personal advisers, and a senior manager.

use sea_orm::{ActiveModelTrait, Set};

use crate::auth::Role;
use crate::services::users::{self, NewUser};
use crate::state::AppState;

use super::Staff;

/// Creates the demo accounts and the team, in the order the demo has always had them.
pub(super) async fn seed_staff(state: &AppState) -> anyhow::Result<Staff> {
    let pw = state.config.demo_password.expose().to_string();
    let new = |email: &str, name: &str, role: Role, admin: bool, team: Option<String>| NewUser {
        email: email.into(),
        name: name.into(),
        password: pw.clone(),
        role,
        is_admin: admin,
        team_id: team,
    };
    users::create(
        state,
        new("admin@demo.test", "Alex Admin", Role::None, true, None),
    )
    .await?;
    let manager = users::create(
        state,
        new(
            "manager@demo.test",
            "Morgan Hale",
            Role::Manager,
            false,
            None,
        ),
    )
    .await?;
    let team =
        users::create_team(state, "Leaving Care Team North", Some(manager.id.clone())).await?;
    let mut am: crate::entities::user::ActiveModel = manager.clone().into();
    am.team_id = Set(Some(team.id.clone()));
    am.update(&state.db).await?;
    let a1 = users::create(
        state,
        new(
            "adviser@demo.test",
            "Priya Shah",
            Role::Adviser,
            false,
            Some(team.id.clone()),
        ),
    )
    .await?;
    let a2 = users::create(
        state,
        new(
            "adviser2@demo.test",
            "Sam Reid",
            Role::Adviser,
            false,
            Some(team.id.clone()),
        ),
    )
    .await?;
    // Sam prefers one daily digest to an email per reminder; Priya keeps the default.
    let mut am: crate::entities::user::ActiveModel = a2.clone().into();
    am.reminder_delivery = Set("digest".into());
    let a2 = am.update(&state.db).await?;
    users::create(
        state,
        new(
            "senior@demo.test",
            "Robin Okoye",
            Role::SeniorManager,
            false,
            None,
        ),
    )
    .await?;
    Ok(Staff {
        team_id: team.id,
        advisers: [a1, a2],
    })
}
