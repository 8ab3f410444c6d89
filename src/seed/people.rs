//! The demo young people: a dozen aged 15 to 22 with varied care histories, each allocated to a
//! personal adviser, with the events that show work done as well as gaps.

use chrono::{Duration, NaiveDate};
use sea_orm::{ActiveModelTrait, Set};

use crate::domain::age::at_age;
use crate::entities::{allocation, care_episode, timeline_event, user, young_person};
use crate::state::AppState;

use super::{Dates, Seeded, Staff, ago};

/// (start age, end age or None while open, short breaks only), ages as (years, months).
type DemoEpisode = ((u32, u32), Option<(u32, u32)>, bool);

struct DemoPerson {
    local_id: &'static str,
    given: &'static str,
    family: &'static str,
    preferred: Option<&'static str>,
    age: (u32, u32),
    pronouns: &'static str,
    ethnicity: &'static str,
    language: &'static str,
    uasc: bool,
    /// Episodes as (start age, end age or None for open, short breaks only).
    episodes: &'static [DemoEpisode],
    adviser: usize,
    education_after_21: bool,
    requested_pa_after_21: bool,
}

const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        local_id: "BAR-1001",
        given: "Amara",
        family: "Okafor",
        preferred: None,
        age: (15, 8),
        pronouns: "she/her",
        ethnicity: "Black African",
        language: "English",
        uasc: false,
        episodes: &[((13, 2), None, false)],
        adviser: 0,
        education_after_21: false,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1002",
        given: "Jayden",
        family: "Clarke",
        preferred: Some("Jay"),
        age: (16, 2),
        pronouns: "he/him",
        ethnicity: "Mixed White and Black Caribbean",
        language: "English",
        uasc: false,
        episodes: &[((14, 6), None, false)],
        adviser: 0,
        education_after_21: false,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1003",
        given: "Leah",
        family: "Murphy",
        preferred: None,
        age: (16, 5),
        pronouns: "she/her",
        ethnicity: "White Irish",
        language: "English",
        uasc: false,
        episodes: &[((15, 0), None, false)],
        adviser: 0,
        education_after_21: false,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1004",
        given: "Tomasz",
        family: "Nowak",
        preferred: Some("Tom"),
        age: (17, 1),
        pronouns: "he/him",
        ethnicity: "White other",
        language: "Polish",
        uasc: false,
        episodes: &[((12, 0), (Some((13, 1))), false), ((14, 3), None, false)],
        adviser: 0,
        education_after_21: false,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1005",
        given: "Yusuf",
        family: "Ahmadi",
        preferred: None,
        age: (17, 4),
        pronouns: "he/him",
        ethnicity: "Asian other",
        language: "Dari",
        uasc: true,
        episodes: &[((15, 10), None, false)],
        adviser: 1,
        education_after_21: false,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1006",
        given: "Chloe",
        family: "Bennett",
        preferred: None,
        age: (17, 8),
        pronouns: "she/her",
        ethnicity: "White British",
        language: "English",
        uasc: false,
        episodes: &[((14, 0), Some((17, 2)), false)],
        adviser: 1,
        education_after_21: false,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1007",
        given: "Kai",
        family: "Thompson",
        preferred: None,
        age: (16, 10),
        pronouns: "they/them",
        ethnicity: "White British",
        language: "English",
        uasc: false,
        episodes: &[
            ((14, 1), Some((14, 2)), true),
            ((15, 1), Some((15, 2)), true),
            ((16, 1), Some((16, 2)), true),
        ],
        adviser: 1,
        education_after_21: false,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1008",
        given: "Sofia",
        family: "Rossi",
        preferred: None,
        age: (18, 6),
        pronouns: "she/her",
        ethnicity: "White other",
        language: "Italian",
        uasc: false,
        episodes: &[((13, 0), Some((18, 0)), false)],
        adviser: 0,
        education_after_21: false,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1009",
        given: "Daniel",
        family: "Mensah",
        preferred: Some("Danny"),
        age: (19, 11),
        pronouns: "he/him",
        ethnicity: "Black African",
        language: "English",
        uasc: false,
        episodes: &[((15, 0), Some((18, 0)), false)],
        adviser: 1,
        education_after_21: false,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1010",
        given: "Aisha",
        family: "Begum",
        preferred: None,
        age: (21, 3),
        pronouns: "she/her",
        ethnicity: "Bangladeshi",
        language: "Bengali",
        uasc: false,
        episodes: &[((14, 0), Some((18, 0)), false)],
        adviser: 0,
        education_after_21: false,
        requested_pa_after_21: true,
    },
    DemoPerson {
        local_id: "BAR-1011",
        given: "Ryan",
        family: "Walsh",
        preferred: None,
        age: (22, 0),
        pronouns: "he/him",
        ethnicity: "White British",
        language: "English",
        uasc: false,
        episodes: &[((16, 0), Some((18, 0)), false)],
        adviser: 1,
        education_after_21: true,
        requested_pa_after_21: false,
    },
    DemoPerson {
        local_id: "BAR-1012",
        given: "Mia",
        family: "Evans",
        preferred: None,
        age: (17, 0),
        pronouns: "she/her",
        ethnicity: "White British",
        language: "English",
        uasc: false,
        episodes: &[((16, 2), Some((16, 4)), false)],
        adviser: 0,
        education_after_21: false,
        requested_pa_after_21: false,
    },
];

