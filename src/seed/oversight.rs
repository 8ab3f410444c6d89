//! Demo oversight: supervision (one adviser up to date, one overdue with three supervisors in a
//! year) and one moderated case audit with an open action, so "My team" shows every column.

use chrono::Duration;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::entities::{audit_action, audit_moderation, case_audit, supervision, user};
use crate::state::AppState;

use super::{Dates, Seeded};

/// Who the case audit names, by user id.
struct AuditPeople {
    /// The manager, who audits.
    manager: String,
    /// Sam Reid, Danny's adviser, who owns the action.
    a2: String,
    /// The senior manager, who moderates.
    senior: String,
}

/// Supervision sessions: (adviser, supervisor, days ago, reflection, challenge), people by email.
const SESSIONS: &[(&str, &str, i64, &str, &str)] = &[
    (
        "adviser@demo.test",
        "manager@demo.test",
        40,
        "Caseload reviewed; Leah's assessment is late.",
        "Why did the assessment slip past 16y3m?",
    ),
    (
        "adviser@demo.test",
        "manager@demo.test",
        12,
        "Tom's housing plan and Jay's missing episode.",
        "Is the Plan B for Jay specific enough?",
    ),
    (
        "adviser2@demo.test",
        "manager@demo.test",
        150,
        "Chloe's move and Danny's reviews.",
        "Reviews for Danny are drifting.",
    ),
    (
        "adviser2@demo.test",
        "senior@demo.test",
        100,
        "Cover session while the manager was away.",
        "None needed: a short catch-up.",
    ),
    (
        "adviser2@demo.test",
        "manager@demo.test",
        60,
        "Workload check.",
        "Prioritise Danny's review.",
    ),
];

/// The audit of Danny's file: (area, grade, findings).
const DANNY_GRADES: &[(&str, &str, &str)] = &[
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
];

/// Supervision (one adviser up to date, one overdue with three supervisors in a year) and one
/// moderated case audit with an open action, so "My team" shows every column.
pub(super) async fn seed_oversight(state: &AppState, ids: &[Seeded]) -> anyhow::Result<()> {
    let dates = Dates::read(state);
    let users = user::Entity::find().all(&state.db).await?;
    let id_of = |email: &str| {
        users
            .iter()
            .find(|u| u.email == email)
            .map(|u| u.id.clone())
            .unwrap_or_default()
    };
    let people = AuditPeople {
        manager: id_of("manager@demo.test"),
        a2: id_of("adviser2@demo.test"),
        senior: id_of("senior@demo.test"),
    };
    for (adviser, by, days, reflection, challenge) in SESSIONS {
        let session = (id_of(adviser), id_of(by), *days, *reflection, *challenge);
        insert_supervision(state, session, dates).await?;
    }
    if let Some((yp, _, _)) = ids.iter().find(|(_, l, _)| l == "BAR-1009") {
        insert_case_audit(state, yp, &people, dates).await?;
    }
    Ok(())
}

/// One supervision session: (adviser id, supervisor id, days ago, reflection, challenge).
async fn insert_supervision(
    state: &AppState,
    (adviser, by, days, reflection, challenge): (String, String, i64, &str, &str),
    dates: Dates,
) -> anyhow::Result<()> {
    let date = dates.today - Duration::days(days);
    supervision::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        adviser_id: Set(adviser),
        supervisor_id: Set(by),
        session_date: Set(date),
        format: Set("one_to_one".into()),
        reflection: Set(reflection.into()),
        challenge: Set(challenge.into()),
        wellbeing: Set(Some(
            "Managing; asked for a lighter week after court.".into(),
        )),
        workload: Set(Some("Six young people.".into())),
        next_date: Set(Some(date + Duration::days(28))),
        created_at: Set(dates.now),
    }
    .insert(&state.db)
    .await?;
    Ok(())
}

/// The manager's audit of Danny's file, its open action, and the senior manager's moderation
/// disagreeing with the grade.
async fn insert_case_audit(
    state: &AppState,
    yp: &str,
    people: &AuditPeople,
    dates: Dates,
) -> anyhow::Result<()> {
    let (today, now) = (dates.today, dates.now);
    let grades: std::collections::BTreeMap<&str, serde_json::Value> = DANNY_GRADES
        .iter()
        .map(|(a, g, f)| (*a, serde_json::json!({"grade": g, "findings": f})))
        .collect();
    let audit_id = uuid::Uuid::now_v7().to_string();
    case_audit::ActiveModel {
        id: Set(audit_id.clone()),
        young_person_id: Set(yp.to_string()),
        auditor_id: Set(people.manager.clone()),
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
        young_person_id: Set(yp.to_string()),
        text: Set("Hold Danny's overdue plan review".into()),
        owner_id: Set(people.a2.clone()),
        due: Set(today + Duration::days(10)),
        status: Set("open".into()),
        completed_on: Set(None),
    }
    .insert(&state.db)
    .await?;
    audit_moderation::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        audit_id: Set(audit_id),
        moderator_id: Set(people.senior.clone()),
        agrees: Set(false),
        grades: Set(serde_json::json!({"overall": "requires_improvement"}).to_string()),
        reason: Set(Some(
            "An overdue review for a former relevant young person is not good practice.".into(),
        )),
        created_at: Set(now),
    }
    .insert(&state.db)
    .await?;
    Ok(())
}
