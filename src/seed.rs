//! The demo authority: an administrator, a manager, two personal advisers and a dozen young
//! people aged 15 to 22 with varied care histories. Dates are relative to today so the demo always
//! shows a realistic mix of upcoming, due and overdue milestones.

use chrono::{Duration, NaiveDate};
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait, Set};

use crate::auth::Role;
use crate::entities::{allocation, care_episode, timeline_event, young_person};
use crate::services::users::{self, NewUser};
use crate::state::AppState;

pub const DEMO_ACCOUNTS: [&str; 5] = [
    "admin@demo.test",
    "manager@demo.test",
    "adviser@demo.test",
    "adviser2@demo.test",
    "senior@demo.test",
];

/// Whether the demo authority should be loaded: the database has no users, or holds only a demo
/// authority that an interrupted start left half-loaded (no completion record).
pub async fn is_empty(state: &AppState) -> anyhow::Result<bool> {
    use crate::entities::{audit_event, user};
    use sea_orm::{ColumnTrait, QueryFilter};
    if user::Entity::find().count(&state.db).await? == 0 {
        return Ok(true);
    }
    let complete = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq(SEED_COMPLETE))
        .count(&state.db)
        .await?
        > 0;
    if complete {
        return Ok(false);
    }
    let users = user::Entity::find().all(&state.db).await?;
    Ok(users
        .iter()
        .all(|u| DEMO_ACCOUNTS.contains(&u.email.as_str())))
}

/// The audit entry that records a completely loaded demo authority.
const SEED_COMPLETE: &str = "demo_seeded";

/// Removes a half-loaded demo authority (only ever called when `is_empty` found nothing but demo
/// accounts and no completion record), children before parents. The audit log is kept.
async fn clear_partial_demo(state: &AppState) -> anyhow::Result<()> {
    use crate::entities::*;
    let db = &state.db;
    audit_moderation::Entity::delete_many().exec(db).await?;
    audit_action::Entity::delete_many().exec(db).await?;
    case_audit::Entity::delete_many().exec(db).await?;
    supervision::Entity::delete_many().exec(db).await?;
    oversight_record::Entity::delete_many().exec(db).await?;
    plan::Entity::delete_many().exec(db).await?;
    milestone_override::Entity::delete_many().exec(db).await?;
    milestone::Entity::delete_many().exec(db).await?;
    timeline_event::Entity::delete_many().exec(db).await?;
    allocation::Entity::delete_many().exec(db).await?;
    accommodation::Entity::delete_many().exec(db).await?;
    parent_period::Entity::delete_many().exec(db).await?;
    care_episode::Entity::delete_many().exec(db).await?;
    young_person::Entity::delete_many().exec(db).await?;
    session::Entity::delete_many().exec(db).await?;
    email_outbox::Entity::delete_many().exec(db).await?;
    login_attempt::Entity::delete_many().exec(db).await?;
    user::Entity::delete_many().exec(db).await?;
    team::Entity::delete_many().exec(db).await?;
    Ok(())
}

/// A date `years` and `months` before `today`.
fn ago(today: NaiveDate, years: u32, months: u32) -> NaiveDate {
    today
        .checked_sub_months(chrono::Months::new(years * 12 + months))
        .unwrap_or(today)
}

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

/// Recorded events for the demo young people, so the timelines show work done as well as gaps.
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