/// When a demo event happened: at an age, or a number of days before today.
#[derive(Clone, Copy)]
enum When {
    Age(u32, u32),
    DaysAgo(i64),
}

/// The care-leaver (OC3) answers recorded at the demo's birthdays, as the SSDA903 codes them.
fn demo_oc3(local_id: &str, when: &When) -> String {
    let (in_touch, activity, accommodation) = match (local_id, when) {
        ("BAR-1008", _) => ("YES", "F2", "E1"),
        ("BAR-1009", When::Age(18, _)) => ("YES", "F5", "D1"),
        ("BAR-1009", _) => ("YES", "P5", "U1"),
        ("BAR-1010", _) => ("YES", "G5", "U2"),
        ("BAR-1011", When::Age(18, _)) => ("YES", "F2", "Z1"),
        ("BAR-1011", When::Age(19, _)) => ("YES", "F1", "U1"),
        ("BAR-1011", When::Age(20, _)) => ("NO", "G5", "R2"),
        _ => ("REFU", "G5", "R2"),
    };
    serde_json::to_string(&crate::domain::ssda903::Oc3 {
        in_touch: in_touch.into(),
        activity: activity.into(),
        accommodation: accommodation.into(),
    })
    .unwrap_or_default()
}

/// Recorded events for the demo young people, so the timelines show work done as well as gaps.
const EVENTS: &[(&str, &str, When)] = &[
    // Jay: assessment done on time, plan approved; a missing episode with a return interview.
    ("BAR-1002", "assessment_completed", When::DaysAgo(20)),
    ("BAR-1002", "missing_episode", When::DaysAgo(9)),
    ("BAR-1002", "return_interview_offered", When::DaysAgo(6)),
    // Tom: assessment late, plan approved, nothing on housing yet.
    ("BAR-1004", "assessment_completed", When::Age(16, 5)),
    ("BAR-1004", "plan_approved", When::Age(16, 6)),
    ("BAR-1004", "plan_reviewed", When::DaysAgo(150)),
    ("BAR-1004", "pa_contact", When::DaysAgo(40)),
    // Yusuf: assessed within 3 months of becoming eligible; plan approved.
    ("BAR-1005", "assessment_completed", When::Age(16, 2)),
    ("BAR-1005", "plan_approved", When::Age(16, 3)),
    ("BAR-1005", "housing_plan_agreed", When::DaysAgo(30)),
    ("BAR-1005", "plan_reviewed", When::DaysAgo(60)),
    ("BAR-1005", "pa_contact", When::DaysAgo(12)),
    // Chloe: left care at 17y2m; a change of circumstances not yet reassessed.
    ("BAR-1006", "assessment_completed", When::Age(16, 2)),
    ("BAR-1006", "plan_approved", When::Age(16, 3)),
    ("BAR-1006", "housing_plan_agreed", When::Age(17, 0)),
    ("BAR-1006", "plan_reviewed", When::DaysAgo(120)),
    ("BAR-1006", "change_of_circumstances", When::DaysAgo(35)),
    ("BAR-1006", "pa_contact", When::DaysAgo(20)),
    // Sofia: a well-kept record.
    ("BAR-1008", "assessment_completed", When::Age(16, 1)),
    ("BAR-1008", "plan_approved", When::Age(16, 2)),
    ("BAR-1008", "housing_plan_agreed", When::Age(16, 11)),
    ("BAR-1008", "money_ready", When::Age(17, 5)),
    ("BAR-1008", "staying_put_decision", When::Age(17, 10)),
    ("BAR-1008", "oc3_recorded", When::Age(18, 0)),
    ("BAR-1008", "plan_reviewed", When::DaysAgo(100)),
    ("BAR-1008", "pa_contact", When::DaysAgo(15)),
    // Danny: reviews have slipped.
    ("BAR-1009", "assessment_completed", When::Age(16, 3)),
    ("BAR-1009", "plan_approved", When::Age(16, 5)),
    ("BAR-1009", "housing_plan_agreed", When::Age(17, 3)),
    ("BAR-1009", "money_ready", When::Age(17, 9)),
    ("BAR-1009", "staying_put_decision", When::Age(18, 0)),
    ("BAR-1009", "oc3_recorded", When::Age(18, 1)),
    ("BAR-1009", "oc3_recorded", When::Age(19, 0)),
    ("BAR-1009", "plan_reviewed", When::DaysAgo(230)),
    // Aisha: asked for a personal adviser after 21.
    ("BAR-1010", "assessment_completed", When::Age(16, 2)),
    ("BAR-1010", "plan_approved", When::Age(16, 3)),
    ("BAR-1010", "housing_plan_agreed", When::Age(17, 0)),
    ("BAR-1010", "money_ready", When::Age(17, 6)),
    ("BAR-1010", "staying_put_decision", When::Age(17, 11)),
    ("BAR-1010", "pa_support_requested", When::Age(21, 1)),
    ("BAR-1010", "plan_reviewed", When::DaysAgo(45)),
    ("BAR-1010", "pa_contact", When::DaysAgo(10)),
    ("BAR-1010", "oc3_recorded", When::Age(21, 0)),
    // Ryan: at university.
    ("BAR-1011", "assessment_completed", When::Age(16, 2)),
    ("BAR-1011", "plan_approved", When::Age(16, 3)),
    ("BAR-1011", "housing_plan_agreed", When::Age(17, 2)),
    ("BAR-1011", "money_ready", When::Age(17, 8)),
    ("BAR-1011", "staying_put_decision", When::Age(18, 0)),
    ("BAR-1011", "oc3_recorded", When::Age(18, 1)),
    ("BAR-1011", "oc3_recorded", When::Age(19, 0)),
    ("BAR-1011", "oc3_recorded", When::Age(20, 0)),
    ("BAR-1011", "oc3_recorded", When::Age(21, 0)),
    ("BAR-1011", "education_after_21", When::Age(21, 0)),
    ("BAR-1011", "plan_reviewed", When::DaysAgo(80)),
    ("BAR-1011", "pa_contact", When::DaysAgo(25)),
];

