//! Referrals to the leaving care team that are waiting for a personal adviser.

use chrono::{Duration, NaiveDate};
use sea_orm::{ActiveModelTrait, Set};

use crate::entities::{care_episode, young_person};
use crate::state::AppState;

use super::ago;

/// Young people referred to the leaving care team and not yet allocated: Noah, three weeks from
/// the children-in-care team and turning 16 in seven weeks (his adviser is due then), and Zara,
/// added yesterday at 15 years 4 months. Returns their ids.
pub(super) async fn seed_awaiting_allocation(
    state: &AppState,
    team_id: &str,
) -> anyhow::Result<Vec<String>> {
    let today = state.clock.today();
    let mut ids = vec![];
    let referrals: [Referral; 2] = [
        (
            "BAR-1013",
            "Noah",
            "Bennett",
            "he/him",
            ago(today + Duration::days(49), 16, 0),
            (13, 5),
            21,
        ),
        (
            "BAR-1014",
            "Zara",
            "Hussain",
            "she/her",
            ago(today, 15, 4),
            (14, 1),
            1,
        ),
    ];
    for referral in referrals {
        ids.push(insert_referral(state, team_id, referral).await?);
    }
    Ok(ids)
}

/// (local id, given name, family name, pronouns, date of birth, in care from (years, months),
/// days since they were added).
type Referral = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    NaiveDate,
    (u32, u32),
    i64,
);

/// One referral: the young person in the team with no adviser, and their open care episode.
async fn insert_referral(
    state: &AppState,
    team_id: &str,
    (local_id, given, family, pronouns, dob, care_from, added_days_ago): Referral,
) -> anyhow::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let added = state.clock.now() - Duration::days(added_days_ago);
    young_person::ActiveModel {
        id: Set(id.clone()),
        local_id: Set(local_id.into()),
        given_name: Set(given.into()),
        family_name: Set(family.into()),
        preferred_name: Set(None),
        date_of_birth: Set(dob),
        gender: Set(Some(
            if pronouns == "he/him" {
                "Male"
            } else {
                "Female"
            }
            .into(),
        )),
        pronouns: Set(Some(pronouns.into())),
        ethnicity: Set(None),
        first_language: Set(Some("English".into())),
        disability: Set(None),
        uasc: Set(false),
        trafficked: Set(false),
        phone: Set(None),
        email: Set(None),
        address: Set(None),
        adviser_id: Set(None),
        team_id: Set(Some(team_id.to_string())),
        social_worker: Set(Some("Jordan Blake".into())),
        special_guardianship: Set(false),
        education_after21: Set(false),
        requested_pa_after21: Set(false),
        legal_status: Set("not_in_scope".into()),
        next_due: Set(None),
        overdue_count: Set(0),
        version: Set(1),
        created_at: Set(added),
        updated_at: Set(added),
    }
    .insert(&state.db)
    .await?;
    care_episode::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        young_person_id: Set(id.clone()),
        start_date: Set(crate::domain::age::at_age(dob, care_from.0, care_from.1)),
        end_date: Set(None),
        legal_basis: Set("s31 care order".into()),
        short_breaks_only: Set(false),
    }
    .insert(&state.db)
    .await?;
    Ok(id)
}