pub async fn seed_demo(state: &AppState) -> anyhow::Result<()> {
    if crate::entities::user::Entity::find()
        .count(&state.db)
        .await?
        > 0
    {
        clear_partial_demo(state).await?;
    }
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
    let advisers = [a1, a2];

    let today = state.clock.today();
    let now = state.clock.now();
    let mut created: Vec<(String, String, String)> = vec![];
    for p in PEOPLE {
        let dob = ago(today, p.age.0, p.age.1);
        let at = |age: (u32, u32)| crate::domain::age::at_age(dob, age.0, age.1);
        let id = uuid::Uuid::now_v7().to_string();
        let adviser = &advisers[p.adviser];
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
            team_id: Set(Some(team.id.clone())),
            social_worker: Set(Some("Jordan Blake".into())),
            special_guardianship: Set(false),
            education_after21: Set(p.education_after_21),
            requested_pa_after21: Set(p.requested_pa_after_21),
            legal_status: Set("not_in_scope".into()),
            next_due: Set(None),
            overdue_count: Set(0),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&state.db)
        .await?;
        for (start, end, short) in p.episodes {
            care_episode::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                young_person_id: Set(id.clone()),
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
        // Advisers allocated at 16 or later (the late allocation Ofsted found), for those old enough.
        if p.age.0 >= 16 && !p.episodes.iter().all(|e| e.2) {
            let start = (at((16, 4))).max(today - Duration::days(365 * 3));
            allocation::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                young_person_id: Set(id.clone()),
                role: Set("personal_adviser".into()),
                user_id: Set(Some(adviser.id.clone())),
                person_name: Set(adviser.name.clone()),
                start_date: Set(start.min(today)),
                end_date: Set(None),
                reason: Set(Some("First allocation".into())),
            }
            .insert(&state.db)
            .await?;
        }
        for (_, kind, when) in EVENTS.iter().filter(|(l, _, _)| *l == p.local_id) {
            let date = match *when {
                When::Age(y, m) => at((y, m)),
                When::DaysAgo(d) => today - Duration::days(d),
            }
            .min(today);
            timeline_event::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                young_person_id: Set(id.clone()),
                kind: Set(kind.to_string()),
                event_date: Set(date),
                end_date: Set(
                    (*kind == "missing_episode").then(|| (date + Duration::days(2)).min(today))
                ),
                notes: Set(None),
                recorded_by: Set(Some(adviser.id.clone())),
                details: Set((*kind == "oc3_recorded").then(|| demo_oc3(p.local_id, when))),
                created_at: Set(now),
            }
            .insert(&state.db)
            .await?;
        }
        created.push((id.clone(), p.local_id.to_string(), adviser.name.clone()));
    }
    seed_plans(state, &created).await?;
    seed_oversight(state, &created).await?;
    let waiting = seed_awaiting_allocation(state, &team.id).await?;
    for id in created.iter().map(|(id, _, _)| id).chain(&waiting) {
        crate::services::young_people::recompute(state, id).await?;
    }
    crate::services::audit::record(
        state,
        None,
        SEED_COMPLETE,
        None,
        "success",
        &Default::default(),
    )
    .await?;
    Ok(())
}

