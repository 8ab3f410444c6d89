//! One synthetic young person: their record, care history, homes, allocations, events,
//! care-leaver data, plan, case audit and the stored timeline, added to a batch that is written
//! in one transaction. Every random draw is taken in the same order, so a seed always gives the
//! same authority.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::Rng;
use rand::rngs::StdRng;
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::domain::age::add_months;
use crate::domain::ssda903::{ETHNICITY, Oc3};
use crate::entities::{
    accommodation, allocation, audit_action, care_episode, case_audit, plan, timeline_event,
    young_person,
};
use crate::services::timeline::Record;
use crate::state::AppState;

use super::{FAMILY, GIVEN, People, uuid};

/// Rows for a batch of young people, written together.
#[derive(Default)]
pub(super) struct Batch {
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
    pub(super) async fn write(self, state: &AppState) -> anyhow::Result<()> {
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

/// The young person being generated: the `i`th, with their adviser, dated from `today`.
struct Young {
    i: usize,
    id: String,
    dob: NaiveDate,
    adviser: String,
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl Young {
    /// The date `months` months after the date of birth.
    fn at(&self, months: u32) -> NaiveDate {
        add_months(self.dob, months)
    }

    /// An event recorded by the adviser.
    fn event(
        &self,
        rng: &mut StdRng,
        kind: &str,
        date: NaiveDate,
        end: Option<NaiveDate>,
        details: Option<String>,
    ) -> timeline_event::ActiveModel {
        event(rng, &self.id, kind, date, end, details, &self.adviser)
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

/// Adds the `i`th young person and everything recorded about them to `b`.
pub(super) fn person(rng: &mut StdRng, b: &mut Batch, i: usize, ctx: &People) {
    let today = ctx.today;
    let now = ctx.state.clock.now();
    let id = uuid(rng);
    let adviser = ctx.advisers[i % ctx.advisers.len()].clone();
    // Advisers are eight to a team (see `generate`).
    let team = ctx.teams[(i % ctx.advisers.len()) / 8].clone();
    let age_days: i64 = rng.random_range(15 * 365 + 30..24 * 365);
    // One in fifty under-16s is newly referred and waits for a personal adviser.
    let awaiting = age_days < 16 * 365 && i.is_multiple_of(50);
    let y = Young {
        i,
        id,
        dob: today - Duration::days(age_days),
        adviser,
        today,
        now,
    };
    let person = details(rng, &y, team, awaiting);
    let (episodes, end) = care_history(rng, &y);
    let homes = homes(rng, &y);
    let mut allocations = allocations(rng, &y);
    if awaiting {
        allocations.clear();
    }
    let mut events = Vec::new();
    let approved = plan_events(rng, &y, &mut events);
    contact_events(rng, &y, &mut events);
    oc3_events(rng, &y, end, &mut events);
    if let Some(a) = approved {
        b.plans.push(approved_plan(rng, &y, a, ctx));
    }
    audit(rng, &y, ctx, b);
    let record = Record {
        person,
        episodes,
        parent_periods: vec![],
        accommodations: homes,
        allocations,
        events: events.iter().map(|e| event_model(e, now)).collect(),
        overrides: vec![],
    };
    store(b, ctx.state, record, &y);
    b.events.extend(events);
}

/// The young person's record (legal status and timeline fields are filled in by `store`).
fn details(rng: &mut StdRng, y: &Young, team: String, awaiting: bool) -> young_person::Model {
    young_person::Model {
        id: y.id.clone(),
        local_id: format!("SYN-{:07}", y.i),
        given_name: GIVEN[rng.random_range(0..GIVEN.len())].into(),
        family_name: FAMILY[rng.random_range(0..FAMILY.len())].into(),
        preferred_name: None,
        date_of_birth: y.dob,
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
        adviser_id: (!awaiting).then(|| y.adviser.clone()),
        team_id: Some(team),
        social_worker: None,
        special_guardianship: false,
        education_after21: rng.random_range(0..4) == 0,
        requested_pa_after21: false,
        legal_status: String::new(),
        next_due: None,
        overdue_count: 0,
        version: 1,
        created_at: y.now,
        updated_at: y.now,
    }
}

/// Looked after from 14 (or a little later) to 18, or still in care; returns the episode and its
/// end.
fn care_history(rng: &mut StdRng, y: &Young) -> (Vec<care_episode::Model>, Option<NaiveDate>) {
    let start = y.at(168 + rng.random_range(0..18));
    let eighteen = y.at(216);
    let end = (eighteen <= y.today).then_some(eighteen);
    let episodes = vec![care_episode::Model {
        id: uuid(rng),
        young_person_id: y.id.clone(),
        start_date: start,
        end_date: end,
        legal_basis: "s20 accommodated".into(),
        short_breaks_only: false,
    }];
    (episodes, end)
}

/// Homes from 16: one to four, the odd one temporary.
fn homes(rng: &mut StdRng, y: &Young) -> Vec<accommodation::Model> {
    let mut homes = Vec::new();
    let sixteen = y.at(192);
    if sixteen < y.today {
        let count = rng.random_range(1..=4usize);
        let span = (y.today - sixteen).num_days().max(1);
        let mut starts: Vec<NaiveDate> = (0..count)
            .map(|_| sixteen + Duration::days(rng.random_range(0..span)))
            .collect();
        starts.sort();
        starts[0] = sixteen;
        for (h, s) in starts.iter().enumerate() {
            homes.push(accommodation::Model {
                id: uuid(rng),
                young_person_id: y.id.clone(),
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
    homes
}

/// A personal adviser from 15 years 9 months, sometimes changed in the last year.
fn allocations(rng: &mut StdRng, y: &Young) -> Vec<allocation::Model> {
    let first = y.at(189).min(y.today);
    let mut allocations = vec![allocation::Model {
        id: uuid(rng),
        young_person_id: y.id.clone(),
        role: "personal_adviser".into(),
        user_id: Some(y.adviser.clone()),
        person_name: "Personal adviser".into(),
        start_date: first,
        end_date: None,
        reason: Some("First allocation".into()),
    }];
    if rng.random_range(0..6) == 0 {
        let change = (y.today - Duration::days(rng.random_range(10..300))).max(first);
        allocations[0].end_date = Some(change);
        allocations.push(allocation::Model {
            id: uuid(rng),
            young_person_id: y.id.clone(),
            role: "personal_adviser".into(),
            user_id: Some(y.adviser.clone()),
            person_name: "Personal adviser".into(),
            start_date: change,
            end_date: None,
            reason: Some("Caseload rebalanced".into()),
        });
    }
    allocations
}

/// The needs assessment, the plan's approval and its six-monthly reviews; returns the date the
/// plan was approved.
fn plan_events(
    rng: &mut StdRng,
    y: &Young,
    events: &mut Vec<timeline_event::ActiveModel>,
) -> Option<NaiveDate> {
    let today = y.today;
    let assessed = y.at(194 + rng.random_range(0..4));
    let mut approved = None;
    if assessed < today && rng.random_range(0..10) != 0 {
        events.push(y.event(rng, "assessment_completed", assessed, None, None));
        let a = assessed + Duration::days(rng.random_range(5..45));
        if a < today && rng.random_range(0..10) != 0 {
            events.push(y.event(rng, "plan_approved", a, None, None));
            approved = Some(a);
            let mut r = add_months(a, 6) - Duration::days(rng.random_range(0..40));
            while r < today {
                events.push(y.event(rng, "plan_reviewed", r, None, None));
                r = add_months(r, 6) + Duration::days(rng.random_range(-20..25));
            }
        }
    }
    approved
}

/// The adviser's last contact from 16, and the odd missing episode with, mostly, a return home
/// interview offered.
fn contact_events(rng: &mut StdRng, y: &Young, events: &mut Vec<timeline_event::ActiveModel>) {
    let today = y.today;
    if y.at(192) < today {
        let contact = today - Duration::days(rng.random_range(1..70));
        events.push(y.event(rng, "pa_contact", contact, None, None));
    }
    if rng.random_range(0..20) == 0 {
        let back = today - Duration::days(rng.random_range(4..200));
        events.push(y.event(
            rng,
            "missing_episode",
            back - Duration::days(2),
            Some(back),
            None,
        ));
        if rng.random_range(0..10) < 7 {
            let offered = back + Duration::days(rng.random_range(0..5));
            events.push(y.event(
                rng,
                "return_interview_offered",
                offered.min(today),
                None,
                Some(r#"{"offered_by":"Return home interview service","accepted":true,"learned":null}"#.into()),
            ));
        }
    }
}

/// Care-leaver (OC3) data recorded around most birthdays from 17 to 21, once out of care.
fn oc3_events(
    rng: &mut StdRng,
    y: &Young,
    end: Option<NaiveDate>,
    events: &mut Vec<timeline_event::ActiveModel>,
) {
    for age in 17..=21u32 {
        let birthday = y.at(age * 12);
        if birthday >= y.today || end.is_none() || rng.random_range(0..10) == 0 {
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
        let recorded = (birthday + Duration::days(rng.random_range(0..20))).min(y.today);
        events.push(y.event(
            rng,
            "oc3_recorded",
            recorded,
            None,
            serde_json::to_string(&o).ok(),
        ));
    }
}

/// The plan approved on `a` by the team's manager: one in a hundred is the full plan.
fn approved_plan(rng: &mut StdRng, y: &Young, a: NaiveDate, ctx: &People) -> plan::ActiveModel {
    let now = y.now;
    let full = rng.random_range(0..100) == 0;
    plan::ActiveModel {
        id: Set(uuid(rng)),
        young_person_id: Set(y.id.clone()),
        version_no: Set(1),
        status: Set("approved".into()),
        content: Set(if full { ctx.big_plan } else { ctx.small_plan }.to_string()),
        lock_version: Set(1),
        previous_plan_id: Set(None),
        started_on: Set(a - Duration::days(10)),
        created_by: Set(y.adviser.clone()),
        created_at: Set(now),
        updated_by: Set(y.adviser.clone()),
        updated_at: Set(now),
        submitted_at: Set(Some(now)),
        decided_by: Set(Some(
            ctx.managers[(y.i / 25 / 8) % ctx.managers.len()].clone(),
        )),
        decided_at: Set(Some(now)),
        decision: Set(Some(
            "Approved: the plan is specific and in their words".into(),
        )),
        approved_on: Set(Some(a)),
    }
}

/// One young person in 33 has a case audit by the team's manager, with one action.
fn audit(rng: &mut StdRng, y: &Young, ctx: &People, b: &mut Batch) {
    if rng.random_range(0..33) != 0 {
        return;
    }
    let (today, now) = (y.today, y.now);
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
        young_person_id: Set(y.id.clone()),
        auditor_id: Set(ctx.managers[(y.i / 25 / 8) % ctx.managers.len()].clone()),
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
        young_person_id: Set(y.id.clone()),
        text: Set("Update the risk register".into()),
        owner_id: Set(y.adviser.clone()),
        due: Set(today + Duration::days(rng.random_range(-30..60))),
        status: Set(if rng.random_bool(0.5) { "open" } else { "done" }.into()),
        completed_on: Set(None),
    });
}

/// The stored form of an event, as the timeline engine reads it.
fn event_model(e: &timeline_event::ActiveModel, now: DateTime<Utc>) -> timeline_event::Model {
    timeline_event::Model {
        id: e.id.clone().unwrap(),
        young_person_id: e.young_person_id.clone().unwrap(),
        kind: e.kind.clone().unwrap(),
        event_date: e.event_date.clone().unwrap(),
        end_date: e.end_date.clone().unwrap(),
        notes: None,
        recorded_by: None,
        details: e.details.clone().unwrap(),
        created_at: now,
    }
}

/// The stored timeline, worked out by the service's own engine, and the young person's rows.
fn store(b: &mut Batch, state: &AppState, record: Record, y: &Young) {
    let tl = record.timeline(&state.config.policy, &state.holidays, y.today);
    let stored = crate::services::timeline::stored(&record.person.id, &tl, y.now);
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
}