/// Loads the demo young people with their care history, adviser allocation and recorded events.
pub(super) async fn seed_people(state: &AppState, staff: &Staff) -> anyhow::Result<Vec<Seeded>> {
    let dates = Dates::read(state);
    let mut created: Vec<Seeded> = vec![];
    for p in PEOPLE {
        let dob = ago(dates.today, p.age.0, p.age.1);
        let adviser = &staff.advisers[p.adviser];
        let id = insert_person(state, p, dob, adviser, &staff.team_id, dates).await?;
        insert_episodes(state, p, &id, dob).await?;
        insert_allocation(state, p, &id, dob, adviser, dates.today).await?;
        insert_events(state, p, &id, dob, adviser, dates).await?;
        created.push((id.clone(), p.local_id.to_string(), adviser.name.clone()));
    }
    Ok(created)
}

/// The young person's record, allocated to `adviser` in the team; returns the new id.
async fn insert_person(
    state: &AppState,
    p: &DemoPerson,
    dob: NaiveDate,
    adviser: &user::Model,
    team_id: &str,
    dates: Dates,
) -> anyhow::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    young_person::ActiveModel {
        id: Set(id.clone()),
        local_id: Set(p.local_id.into()),
        given_name: Set(p.given.into()),
        family_name: Set(p.family.into()),
        preferred_name: Set(p.preferred.map(Into::into)),
        date_of_birth: Set(dob),
        gender: Set(Some(
            match p.pronouns {
                "she/her" => "Female",
                "he/him" => "Male",
                _ => "Prefers not to say",
            }
            .into(),
        )),
        pronouns: Set(Some(p.pronouns.into())),
        ethnicity: Set(Some(p.ethnicity.into())),
        first_language: Set(Some(p.language.into())),
        disability: Set(None),
        uasc: Set(p.uasc),
        trafficked: Set(false),
        phone: Set(None),
        email: Set(None),
        address: Set(None),
        adviser_id: Set(Some(adviser.id.clone())),
        team_id: Set(Some(team_id.to_string())),
        social_worker: Set(Some("Jordan Blake".into())),
        special_guardianship: Set(false),
        education_after21: Set(p.education_after_21),
        requested_pa_after21: Set(p.requested_pa_after_21),
        legal_status: Set("not_in_scope".into()),
        next_due: Set(None),
        overdue_count: Set(0),
        version: Set(1),
        created_at: Set(dates.now),
        updated_at: Set(dates.now),
    }
    .insert(&state.db)
    .await?;
    Ok(id)
}