/// Young people referred to the leaving care team and not yet allocated: Noah, three weeks from
/// the children-in-care team and turning 16 in seven weeks (his adviser is due then), and Zara,
/// added yesterday at 15 years 4 months. Returns their ids.
async fn seed_awaiting_allocation(state: &AppState, team_id: &str) -> anyhow::Result<Vec<String>> {
    let today = state.clock.today();
    let mut ids = vec![];
    for (local_id, given, family, pronouns, dob, care_from, added_days_ago) in [
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
    ] {
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
        ids.push(id);
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------------------------
// Demo plans: every state, and one draft that fails every quality check.
// ---------------------------------------------------------------------------------------------

use crate::domain::plan::{
    ACCOMMODATION_FACTORS, Action, Agreement, Assessment, Goal, Meeting, MeetingAction,
    PlanContent, Risk,
};

/// A plan written with the young person, meeting every check.
fn demo_plan(first_name: &str, adviser: &str, today: NaiveDate) -> PlanContent {
    let mut p = PlanContent::empty();
    let words = [
        (
            "about_me",
            "I'm into football and drawing. I want people to stop deciding things without asking me.",
        ),
        (
            "support",
            "I want to see my PA every two weeks and text in between.",
        ),
        (
            "where_i_live",
            "I'm happy where I am for now but I want my own flat near my college.",
        ),
        (
            "education",
            "I want to do a plumbing course. Maths is hard but I'll get there.",
        ),
        ("work", "A Saturday job would help me save."),
        (
            "health",
            "I sleep badly when I'm stressed. I'd talk to someone about it.",
        ),
        (
            "relationships",
            "My aunt is the person I trust most. I'd like to see my brother more.",
        ),
        (
            "life_skills",
            "I can cook pasta. I want to learn to budget for food.",
        ),
        (
            "money",
            "I don't have a bank account yet and that worries me.",
        ),
        (
            "identity",
            "My faith is important to me and I want to keep going to the mosque with my aunt.",
        ),
        (
            "staying_safe",
            "Some older lads keep messaging me. I know who to tell.",
        ),
        (
            "rights",
            "I didn't know about the council tax thing. Now I do.",
        ),
        ("review", "Things are better than at my last review."),
    ];
    for s in p.sections.iter_mut() {
        if let Some((_, w)) = words.iter().find(|(c, _)| *c == s.code) {
            s.in_my_words = (*w).to_string();
        }
    }
    let soon = |d: i64| today + Duration::days(d);
    if let Some(s) = p.sections.iter_mut().find(|s| s.code == "education") {
        s.going_well = "Attendance is up to 92%.".into();
        s.goals.push(Goal {
            text: format!("{first_name} starts a Level 1 plumbing course in September"),
            actions: vec![
                Action {
                    what: "Visit the college open day".into(),
                    who: format!("{first_name} with {adviser}"),
                    by_when: Some(soon(21)),
                    status: "not_started".into(),
                    completed_on: None,
                },
                Action {
                    what: "Apply for the 16-19 bursary".into(),
                    who: "Virtual School".into(),
                    by_when: Some(soon(45)),
                    status: "not_started".into(),
                    completed_on: None,
                },
            ],
        });
    }
    if let Some(s) = p.sections.iter_mut().find(|s| s.code == "money") {
        s.goals.push(Goal {
            text: "Open a bank account".into(),
            actions: vec![Action {
                what: "Get ID and open a basic bank account".into(),
                who: adviser.into(),
                by_when: Some(soon(30)),
                status: "in_progress".into(),
                completed_on: None,
            }],
        });
    }
    p.assessment = Assessment {
        history: "In care since 14 after neglect at home; three placements, settled in the current one for 18 months.".into(),
        family_views: "Aunt (weekly contact) supports the move to college; foster carer thinks a supported flat at 18 would suit.".into(),
        risk_analysis: "Medium risk of criminal exploitation: contact from older peers, two short missing episodes this year. Protective: aunt, college place, trusted PA.".into(),
        completed_on: Some(soon(-20)),
    };
    p.risks.push(Risk {
        description: "Drawn into county lines by older peers".into(),
        likelihood: "medium".into(),
        impact: "high".into(),
        protective_factors: "Aunt, college place, trusting relationship with PA".into(),
        mitigation: "Fortnightly visits; youth worker; safety plan agreed with the young person"
            .into(),
        plan_b_trigger: "Missing for more than 24 hours, or new phone or money unexplained".into(),
        plan_b_response:
            "Exploitation strategy meeting within 2 working days; return home interview".into(),
        plan_b_owner: "Team manager".into(),
    });
    p.contingency =
        "If the placement ends, supported lodgings the same week and a plan review within 28 days."
            .into();
    p.accommodation.description =
        "Foster placement; plan for a supported flat near college at 18.".into();
    for (c, _) in ACCOMMODATION_FACTORS {
        p.accommodation
            .factors
            .insert((*c).to_string(), "met".into());
    }
    for t in p.told_about.iter_mut() {
        t.date = Some(soon(-14));
        t.by = adviser.into();
    }
    p.agreement = Agreement {
        agrees: Some(true),
        in_their_words: "It's my plan. I want the flat sorted before I'm 18.".into(),
        copy_given_on: Some(soon(-2)),
    };
    p.next_review = Some(soon(150));
    p
}

/// A first draft that fails every quality check (as Ofsted found plans in 2019).
fn weak_plan() -> PlanContent {
    let mut p = PlanContent::empty();
    if let Some(s) = p.sections.iter_mut().find(|s| s.code == "education") {
        s.going_well = "Going to school most days.".into();
        s.goals.push(Goal {
            text: "Improve education".into(),
            actions: vec![Action {
                what: "Support with education".into(),
                who: String::new(),
                by_when: None,
                status: "not_started".into(),
                completed_on: None,
            }],
        });
    }
    p.risks.push(Risk {
        description: "Exploitation".into(),
        likelihood: "high".into(),
        impact: "high".into(),
        ..Default::default()
    });
    p.meetings.push(Meeting {
        kind: "marac".into(),
        date: None,
        outcomes: "Referred after an incident at the placement.".into(),
        actions: vec![MeetingAction {
            text: "Safety plan to be agreed".into(),
            decision: "pending".into(),
            reason: String::new(),
        }],
    });
    p
}

/// (status, "good" or "weak" content, days ago it was started, the manager's decision).
type DemoVersion = (&'static str, &'static str, i64, Option<&'static str>);

pub(crate) async fn seed_plans(
    state: &AppState,
    ids: &[(String, String, String)],
) -> anyhow::Result<()> {
    use crate::entities::plan;
    let today = state.clock.today();
    let now = state.clock.now();
    // (local id, [(status, content kind, days ago started, decision)])
    let demo: &[(&str, &[DemoVersion])] = &[
        (
            "BAR-1008",
            &[
                (
                    "superseded",
                    "good",
                    300,
                    Some("Clear voice; the risk plan is specific."),
                ),
                (
                    "approved",
                    "good",
                    100,
                    Some("Reviewed with Sofia; staying put confirmed."),
                ),
            ],
        ),
        (
            "BAR-1005",
            &[
                (
                    "approved",
                    "good",
                    200,
                    Some("Triple planning covered; interpreter used."),
                ),
                ("submitted", "good", 5, None),
            ],
        ),
        (
            "BAR-1006",
            &[
                ("approved", "good", 250, Some("Good plan for leaving care.")),
                (
                    "returned",
                    "good",
                    20,
                    Some(
                        "The change of circumstances (new flat) is not reflected in the accommodation assessment. Please update and resubmit.",
                    ),
                ),
            ],
        ),
        ("BAR-1009", &[("approved", "good", 230, Some("Approved."))]),
        (
            "BAR-1010",
            &[(
                "approved",
                "good",
                45,
                Some("Aisha asked for PA support to 25; plan reflects her goals."),
            )],
        ),
        ("BAR-1002", &[("draft", "weak", 3, None)]),
    ];
    for (local, versions) in demo {
        let Some((id, first, adviser)) = ids
            .iter()
            .find(|(_, l, _)| l == local)
            .map(|(i, _, a)| (i.clone(), local.to_string(), a.clone()))
        else {
            continue;
        };
        let person = young_person::Entity::find_by_id(id.clone())
            .one(&state.db)
            .await?;
        let first_name = person
            .as_ref()
            .map(|p| {
                p.preferred_name
                    .clone()
                    .unwrap_or_else(|| p.given_name.clone())
            })
            .unwrap_or(first);
        let adviser_id = adviser_user(state, &adviser).await?;
        let mut previous: Option<String> = None;
        for (n, (status, kind, days_ago, decision)) in versions.iter().enumerate() {
            let started = today - Duration::days(*days_ago);
            let content = if *kind == "good" {
                demo_plan(&first_name, &adviser, started)
            } else {
                weak_plan()
            };
            let pid = uuid::Uuid::now_v7().to_string();
            let decided = matches!(*status, "approved" | "superseded" | "returned");
            plan::ActiveModel {
                id: Set(pid.clone()),
                young_person_id: Set(id.clone()),
                version_no: Set(i32::try_from(n).unwrap_or(0) + 1),
                status: Set((*status).into()),
                content: Set(serde_json::to_string(&content)?),
                lock_version: Set(1),
                previous_plan_id: Set(previous.clone()),
                started_on: Set(started),
                created_by: Set(adviser_id.clone()),
                created_at: Set(now),
                updated_by: Set(adviser_id.clone()),
                updated_at: Set(now),
                submitted_at: Set((*status != "draft").then_some(now)),
                decided_by: Set(None),
                decided_at: Set(decided.then_some(now)),
                decision: Set(decision.map(str::to_string)),
                approved_on: Set(matches!(*status, "approved" | "superseded")
                    .then(|| started + Duration::days(7))),
            }
            .insert(&state.db)
            .await?;
            if matches!(*status, "approved" | "superseded") {
                previous = Some(pid);
            }
        }
    }
    Ok(())
}

async fn adviser_user(state: &AppState, name: &str) -> anyhow::Result<String> {
    Ok(crate::entities::user::Entity::find()
        .all(&state.db)
        .await?
        .into_iter()
        .find(|u| u.name == name)
        .map(|u| u.id)
        .unwrap_or_default())
}

/// Supervision (one adviser up to date, one overdue with three supervisors in a year) and one
/// moderated case audit with an open action, so "My team" shows every column.
async fn seed_oversight(state: &AppState, ids: &[(String, String, String)]) -> anyhow::Result<()> {
    use crate::entities::{audit_action, audit_moderation, case_audit, supervision, user};
    let today = state.clock.today();
    let now = state.clock.now();
    let users = user::Entity::find().all(&state.db).await?;
    let id_of = |email: &str| {
        users
            .iter()
            .find(|u| u.email == email)
            .map(|u| u.id.clone())
            .unwrap_or_default()
    };
    let (manager, a1, a2, admin) = (
        id_of("manager@demo.test"),
        id_of("adviser@demo.test"),
        id_of("adviser2@demo.test"),
        id_of("senior@demo.test"),
    );
    let sessions = [
        (
            &a1,
            &manager,
            40,
            "Caseload reviewed; Leah's assessment is late.",
            "Why did the assessment slip past 16y3m?",
        ),
        (
            &a1,
            &manager,
            12,
            "Tom's housing plan and Jay's missing episode.",
            "Is the Plan B for Jay specific enough?",
        ),
        (
            &a2,
            &manager,
            150,
            "Chloe's move and Danny's reviews.",
            "Reviews for Danny are drifting.",
        ),
        (
            &a2,
            &admin,
            100,
            "Cover session while the manager was away.",
            "None needed: a short catch-up.",
        ),
        (
            &a2,
            &manager,
            60,
            "Workload check.",
            "Prioritise Danny's review.",
        ),
    ];
    for (adviser, by, days, reflection, challenge) in sessions {
        let date = today - Duration::days(days);
        supervision::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            adviser_id: Set(adviser.clone()),
            supervisor_id: Set(by.clone()),
            session_date: Set(date),
            format: Set("one_to_one".into()),
            reflection: Set(reflection.into()),
            challenge: Set(challenge.into()),
            wellbeing: Set(Some(
                "Managing; asked for a lighter week after court.".into(),
            )),
            workload: Set(Some("Six young people.".into())),
            next_date: Set(Some(date + Duration::days(28))),
            created_at: Set(now),
        }
        .insert(&state.db)
        .await?;
    }
    if let Some((yp, _, _)) = ids.iter().find(|(_, l, _)| l == "BAR-1009") {
        let grades: std::collections::BTreeMap<&str, serde_json::Value> = [
            ("voice", "good", "Danny's words are in every section."),
            ("assessment", "good", "History and family views are clear."),
            (
                "planning",
                "requires_improvement",
                "Two actions have no date.",
            ),
            ("risk", "good", "Plan B is specific."),
            ("accommodation", "good", "Schedule 2 assessed."),
            (
                "oversight",
                "requires_improvement",
                "The review is overdue and no decision is recorded.",
            ),
            (
                "overall",
                "good",
                "A good plan that has not been kept up to date.",
            ),
        ]
        .into_iter()
        .map(|(a, g, f)| (a, serde_json::json!({"grade": g, "findings": f})))
        .collect();
        let audit_id = uuid::Uuid::now_v7().to_string();
        case_audit::ActiveModel {
            id: Set(audit_id.clone()),
            young_person_id: Set(yp.clone()),
            auditor_id: Set(manager.clone()),
            audit_date: Set(today - Duration::days(10)),
            grades: Set(serde_json::to_string(&grades)?),
            summary: Set(Some("Hold the overdue review this month.".into())),
            created_at: Set(now),
        }
        .insert(&state.db)
        .await?;
        audit_action::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            audit_id: Set(audit_id.clone()),
            young_person_id: Set(yp.clone()),
            text: Set("Hold Danny's overdue plan review".into()),
            owner_id: Set(a2.clone()),
            due: Set(today + Duration::days(10)),
            status: Set("open".into()),
            completed_on: Set(None),
        }
        .insert(&state.db)
        .await?;
        audit_moderation::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            audit_id: Set(audit_id),
            moderator_id: Set(admin.clone()),
            agrees: Set(false),
            grades: Set(serde_json::json!({"overall": "requires_improvement"}).to_string()),
            reason: Set(Some(
                "An overdue review for a former relevant young person is not good practice.".into(),
            )),
            created_at: Set(now),
        }
        .insert(&state.db)
        .await?;
    }
    Ok(())
}
