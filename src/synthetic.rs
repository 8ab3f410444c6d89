//! `pathway seed-synthetic --young-people N --seed S`: a synthetic authority of any size, the
//! same for the same seed, for load tests and measurements. Teams of eight advisers with a
//! manager, 25 young people to an adviser, each with a care history, homes, allocations, events,
//! care-leaver data, a plan, and the stored timeline the service itself works out; supervision
//! for every practitioner and case audits for some young people.
//!
//! Every account's password is `DEMO_PASSWORD`. Never loaded in production, never into a
//! database that already has users.

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, PaginatorTrait};

use crate::domain::age::add_months;
use crate::domain::plan::{Action, Goal, PlanContent, Risk};
use crate::domain::ssda903::{ETHNICITY, Oc3};
use crate::entities::{
    accommodation, allocation, audit_action, care_episode, case_audit, plan, supervision, team,
    timeline_event, user, young_person,
};
use crate::services::timeline::Record;
use crate::state::AppState;

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
    let mk_user =
        |id: String, email: String, name: String, role: &str, team: Option<String>, admin: bool| {
            user::ActiveModel {
                id: Set(id),
                email: Set(email),
                name: Set(name),
                password_hash: Set(hash.clone()),
                role: Set(role.into()),
                is_admin: Set(admin),
                team_id: Set(team),
                disabled: Set(false),
                sessions_valid_after: Set(None),
                reminder_delivery: Set("immediate".into()),
                created_at: Set(now - Duration::days(800)),
                updated_at: Set(now),
            }
        };
    let txn = crate::db::begin_write(&state.db).await?;
    let mut team_ids = Vec::new();
    for t in 0..teams {
        let id = uuid(&mut rng);
        team::ActiveModel {
            id: Set(id.clone()),
            name: Set(format!("Leaving Care Team {}", t + 1)),
            manager_id: Set(None),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
        team_ids.push(id);
    }
    let mut users = vec![mk_user(
        uuid(&mut rng),
        "admin@synthetic.test".into(),
        "Synthetic Admin".into(),
        "none",
        None,
        true,
    )];
    for s in 0..2 {
        users.push(mk_user(
            uuid(&mut rng),
            format!("senior-{s}@synthetic.test"),
            format!("Senior Manager {s}"),
            "senior_manager",
            None,
            false,
        ));
    }
    let mut manager_ids = Vec::new();
    for (t, team_id) in team_ids.iter().enumerate() {
        let id = uuid(&mut rng);
        manager_ids.push(id.clone());
        users.push(mk_user(
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
        let id = uuid(&mut rng);
        adviser_ids.push(id.clone());
        users.push(mk_user(
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
    let user_count = users.len();
    for c in users.chunks(500) {
        user::Entity::insert_many(c.to_vec()).exec(&txn).await?;
    }
    for (t, id) in team_ids.iter().enumerate() {
        team::ActiveModel {
            id: Set(id.clone()),
            manager_id: Set(Some(manager_ids[t].clone())),
            ..Default::default()
        }
        .update(&txn)
        .await?;
    }
    // Supervision: monthly for a year, with the odd session missed.
    let mut sessions = Vec::new();
    for (i, who) in adviser_ids.iter().chain(manager_ids.iter()).enumerate() {
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
                id: Set(uuid(&mut rng)),
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
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;

    let small_plan = serde_json::to_string(&plan_content(today, 1, 2))?;
    let big_plan = serde_json::to_string(&full_plan(today))?;
    let chunk = 500;
    let mut k = 0;
    while k < n {
        let mut batch = Batch::default();
        for i in k..(k + chunk).min(n) {
            person(
                &mut rng,
                &mut batch,
                i,
                today,
                &adviser_ids,
                &team_ids,
                &manager_ids,
                &small_plan,
                &big_plan,
                state,
            );
        }
        batch.write(state).await?;
        k += chunk;
    }
    // Fresh statistics after a bulk load, as autovacuum would gather a little later: without
    // them PostgreSQL plans the team page's counts as if every table were empty.
    use sea_orm::ConnectionTrait;
    state.db.execute_unprepared("ANALYZE").await?;
    Ok(Summary {
        teams,
        users: user_count,
        young_people: n,
    })
}

#[derive(Default)]
struct Batch {
    people: Vec<young_person::ActiveModel>,
    episodes: Vec<care_episode::ActiveModel>,
    homes: Vec<accommodation::ActiveModel>,
    allocations: Vec<allocation::ActiveModel>,
    events: Vec<timeline_event::ActiveModel>,
    plans: Vec<plan::ActiveModel>,
    audits: Vec<case_audit::ActiveModel>,
    actions: Vec<audit_action::ActiveModel>,
    milestones: Vec<crate::entities::milestone::ActiveModel>,
}

impl Batch {
    async fn write(self, state: &AppState) -> anyhow::Result<()> {
        let txn = crate::db::begin_write(&state.db).await?;
        macro_rules! put {
            ($entity:path, $rows:expr, $n:expr) => {
                for c in $rows.chunks($n) {
                    <$entity>::insert_many(c.to_vec()).exec(&txn).await?;
                }
            };
        }
        put!(young_person::Entity, self.people, 200);
        put!(care_episode::Entity, self.episodes, 500);
        put!(accommodation::Entity, self.homes, 500);
        put!(allocation::Entity, self.allocations, 500);
        put!(timeline_event::Entity, self.events, 500);
        put!(plan::Entity, self.plans, 50);
        put!(case_audit::Entity, self.audits, 200);
        put!(audit_action::Entity, self.actions, 500);
        put!(crate::entities::milestone::Entity, self.milestones, 500);
        txn.commit().await?;
        Ok(())
    }
}

fn event(
    rng: &mut StdRng,
    yp: &str,
    kind: &str,
    date: NaiveDate,
    end: Option<NaiveDate>,
    details: Option<String>,
    by: &str,
) -> timeline_event::ActiveModel {
    timeline_event::ActiveModel {
        id: Set(uuid(rng)),
        young_person_id: Set(yp.to_string()),
        kind: Set(kind.into()),
        event_date: Set(date),
        end_date: Set(end),
        notes: Set(None),
        recorded_by: Set(Some(by.to_string())),
        details: Set(details),
        // Recorded on the day it happened: the data depends on the seed and the clock alone.
        created_at: Set(date.and_time(chrono::NaiveTime::MIN).and_utc()),
    }
}

#[allow(clippy::too_many_arguments)]
fn person(
    rng: &mut StdRng,
    b: &mut Batch,
    i: usize,
    today: NaiveDate,
    advisers: &[String],
    teams: &[String],
    managers: &[String],
    small_plan: &str,
    big_plan: &str,
    state: &AppState,
) {
    let now = state.clock.now();
    let id = uuid(rng);
    let adviser = advisers[i % advisers.len()].clone();
    // Advisers are eight to a team (see `generate`).
    let team = teams[(i % advisers.len()) / 8].clone();
    let age_days: i64 = rng.random_range(15 * 365 + 30..24 * 365);
    // One in fifty under-16s is newly referred and waits for a personal adviser.
    let awaiting = age_days < 16 * 365 && i.is_multiple_of(50);
    let dob = today - Duration::days(age_days);
    let at = |months: u32| add_months(dob, months);
    let person = young_person::Model {
        id: id.clone(),
        local_id: format!("SYN-{i:07}"),
        given_name: GIVEN[rng.random_range(0..GIVEN.len())].into(),
        family_name: FAMILY[rng.random_range(0..FAMILY.len())].into(),
        preferred_name: None,
        date_of_birth: dob,
        gender: Some(
            if rng.random_bool(0.5) {
                "Female"
            } else {
                "Male"
            }
            .into(),
        ),
        pronouns: None,
        ethnicity: Some(ETHNICITY[rng.random_range(0..17)].1.into()),
        first_language: Some("English".into()),
        disability: None,
        uasc: rng.random_range(0..20) == 0,
        trafficked: false,
        phone: None,
        email: None,
        address: None,
        adviser_id: (!awaiting).then(|| adviser.clone()),
        team_id: Some(team),
        social_worker: None,
        special_guardianship: false,
        education_after21: rng.random_range(0..4) == 0,
        requested_pa_after21: false,
        legal_status: String::new(),
        next_due: None,
        overdue_count: 0,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    // Looked after from 14 (or a little later) to 18, or still in care.
    let start = at(168 + rng.random_range(0..18));
    let eighteen = at(216);
    let end = (eighteen <= today).then_some(eighteen);
    let episodes = vec![care_episode::Model {
        id: uuid(rng),
        young_person_id: id.clone(),
        start_date: start,
        end_date: end,
        legal_basis: "s20 accommodated".into(),
        short_breaks_only: false,
    }];
    // Homes from 16: one to four, the odd one temporary.
    let mut homes = Vec::new();
    let sixteen = at(192);
    if sixteen < today {
        let count = rng.random_range(1..=4usize);
        let span = (today - sixteen).num_days().max(1);
        let mut starts: Vec<NaiveDate> = (0..count)
            .map(|_| sixteen + Duration::days(rng.random_range(0..span)))
            .collect();
        starts.sort();
        starts[0] = sixteen;
        for (h, s) in starts.iter().enumerate() {
            homes.push(accommodation::Model {
                id: uuid(rng),
                young_person_id: id.clone(),
                kind: [
                    "Foster placement",
                    "Supported lodgings",
                    "Semi-independent flat",
                    "Own tenancy",
                ][h % 4]
                    .into(),
                start_date: *s,
                end_date: starts.get(h + 1).copied(),
                provided_by_authority: false,
                suitability: "{}".into(),
                suitable: rng.random_range(0..10) != 0,
                move_reason: Some("Planned move".into()),
                temporary: rng.random_range(0..10) == 0,
                pa_visit_scheduled_for: None,
            });
        }
    }
    // A personal adviser from 15 years 9 months, sometimes changed in the last year.
    let first = at(189).min(today);
    let mut allocations = vec![allocation::Model {
        id: uuid(rng),
        young_person_id: id.clone(),
        role: "personal_adviser".into(),
        user_id: Some(adviser.clone()),
        person_name: "Personal adviser".into(),
        start_date: first,
        end_date: None,
        reason: Some("First allocation".into()),
    }];
    if rng.random_range(0..6) == 0 {
        let change = (today - Duration::days(rng.random_range(10..300))).max(first);
        allocations[0].end_date = Some(change);
        allocations.push(allocation::Model {
            id: uuid(rng),
            young_person_id: id.clone(),
            role: "personal_adviser".into(),
            user_id: Some(adviser.clone()),
            person_name: "Personal adviser".into(),
            start_date: change,
            end_date: None,
            reason: Some("Caseload rebalanced".into()),
        });
    }
    if awaiting {
        allocations.clear();
    }
    let mut events = Vec::new();
    let by = adviser.as_str();
    let assessed = at(194 + rng.random_range(0..4));
    let mut approved = None;
    if assessed < today && rng.random_range(0..10) != 0 {
        events.push(event(
            rng,
            &id,
            "assessment_completed",
            assessed,
            None,
            None,
            by,
        ));
        let a = assessed + Duration::days(rng.random_range(5..45));
        if a < today && rng.random_range(0..10) != 0 {
            events.push(event(rng, &id, "plan_approved", a, None, None, by));
            approved = Some(a);
            let mut r = add_months(a, 6) - Duration::days(rng.random_range(0..40));
            while r < today {
                events.push(event(rng, &id, "plan_reviewed", r, None, None, by));
                r = add_months(r, 6) + Duration::days(rng.random_range(-20..25));
            }
        }
    }
    if sixteen < today {
        let contact = today - Duration::days(rng.random_range(1..70));
        events.push(event(rng, &id, "pa_contact", contact, None, None, by));
    }
    if rng.random_range(0..20) == 0 {
        let back = today - Duration::days(rng.random_range(4..200));
        events.push(event(
            rng,
            &id,
            "missing_episode",
            back - Duration::days(2),
            Some(back),
            None,
            by,
        ));
        if rng.random_range(0..10) < 7 {
            let offered = back + Duration::days(rng.random_range(0..5));
            events.push(event(
                rng,
                &id,
                "return_interview_offered",
                offered.min(today),
                None,
                Some(r#"{"offered_by":"Return home interview service","accepted":true,"learned":null}"#.into()),
                by,
            ));
        }
    }
    for age in 17..=21u32 {
        let birthday = at(age * 12);
        if birthday >= today || end.is_none() || rng.random_range(0..10) == 0 {
            continue;
        }
        let (touch, activity, accom) = match rng.random_range(0..10) {
            0 => ("NO", "G5", "R2"),
            1 => ("YES", "G6", "U1"),
            2 => ("YES", "F5", "U2"),
            3 | 4 => ("YES", "F2", if age == 17 { "E1" } else { "U1" }),
            5 => ("REFU", "G5", "R2"),
            _ => ("YES", "F5", if age == 17 { "D1" } else { "U1" }),
        };
        let o = Oc3 {
            in_touch: touch.into(),
            activity: activity.into(),
            accommodation: accom.into(),
        };
        let recorded = (birthday + Duration::days(rng.random_range(0..20))).min(today);
        events.push(event(
            rng,
            &id,
            "oc3_recorded",
            recorded,
            None,
            serde_json::to_string(&o).ok(),
            by,
        ));
    }
    if let Some(a) = approved {
        let full = rng.random_range(0..100) == 0;
        b.plans.push(plan::ActiveModel {
            id: Set(uuid(rng)),
            young_person_id: Set(id.clone()),
            version_no: Set(1),
            status: Set("approved".into()),
            content: Set(if full { big_plan } else { small_plan }.to_string()),
            lock_version: Set(1),
            previous_plan_id: Set(None),
            started_on: Set(a - Duration::days(10)),
            created_by: Set(adviser.clone()),
            created_at: Set(now),
            updated_by: Set(adviser.clone()),
            updated_at: Set(now),
            submitted_at: Set(Some(now)),
            decided_by: Set(Some(managers[(i / 25 / 8) % managers.len()].clone())),
            decided_at: Set(Some(now)),
            decision: Set(Some(
                "Approved: the plan is specific and in their words".into(),
            )),
            approved_on: Set(Some(a)),
        });
    }
    if rng.random_range(0..33) == 0 {
        let audit_id = uuid(rng);
        let grade = [
            "outstanding",
            "good",
            "good",
            "requires_improvement",
            "inadequate",
        ][rng.random_range(0..5)];
        b.audits.push(case_audit::ActiveModel {
            id: Set(audit_id.clone()),
            young_person_id: Set(id.clone()),
            auditor_id: Set(managers[(i / 25 / 8) % managers.len()].clone()),
            audit_date: Set(today - Duration::days(rng.random_range(1..200))),
            grades: Set(format!(
                r#"{{"overall":{{"grade":"{grade}","findings":"Findings"}}}}"#
            )),
            summary: Set(None),
            created_at: Set(now),
        });
        b.actions.push(audit_action::ActiveModel {
            id: Set(uuid(rng)),
            audit_id: Set(audit_id),
            young_person_id: Set(id.clone()),
            text: Set("Update the risk register".into()),
            owner_id: Set(adviser.clone()),
            due: Set(today + Duration::days(rng.random_range(-30..60))),
            status: Set(if rng.random_bool(0.5) { "open" } else { "done" }.into()),
            completed_on: Set(None),
        });
    }
    // The stored timeline, worked out by the service's own engine.
    let record = Record {
        person,
        episodes,
        parent_periods: vec![],
        accommodations: homes,
        allocations,
        events: events
            .iter()
            .map(|e| timeline_event::Model {
                id: e.id.clone().unwrap(),
                young_person_id: e.young_person_id.clone().unwrap(),
                kind: e.kind.clone().unwrap(),
                event_date: e.event_date.clone().unwrap(),
                end_date: e.end_date.clone().unwrap(),
                notes: None,
                recorded_by: None,
                details: e.details.clone().unwrap(),
                created_at: now,
            })
            .collect(),
        overrides: vec![],
    };
    let tl = record.timeline(&state.config.policy, &state.holidays, today);
    let stored = crate::services::timeline::stored(&record.person.id, &tl, now);
    let mut p = record.person.clone();
    p.legal_status = stored.legal_status;
    p.next_due = stored.next_due;
    p.overdue_count = stored.overdue;
    b.milestones.extend(stored.rows);
    b.people.push(p.into());
    b.episodes
        .extend(record.episodes.into_iter().map(Into::into));
    b.homes
        .extend(record.accommodations.into_iter().map(Into::into));
    b.allocations
        .extend(record.allocations.into_iter().map(Into::into));
    b.events.extend(events);
}
