//! Demo plans: every state, and one draft that fails every quality check.

use chrono::{Duration, NaiveDate};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

use crate::domain::plan::{
    ACCOMMODATION_FACTORS, Action, Agreement, Assessment, Goal, Meeting, MeetingAction,
    PlanContent, Risk,
};
use crate::entities::{plan, young_person};
use crate::state::AppState;

use super::{Dates, Seeded};

/// The young person's own words in each section of the good demo plan, by section code.
const IN_MY_WORDS: &[(&str, &str)] = &[
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

/// A plan written with the young person, meeting every check.
fn demo_plan(first_name: &str, adviser: &str, today: NaiveDate) -> PlanContent {
    let mut p = PlanContent::empty();
    for s in p.sections.iter_mut() {
        if let Some((_, w)) = IN_MY_WORDS.iter().find(|(c, _)| *c == s.code) {
            s.in_my_words = (*w).to_string();
        }
    }
    let soon = |d: i64| today + Duration::days(d);
    add_goals(&mut p, first_name, adviser, today);
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

/// The good plan's goals: a college course (education) and a bank account (money).
fn add_goals(p: &mut PlanContent, first_name: &str, adviser: &str, today: NaiveDate) {
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

/// The demo plans: (local id, [(status, content kind, days ago started, decision)]).
const DEMO_PLANS: &[(&str, &[DemoVersion])] = &[
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

/// Loads `DEMO_PLANS` for the demo young people in `ids`.
pub(super) async fn seed_plans(state: &AppState, ids: &[Seeded]) -> anyhow::Result<()> {
    let dates = Dates::read(state);
    for (local, versions) in DEMO_PLANS {
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
        let author = Author {
            first_name: &first_name,
            adviser: &adviser,
            adviser_id: adviser_user(state, &adviser).await?,
        };
        insert_versions(state, &id, &author, versions, dates).await?;
    }
    Ok(())
}

/// Who a demo plan is for and who wrote it.
struct Author<'a> {
    first_name: &'a str,
    adviser: &'a str,
    adviser_id: String,
}

/// The versions of one young person's plan, each approved one the previous of the next.
async fn insert_versions(
    state: &AppState,
    id: &str,
    author: &Author<'_>,
    versions: &[DemoVersion],
    dates: Dates,
) -> anyhow::Result<()> {
    let now = dates.now;
    let adviser_id = &author.adviser_id;
    let mut previous: Option<String> = None;
    for (n, (status, kind, days_ago, decision)) in versions.iter().enumerate() {
        let started = dates.today - Duration::days(*days_ago);
        let content = if *kind == "good" {
            demo_plan(author.first_name, author.adviser, started)
        } else {
            weak_plan()
        };
        let pid = uuid::Uuid::now_v7().to_string();
        let decided = matches!(*status, "approved" | "superseded" | "returned");
        plan::ActiveModel {
            id: Set(pid.clone()),
            young_person_id: Set(id.to_string()),
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
            approved_on: Set(
                matches!(*status, "approved" | "superseded").then(|| started + Duration::days(7))
            ),
        }
        .insert(&state.db)
        .await?;
        if matches!(*status, "approved" | "superseded") {
            previous = Some(pid);
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
