//! `pathway seed-synthetic --young-people N --seed S`: a synthetic authority of any size, the
//! same for the same seed, for load tests and measurements. Teams of eight advisers with a
//! manager, 25 young people to an adviser, each with a care history, homes, allocations, events,
//! care-leaver data, a plan, and the stored timeline the service itself works out; supervision
//! for every practitioner and case audits for some young people.
//!
//! Every account's password is `DEMO_PASSWORD`. Never loaded in production, never into a
//! database that already has users.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseTransaction, EntityTrait, PaginatorTrait,
};

use crate::domain::plan::{Action, Goal, PlanContent, Risk};
use crate::entities::{supervision, team, user};
use crate::state::AppState;

mod person;

use person::{Batch, person};

/// A full plan: 13 sections written in the young person's words, 40 actions, 10 risks.
pub fn full_plan(today: NaiveDate) -> PlanContent {
    plan_content(today, 3, 10)
}

fn plan_content(today: NaiveDate, actions_per_section: usize, risks: usize) -> PlanContent {
    let mut p = PlanContent::empty();
    let mut n = 0;
    for (si, s) in p.sections.iter_mut().enumerate() {
        s.in_my_words = "What I want people to know about this part of my life. ".repeat(6);
        s.going_well = "Things that are going well. ".repeat(4);
        s.worries = "Things I worry about. ".repeat(4);
        s.others_views = "My foster carer and my aunt think this is going well. ".repeat(3);
        let count = if si == 0 && actions_per_section > 0 {
            actions_per_section + 1
        } else {
            actions_per_section
        };
        let actions = (0..count)
            .map(|i| {
                n += 1;
                Action {
                    what: format!("Action {n}: a specific step towards the goal"),
                    who: "Personal adviser".into(),
                    by_when: Some(today + Duration::days(30 + i as i64)),
                    status: "in_progress".into(),
                    completed_on: None,
                }
            })
            .collect();
        s.goals.push(Goal {
            text: "A goal in my own words".into(),
            actions,
        });
    }
    for i in 0..risks {
        p.risks.push(Risk {
            description: format!("Risk {i}: described in detail"),
            likelihood: "medium".into(),
            impact: "high".into(),
            protective_factors: "Protective factors".into(),
            mitigation: "Mitigation".into(),
            plan_b_trigger: "Trigger".into(),
            plan_b_response: "Response".into(),
            plan_b_owner: "Team manager".into(),
        });
    }
    p.contingency = "Overall contingency".into();
    p
}

const GIVEN: &[&str] = &[
    "Amara", "Jayden", "Leah", "Tom", "Yusuf", "Chloe", "Kai", "Sofia", "Danny", "Aisha", "Ben",
    "Maya", "Oliver", "Zara", "Ethan", "Nadia", "Liam", "Grace", "Ravi", "Ella",
];
const FAMILY: &[&str] = &[
    "Okafor", "Clarke", "Murphy", "Nowak", "Ahmed", "Brown", "Evans", "Costa", "Mensah", "Hussain",
    "Patel", "Walsh", "Singh", "Taylor", "Khan", "Jones", "Smith", "Begum", "Reid", "Lewis",
];

/// What was made.
#[derive(Debug, Default)]
pub struct Summary {
    pub teams: usize,
    pub users: usize,
    pub young_people: usize,
}

fn uuid(rng: &mut StdRng) -> String {
    uuid::Uuid::from_u128(rng.random::<u128>()).to_string()
}

/// Loads a synthetic authority of `n` young people into an empty database.
pub async fn generate(state: &AppState, n: usize, seed: u64) -> anyhow::Result<Summary> {
    if user::Entity::find().count(&state.db).await? > 0 {
        anyhow::bail!(
            "the database already has users; a synthetic authority is loaded only into an empty database"
        );
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let today = state.clock.today();
    let now = state.clock.now();
    let hash = crate::auth::password::hash_blocking(state.config.demo_password.expose())?;
    let advisers = n.div_ceil(25).max(1);
    let teams = advisers.div_ceil(8);
    let accounts = Accounts { hash: &hash, now };
    let txn = crate::db::begin_write(&state.db).await?;
    let staff = seed_staff(&txn, &mut rng, &accounts, teams, advisers).await?;
    seed_supervision(&txn, &mut rng, &staff, today, now).await?;
    txn.commit().await?;

    let small_plan = serde_json::to_string(&plan_content(today, 1, 2))?;
    let big_plan = serde_json::to_string(&full_plan(today))?;
    let people = People {
        state,
        today,
        advisers: &staff.adviser_ids,
        teams: &staff.team_ids,
        managers: &staff.manager_ids,
        small_plan: &small_plan,
        big_plan: &big_plan,
    };
    seed_people(&mut rng, n, &people).await?;
    // Fresh statistics after a bulk load, as autovacuum would gather a little later: without
    // them PostgreSQL plans the team page's counts as if every table were empty.
    use sea_orm::ConnectionTrait;
    state.db.execute_unprepared("ANALYZE").await?;
    Ok(Summary {
        teams,
        users: staff.user_count,
        young_people: n,
    })
}

/// Every synthetic account shares the demo password and was created 800 days ago.
struct Accounts<'a> {
    hash: &'a str,
    now: DateTime<Utc>,
}

impl Accounts<'_> {
    fn row(
        &self,
        id: String,
        email: String,
        name: String,
        role: &str,
        team: Option<String>,
        admin: bool,
    ) -> user::ActiveModel {
        user::ActiveModel {
            id: Set(id),
            email: Set(email),
            name: Set(name),
            password_hash: Set(self.hash.to_string()),
            role: Set(role.into()),
            is_admin: Set(admin),
            team_id: Set(team),
            disabled: Set(false),
            sessions_valid_after: Set(None),
            reminder_delivery: Set("immediate".into()),
            created_at: Set(self.now - Duration::days(800)),
            updated_at: Set(self.now),
        }
    }
}

