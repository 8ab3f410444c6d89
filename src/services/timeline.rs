//! Joins the stored record to the pure engine: loads a young person's care history and events,
//! computes the timeline, and stores the result (RULES.md section 3: "due dates are recomputed
//! whenever an input changes ... and the result is stored so that a query over a whole authority
//! is one indexed scan").

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::domain::policy::Policy;
use crate::domain::status::{CareHistory, Episode, Period};
use crate::domain::timeline::{self, Event, MilestoneCode, Override, Timeline, TimelineInput};
use crate::domain::working_days::BankHolidays;
use crate::entities::{
    accommodation, allocation, care_episode, milestone, milestone_override, parent_period,
    timeline_event, young_person,
};
use crate::error::AppError;

/// The kinds of event an adviser records, with the words shown on screen.
pub const EVENT_KINDS: &[(&str, &str)] = &[
    ("assessment_completed", "Needs assessment completed"),
    ("plan_approved", "Pathway plan approved"),
    ("plan_reviewed", "Pathway plan reviewed"),
    ("housing_plan_agreed", "Housing plan for 18 agreed"),
    (
        "money_ready",
        "Money ready (bank account, NI number, ID, benefits plan)",
    ),
    ("staying_put_decision", "Staying put confirmed or declined"),
    ("change_of_circumstances", "Change of circumstances"),
    ("review_requested", "Young person asked for a review"),
    ("missing_episode", "Missing episode"),
    ("return_interview_offered", "Return home interview offered"),
    ("pa_visit", "Personal adviser visit"),
    ("pa_contact", "Personal adviser contact"),
    ("oc3_recorded", "Care-leaver data (OC3) recorded"),
    ("advocacy_offered", "Advocacy offered"),
    ("independent_visitor_offered", "Independent visitor offered"),
    (
        "pa_support_requested",
        "Asked for personal adviser support after 21",
    ),
    ("education_after_21", "In education or training after 21"),
];

pub fn event_label(kind: &str) -> &'static str {
    EVENT_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, l)| *l)
        .unwrap_or("Event")
}

/// Everything stored about one young person that the engine reads.
pub struct Record {
    pub person: young_person::Model,
    pub episodes: Vec<care_episode::Model>,
    pub parent_periods: Vec<parent_period::Model>,
    pub accommodations: Vec<accommodation::Model>,
    pub allocations: Vec<allocation::Model>,
    pub events: Vec<timeline_event::Model>,
    pub overrides: Vec<milestone_override::Model>,
}

pub async fn load<C: ConnectionTrait>(
    db: &C,
    person: young_person::Model,
) -> Result<Record, AppError> {
    let id = person.id.clone();
    Ok(Record {
        episodes: care_episode::Entity::find()
            .filter(care_episode::Column::YoungPersonId.eq(id.clone()))
            .order_by_asc(care_episode::Column::StartDate)
            .all(db)
            .await?,
        parent_periods: parent_period::Entity::find()
            .filter(parent_period::Column::YoungPersonId.eq(id.clone()))
            .order_by_asc(parent_period::Column::StartDate)
            .all(db)
            .await?,
        accommodations: accommodation::Entity::find()
            .filter(accommodation::Column::YoungPersonId.eq(id.clone()))
            .order_by_asc(accommodation::Column::StartDate)
            .all(db)
            .await?,
        allocations: allocation::Entity::find()
            .filter(allocation::Column::YoungPersonId.eq(id.clone()))
            .order_by_asc(allocation::Column::StartDate)
            .all(db)
            .await?,
        events: timeline_event::Entity::find()
            .filter(timeline_event::Column::YoungPersonId.eq(id.clone()))
            .order_by_asc(timeline_event::Column::EventDate)
            .all(db)
            .await?,
        overrides: milestone_override::Entity::find()
            .filter(milestone_override::Column::YoungPersonId.eq(id.clone()))
            .order_by_asc(milestone_override::Column::CreatedAt)
            .all(db)
            .await?,
        person,
    })
}

impl Record {
    pub fn history(&self) -> CareHistory {
        let has = |k: &str| self.events.iter().any(|e| e.kind == k);
        CareHistory {
            dob: self.person.date_of_birth,
            episodes: self
                .episodes
                .iter()
                .map(|e| Episode {
                    start: e.start_date,
                    end: e.end_date,
                    short_breaks_only: e.short_breaks_only,
                })
                .collect(),
            with_parent: self
                .parent_periods
                .iter()
                .map(|p| Period {
                    start: p.start_date,
                    end: p.end_date,
                })
                .collect(),
            special_guardianship: self.person.special_guardianship,
            education_after_21: self.person.education_after21 || has("education_after_21"),
            requested_pa_after_21: self.person.requested_pa_after21 || has("pa_support_requested"),
        }
    }

