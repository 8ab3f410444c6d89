//! Who is who for the reminders: people, their managers, and the senior managers above teams,
//! read once per tick.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::entities::{team, user};

/// Who is who: people, their managers, and the senior managers above teams.
pub(super) struct Directory {
    pub(super) users: HashMap<String, user::Model>,
    team_manager: HashMap<String, String>,
    seniors: Vec<String>,
}

impl Directory {
    pub(super) async fn load<C: ConnectionTrait>(db: &C) -> Result<Directory, DbErr> {
        let users: HashMap<String, user::Model> = user::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        let team_manager = team::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .filter_map(|t| t.manager_id.map(|m| (t.id, m)))
            .collect();
        let mut seniors: Vec<String> = users
            .values()
            .filter(|u| u.role == "senior_manager" && !u.disabled)
            .map(|u| u.id.clone())
            .collect();
        seniors.sort();
        Ok(Directory {
            users,
            team_manager,
            seniors,
        })
    }

    pub(super) fn active(&self, id: &str) -> Option<&user::Model> {
        self.users.get(id).filter(|u| !u.disabled)
    }

    /// Who answers for a young person with no personal adviser: their team's manager, or the
    /// senior managers where the team has none (or the young person no team).
    pub(super) fn waiting_recipients(&self, team_id: Option<&str>) -> Vec<String> {
        match team_id
            .and_then(|t| self.team_manager.get(t))
            .filter(|m| self.active(m).is_some())
        {
            Some(m) => vec![m.clone()],
            None => self.seniors.clone(),
        }
    }

    /// Who hears when this person's work escalates: their team's manager, or for a team's
    /// manager (or someone with no team manager) the senior managers.
    pub(super) fn managers_of(&self, id: &str) -> Vec<String> {
        let team_mgr = self
            .users
            .get(id)
            .and_then(|u| u.team_id.as_ref())
            .and_then(|t| self.team_manager.get(t))
            .filter(|m| m.as_str() != id && self.active(m).is_some());
        match team_mgr {
            Some(m) => vec![m.clone()],
            None => self
                .seniors
                .iter()
                .filter(|s| s.as_str() != id)
                .cloned()
                .collect(),
        }
    }
}