/// The synthetic authority's teams and practitioners, by id.
struct Staff {
    team_ids: Vec<String>,
    manager_ids: Vec<String>,
    adviser_ids: Vec<String>,
    user_count: usize,
}

/// The teams, an administrator, two senior managers, a manager for each team and `advisers`
/// advisers, eight to a team.
async fn seed_staff(
    txn: &DatabaseTransaction,
    rng: &mut StdRng,
    accounts: &Accounts<'_>,
    teams: usize,
    advisers: usize,
) -> anyhow::Result<Staff> {
    let mut team_ids = Vec::new();
    for t in 0..teams {
        let id = uuid(rng);
        team::ActiveModel {
            id: Set(id.clone()),
            name: Set(format!("Leaving Care Team {}", t + 1)),
            manager_id: Set(None),
            created_at: Set(accounts.now),
        }
        .insert(txn)
        .await?;
        team_ids.push(id);
    }
    let (users, manager_ids, adviser_ids) = staff_rows(rng, accounts, &team_ids, advisers);
    let user_count = users.len();
    for c in users.chunks(500) {
        user::Entity::insert_many(c.to_vec()).exec(txn).await?;
    }
    for (t, id) in team_ids.iter().enumerate() {
        team::ActiveModel {
            id: Set(id.clone()),
            manager_id: Set(Some(manager_ids[t].clone())),
            ..Default::default()
        }
        .update(txn)
        .await?;
    }
    Ok(Staff {
        team_ids,
        manager_ids,
        adviser_ids,
        user_count,
    })
}

/// The account rows, with the managers' and the advisers' ids.
fn staff_rows(
    rng: &mut StdRng,
    accounts: &Accounts<'_>,
    team_ids: &[String],
    advisers: usize,
) -> (Vec<user::ActiveModel>, Vec<String>, Vec<String>) {
    let mut users = vec![accounts.row(
        uuid(rng),
        "admin@synthetic.test".into(),
        "Synthetic Admin".into(),
        "none",
        None,
        true,
    )];
    for s in 0..2 {
        users.push(accounts.row(
            uuid(rng),
            format!("senior-{s}@synthetic.test"),
            format!("Senior Manager {s}"),
            "senior_manager",
            None,
            false,
        ));
    }
    let mut manager_ids = Vec::new();
    for (t, team_id) in team_ids.iter().enumerate() {
        let id = uuid(rng);
        manager_ids.push(id.clone());
        users.push(accounts.row(
            id,
            format!("manager-{t}@synthetic.test"),
            format!("Manager {t}"),
            "manager",
            Some(team_id.clone()),
            false,
        ));
    }
    let mut adviser_ids = Vec::new();
    for a in 0..advisers {
        let id = uuid(rng);
        adviser_ids.push(id.clone());
        users.push(accounts.row(
            id,
            format!("adviser-{a}@synthetic.test"),
            format!(
                "{} {}",
                GIVEN[a % GIVEN.len()],
                FAMILY[(a / GIVEN.len()) % FAMILY.len()]
            ),
            "adviser",
            Some(team_ids[a / 8].clone()),
            false,
        ));
    }
    (users, manager_ids, adviser_ids)
}

/// Supervision: monthly for a year, with the odd session missed; advisers by their team's
/// manager, managers by another team's.
async fn seed_supervision(
    txn: &DatabaseTransaction,
    rng: &mut StdRng,
    staff: &Staff,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let (advisers, manager_ids) = (staff.adviser_ids.len(), &staff.manager_ids);
    let mut sessions = Vec::new();
    for (i, who) in staff
        .adviser_ids
        .iter()
        .chain(manager_ids.iter())
        .enumerate()
    {
        let supervisor = if i < advisers {
            manager_ids[i / 8].clone()
        } else {
            manager_ids[(i + 1) % manager_ids.len()].clone()
        };
        for m in 0..12 {
            if rng.random_range(0..10) == 0 {
                continue;
            }
            sessions.push(supervision::ActiveModel {
                id: Set(uuid(rng)),
                adviser_id: Set(who.clone()),
                supervisor_id: Set(supervisor.clone()),
                session_date: Set(today - Duration::days(30 * m + rng.random_range(0..10))),
                format: Set("one_to_one".into()),
                reflection: Set("Reflective discussion of the caseload".into()),
                challenge: Set("Challenge on drift in two plans".into()),
                wellbeing: Set(None),
                workload: Set(None),
                next_date: Set(None),
                created_at: Set(now),
            });
        }
    }
    for c in sessions.chunks(500) {
        supervision::Entity::insert_many(c.to_vec())
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// What every synthetic young person is generated from.
struct People<'a> {
    state: &'a AppState,
    today: NaiveDate,
    advisers: &'a [String],
    teams: &'a [String],
    managers: &'a [String],
    small_plan: &'a str,
    big_plan: &'a str,
}

/// The young people, 500 to a transaction.
async fn seed_people(rng: &mut StdRng, n: usize, people: &People<'_>) -> anyhow::Result<()> {
    let chunk = 500;
    let mut k = 0;
    while k < n {
        let mut batch = Batch::default();
        for i in k..(k + chunk).min(n) {
            person(rng, &mut batch, i, people);
        }
        batch.write(people.state).await?;
        k += chunk;
    }
    Ok(())
}