/// The young person's care episodes.
async fn insert_episodes(
    state: &AppState,
    p: &DemoPerson,
    id: &str,
    dob: NaiveDate,
) -> anyhow::Result<()> {
    let at = |age: (u32, u32)| at_age(dob, age.0, age.1);
    for (start, end, short) in p.episodes {
        care_episode::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            young_person_id: Set(id.to_string()),
            start_date: Set(at(*start)),
            end_date: Set(end.map(at)),
            legal_basis: Set(if *short {
                "s20 short breaks".into()
            } else if p.uasc {
                "s20 (unaccompanied)".into()
            } else {
                "s31 care order".into()
            }),
            short_breaks_only: Set(*short),
        }
        .insert(&state.db)
        .await?;
    }
    Ok(())
}

/// Advisers allocated at 16 or later (the late allocation Ofsted found), for those old enough.
async fn insert_allocation(
    state: &AppState,
    p: &DemoPerson,
    id: &str,
    dob: NaiveDate,
    adviser: &user::Model,
    today: NaiveDate,
) -> anyhow::Result<()> {
    if p.age.0 < 16 || p.episodes.iter().all(|e| e.2) {
        return Ok(());
    }
    let start = at_age(dob, 16, 4).max(today - Duration::days(365 * 3));
    allocation::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        young_person_id: Set(id.to_string()),
        role: Set("personal_adviser".into()),
        user_id: Set(Some(adviser.id.clone())),
        person_name: Set(adviser.name.clone()),
        start_date: Set(start.min(today)),
        end_date: Set(None),
        reason: Set(Some("First allocation".into())),
    }
    .insert(&state.db)
    .await?;
    Ok(())
}

/// The young person's recorded events from `EVENTS`, recorded by their adviser.
async fn insert_events(
    state: &AppState,
    p: &DemoPerson,
    id: &str,
    dob: NaiveDate,
    adviser: &user::Model,
    dates: Dates,
) -> anyhow::Result<()> {
    let today = dates.today;
    for (_, kind, when) in EVENTS.iter().filter(|(l, _, _)| *l == p.local_id) {
        let date = match *when {
            When::Age(y, m) => at_age(dob, y, m),
            When::DaysAgo(d) => today - Duration::days(d),
        }
        .min(today);
        timeline_event::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            young_person_id: Set(id.to_string()),
            kind: Set(kind.to_string()),
            event_date: Set(date),
            end_date: Set(
                (*kind == "missing_episode").then(|| (date + Duration::days(2)).min(today))
            ),
            notes: Set(None),
            recorded_by: Set(Some(adviser.id.clone())),
            details: Set((*kind == "oc3_recorded").then(|| demo_oc3(p.local_id, when))),
            created_at: Set(dates.now),
        }
        .insert(&state.db)
        .await?;
    }
    Ok(())
}