    pub fn engine_events(&self) -> Vec<Event> {
        let mut out = vec![];
        for a in self
            .allocations
            .iter()
            .filter(|a| a.role == "personal_adviser")
        {
            out.push(Event::PaAllocated(a.start_date));
        }
        for a in self
            .accommodations
            .iter()
            .filter(|a| a.provided_by_authority)
        {
            out.push(Event::AuthorityAccommodation {
                start: a.start_date,
                end: a.end_date,
            });
        }
        for e in &self.events {
            let d = e.event_date;
            let ev = match e.kind.as_str() {
                "assessment_completed" => Event::AssessmentCompleted(d),
                "plan_approved" => Event::PlanApproved(d),
                "plan_reviewed" => Event::PlanReviewed(d),
                "housing_plan_agreed" => Event::HousingPlanAgreed(d),
                "money_ready" => Event::MoneyReady(d),
                "staying_put_decision" => Event::StayingPutDecision(d),
                "change_of_circumstances" => Event::ChangeOfCircumstances(d),
                "review_requested" => Event::ReviewRequested(d),
                "missing_episode" => Event::MissingEpisode {
                    start: d,
                    returned: e.end_date,
                },
                "return_interview_offered" => Event::ReturnInterviewOffered(d),
                "pa_visit" => Event::PaVisit(d),
                "pa_contact" => Event::PaContact(d),
                "oc3_recorded" => Event::Oc3Recorded(d),
                _ => continue,
            };
            out.push(ev);
        }
        out
    }

    pub fn engine_overrides(&self) -> Vec<Override> {
        self.overrides
            .iter()
            .filter_map(|o| {
                Some(Override {
                    code: MilestoneCode::parse(&o.code)?,
                    due: o.due,
                    reason: o.reason.clone(),
                })
            })
            .collect()
    }

    /// The timeline as it stands, or will stand, on `as_of`.
    pub fn timeline(&self, policy: &Policy, holidays: &BankHolidays, as_of: NaiveDate) -> Timeline {
        let history = self.history();
        let events = self.engine_events();
        let overrides = self.engine_overrides();
        timeline::compute(&TimelineInput {
            history: &history,
            events: &events,
            overrides: &overrides,
            policy,
            holidays,
            as_of,
        })
    }
}

/// Recomputes a young person's status and milestones as of `today` and stores them, on the
/// given connection or transaction (so the change and its consequences commit together).
pub async fn recompute<C: ConnectionTrait>(
    db: &C,
    policy: &Policy,
    holidays: &BankHolidays,
    person: young_person::Model,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Timeline, AppError> {
    let record = load(db, person).await?;
    let tl = record.timeline(policy, holidays, today);
    let id = record.person.id.clone();
    milestone::Entity::delete_many()
        .filter(milestone::Column::YoungPersonId.eq(id.clone()))
        .exec(db)
        .await?;
    let s = stored(&id, &tl, now);
    if !s.rows.is_empty() {
        milestone::Entity::insert_many(s.rows).exec(db).await?;
    }
    let mut am: young_person::ActiveModel = record.person.into();
    am.legal_status = Set(s.legal_status);
    am.next_due = Set(s.next_due);
    am.overdue_count = Set(s.overdue);
    am.update(db).await?;
    Ok(tl)
}

/// What is stored from a timeline: a milestone row each, and the summary on the young person.
pub struct Stored {
    pub rows: Vec<milestone::ActiveModel>,
    pub legal_status: String,
    pub next_due: Option<NaiveDate>,
    pub overdue: i32,
}

pub fn stored(young_person_id: &str, tl: &Timeline, now: chrono::DateTime<chrono::Utc>) -> Stored {
    let rows = tl
        .milestones
        .iter()
        .map(|m| milestone::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            young_person_id: Set(young_person_id.to_string()),
            code: Set(m.code.code().to_string()),
            due: Set(m.due),
            state: Set(state_code(m.state).to_string()),
            done_on: Set(m.done_on),
            rule: Set(m.rule.clone()),
            source: Set(m.source.to_string()),
            statutory: Set(m.statutory),
            escalated: Set(m.escalated),
            computed_at: Set(now),
        })
        .collect();
    let open: Vec<_> = tl
        .milestones
        .iter()
        .filter(|m| m.done_on.is_none())
        .collect();
    let overdue = open
        .iter()
        .filter(|m| m.state == timeline::MilestoneState::Overdue)
        .count();
    Stored {
        rows,
        legal_status: tl.status.status.code().to_string(),
        next_due: open.iter().map(|m| m.due).min(),
        overdue: i32::try_from(overdue).unwrap_or(i32::MAX),
    }
}

pub fn state_code(s: timeline::MilestoneState) -> &'static str {
    match s {
        timeline::MilestoneState::Upcoming => "upcoming",
        timeline::MilestoneState::DueSoon => "due_soon",
        timeline::MilestoneState::Overdue => "overdue",
        timeline::MilestoneState::Done => "done",
    }
}

pub fn state_label(s: timeline::MilestoneState) -> &'static str {
    match s {
        timeline::MilestoneState::Upcoming => "Upcoming",
        timeline::MilestoneState::DueSoon => "Due soon",
        timeline::MilestoneState::Overdue => "Overdue",
        timeline::MilestoneState::Done => "Done",
    }
}
