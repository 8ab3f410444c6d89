//! Performance indicators for the authority, each team and each adviser: worked out from the
//! records in the background and kept as totals (`indicator_values`), read by the performance
//! page, its CSV and the list behind each number.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::auth::{CurrentUser, Role};
use crate::domain::indicators::{self, Band, PersonFacts, Tally};
use crate::domain::ssda903::Oc3;
use crate::entities::{
    accommodation, allocation, audit_action, case_audit, indicator_value, milestone, plan, team,
    timeline_event, user, young_person,
};
use crate::error::AppError;
use crate::services::oversight::SessionDates;
use crate::state::AppState;

/// Months of history kept and shown as the trend.
pub const TREND_MONTHS: u32 = 12;

/// Whose figures: the whole authority, one team, or one adviser's caseload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    Authority,
    Team(String),
    Adviser(String),
}

impl Scope {
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::Authority => "authority",
            Scope::Team(_) => "team",
            Scope::Adviser(_) => "adviser",
        }
    }
    pub fn id(&self) -> &str {
        match self {
            Scope::Authority => "",
            Scope::Team(t) | Scope::Adviser(t) => t,
        }
    }
    /// `authority`, `team:{id}` or `adviser:{id}`, as the page's query string carries it.
    pub fn key(&self) -> String {
        match self {
            Scope::Authority => "authority".into(),
            s => format!("{}:{}", s.kind(), s.id()),
        }
    }
    pub fn parse(s: &str) -> Option<Scope> {
        match s.split_once(':') {
            None if s == "authority" => Some(Scope::Authority),
            Some(("team", id)) if !id.is_empty() => Some(Scope::Team(id.into())),
            Some(("adviser", id)) if !id.is_empty() => Some(Scope::Adviser(id.into())),
            _ => None,
        }
    }
}

/// The scopes a user may see, most general first: a senior manager every scope; a manager their
/// teams and the advisers in them; an adviser their own caseload. Anyone else, none.
pub async fn scopes_for(
    state: &AppState,
    caller: &CurrentUser,
) -> Result<Vec<(Scope, String)>, AppError> {
    let mut out = Vec::new();
    let mut teams = team::Entity::find().order_by_asc(team::Column::Name);
    match caller.role {
        Role::SeniorManager => out.push((Scope::Authority, "The whole authority".to_string())),
        Role::Manager => {
            let mut mine = Condition::any().add(team::Column::ManagerId.eq(caller.id()));
            if let Some(t) = &caller.user.team_id {
                mine = mine.add(team::Column::Id.eq(t.clone()));
            }
            teams = teams.filter(mine);
        }
        Role::Adviser => {
            out.push((
                Scope::Adviser(caller.id().to_string()),
                format!("{}'s caseload", caller.user.name),
            ));
            return Ok(out);
        }
        _ => return Ok(out),
    }
    let teams = teams.all(&state.db).await?;
    let visible_teams: Vec<&team::Model> = teams.iter().collect();
    let users = user::Entity::find()
        .filter(user::Column::Role.eq("adviser"))
        .filter(user::Column::TeamId.is_in(teams.iter().map(|t| t.id.clone())))
        .order_by_asc(user::Column::Name)
        .all(&state.db)
        .await?;
    for t in &visible_teams {
        out.push((Scope::Team(t.id.clone()), t.name.clone()));
    }
    for u in &users {
        if u.role == "adviser"
            && visible_teams
                .iter()
                .any(|t| u.team_id.as_deref() == Some(t.id.as_str()))
        {
            out.push((
                Scope::Adviser(u.id.clone()),
                format!("{}'s caseload", u.name),
            ));
        }
    }
    Ok(out)
}

/// One young person's facts, with whose caseload they are on.
pub struct Loaded {
    pub young_person_id: String,
    pub adviser_id: Option<String>,
    /// The team they belong to, allocated or not.
    pub team_id: Option<String>,
    pub facts: PersonFacts,
}

fn parse_oc3(details: &Option<String>) -> Option<Oc3> {
    details
        .as_deref()
        .and_then(|d| serde_json::from_str::<Oc3>(d).ok())
}

/// Loads the facts of every young person, or of those with the given ids, in a fixed number of
/// queries (one per table).
pub async fn load_facts<C: ConnectionTrait>(
    db: &C,
    only: Option<&[String]>,
) -> Result<Vec<Loaded>, DbErr> {
    let mut people = young_person::Entity::find();
    if let Some(ids) = only {
        people = people.filter(young_person::Column::Id.is_in(ids.iter().cloned()));
    }
    let mut facts = FactsLoader::new(people.all(db).await?, only);
    facts.milestones(db).await?;
    facts.events(db).await?;
    facts.homes_and_advisers(db).await?;
    facts.plans(db).await?;
    facts.audits(db).await?;
    Ok(facts.out)
}

/// `q` limited to the young people in `only`, when given.
fn scoped<E: EntityTrait>(
    q: sea_orm::Select<E>,
    col: impl ColumnTrait,
    only: Option<&[String]>,
) -> sea_orm::Select<E> {
    match only {
        Some(ids) => q.filter(col.is_in(ids.iter().cloned())),
        None => q,
    }
}

/// The facts being loaded, one table at a time, each row added to its young person's facts.
struct FactsLoader<'a> {
    only: Option<&'a [String]>,
    index: HashMap<String, usize>,
    out: Vec<Loaded>,
}

impl<'a> FactsLoader<'a> {
    fn new(people: Vec<young_person::Model>, only: Option<&'a [String]>) -> Self {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut out: Vec<Loaded> = Vec::with_capacity(people.len());
        for p in people {
            index.insert(p.id.clone(), out.len());
            out.push(Loaded {
                young_person_id: p.id.clone(),
                adviser_id: p.adviser_id.clone(),
                team_id: p.team_id.clone(),
                facts: PersonFacts {
                    dob: Some(p.date_of_birth),
                    care_leaver: matches!(
                        p.legal_status.as_str(),
                        "eligible" | "relevant" | "former_relevant"
                    ),
                    ..Default::default()
                },
            });
        }
        FactsLoader { only, index, out }
    }

    /// The facts of the young person `id`, if loaded.
    fn of(&mut self, id: &str) -> Option<&mut PersonFacts> {
        let i = *self.index.get(id)?;
        Some(&mut self.out[i].facts)
    }

    /// The adviser, assessment and first plan milestones.
    async fn milestones<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        let ms = scoped(
            milestone::Entity::find().filter(milestone::Column::Code.is_in([
                "PA_ALLOCATED",
                "NEEDS_ASSESSMENT",
                "PATHWAY_PLAN",
            ])),
            milestone::Column::YoungPersonId,
            self.only,
        )
        .all(db)
        .await?;
        for m in ms {
            if let Some(f) = self.of(&m.young_person_id) {
                let v = Some((m.due, m.done_on));
                match m.code.as_str() {
                    "PA_ALLOCATED" => f.pa_allocated = v,
                    "NEEDS_ASSESSMENT" => f.needs_assessment = v,
                    _ => f.pathway_plan = v,
                }
            }
        }
        Ok(())
    }

    /// Care-leaver data, plan approvals and reviews, missing episodes and return interviews.
    async fn events<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        let events = scoped(
            timeline_event::Entity::find().filter(timeline_event::Column::Kind.is_in([
                "oc3_recorded",
                "plan_approved",
                "plan_reviewed",
                "missing_episode",
                "return_interview_offered",
            ])),
            timeline_event::Column::YoungPersonId,
            self.only,
        )
        .all(db)
        .await?;
        for e in events {
            if let Some(f) = self.of(&e.young_person_id) {
                match e.kind.as_str() {
                    "oc3_recorded" => {
                        if let Some(o) = parse_oc3(&e.details) {
                            f.oc3.push((e.event_date, o));
                        }
                    }
                    "plan_approved" | "plan_reviewed" => f.reviews.push(e.event_date),
                    "missing_episode" => {
                        if let Some(back) = e.end_date {
                            f.returns.push(back);
                        }
                    }
                    _ => f.interview_offers.push(e.event_date),
                }
            }
        }
        Ok(())
    }

    /// Where they have lived, and when each personal adviser started.
    async fn homes_and_advisers<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        let homes = scoped(
            accommodation::Entity::find(),
            accommodation::Column::YoungPersonId,
            self.only,
        )
        .all(db)
        .await?;
        for h in homes {
            if let Some(f) = self.of(&h.young_person_id) {
                f.homes.push((h.start_date, h.end_date, h.temporary));
            }
        }
        let allocations = scoped(
            allocation::Entity::find().filter(allocation::Column::Role.eq("personal_adviser")),
            allocation::Column::YoungPersonId,
            self.only,
        )
        .all(db)
        .await?;
        for a in allocations {
            if let Some(f) = self.of(&a.young_person_id) {
                f.adviser_starts.push(a.start_date);
            }
        }
        Ok(())
    }

    /// The current plan: the newest version that is not superseded.
    async fn plans<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        let plans: Vec<(String, i32, String)> = scoped(
            plan::Entity::find()
                .select_only()
                .column(plan::Column::YoungPersonId)
                .column(plan::Column::VersionNo)
                .column(plan::Column::Status)
                .filter(plan::Column::Status.ne("superseded")),
            plan::Column::YoungPersonId,
            self.only,
        )
        .into_tuple()
        .all(db)
        .await?;
        let mut newest: HashMap<String, (i32, String)> = HashMap::new();
        for (yp, v, status) in plans {
            let e = newest.entry(yp).or_insert((v, status.clone()));
            if v >= e.0 {
                *e = (v, status);
            }
        }
        for (yp, (_, status)) in newest {
            if let Some(f) = self.of(&yp) {
                f.has_plan = true;
                // Submission is refused while any of the nine checks fails (domain::plan).
                f.plan_passes = matches!(status.as_str(), "submitted" | "approved");
            }
        }
        Ok(())
    }

    /// Case audits with their overall grade, and the open audit actions.
    async fn audits<C: ConnectionTrait>(&mut self, db: &C) -> Result<(), DbErr> {
        let audits = scoped(
            case_audit::Entity::find(),
            case_audit::Column::YoungPersonId,
            self.only,
        )
        .all(db)
        .await?;
        for a in audits {
            if let Some(f) = self.of(&a.young_person_id) {
                let overall = serde_json::from_str::<serde_json::Value>(&a.grades)
                    .ok()
                    .and_then(|g| g["overall"]["grade"].as_str().map(str::to_string))
                    .unwrap_or_default();
                f.audits.push((a.audit_date, overall));
            }
        }
        let open = scoped(
            audit_action::Entity::find().filter(audit_action::Column::Status.eq("open")),
            audit_action::Column::YoungPersonId,
            self.only,
        )
        .all(db)
        .await?;
        for a in open {
            if let Some(f) = self.of(&a.young_person_id) {
                f.open_audit_actions += 1;
            }
        }
        Ok(())
    }
}

type Key = (Scope, &'static str, Option<Band>);

fn add(totals: &mut HashMap<Key, (u32, u32)>, scope: Scope, t: &Tally) {
    let e = totals.entry((scope, t.code, t.band)).or_default();
    e.0 += t.num;
    e.1 += t.den;
}

/// Whether a practitioner's supervision is within their interval on `as_of`: the same
/// SUPERVISION rule as the team page (`oversight::supervision_status`), from the sessions held by
/// then. Someone never supervised does not meet it.
fn supervised(
    state: &AppState,
    u: &user::Model,
    sessions: &[SessionDates],
    as_of: NaiveDate,
) -> bool {
    let held: Vec<SessionDates> = sessions
        .iter()
        .filter(|s| s.session_date <= as_of)
        .cloned()
        .collect();
    let status = crate::services::oversight::supervision_status(
        u,
        &held,
        state.config.supervision_interval_months(&u.role),
        i64::from(state.config.policy.due_soon_days),
        as_of,
    );
    status.last.is_some() && status.state != "overdue"
}

/// Every practitioner's supervision dates, in one query of the whole table: a list of every
/// practitioner's id would pass SQLite's limit on bound values in a large authority.
async fn sessions_of(
    state: &AppState,
    staff: &[user::Model],
) -> Result<HashMap<String, Vec<SessionDates>>, DbErr> {
    let mut by: HashMap<String, Vec<SessionDates>> =
        staff.iter().map(|u| (u.id.clone(), Vec::new())).collect();
    for s in crate::services::oversight::session_dates(state, None).await? {
        if let Some(v) = by.get_mut(&s.adviser_id) {
            v.push(s);
        }
    }
    Ok(by)
}

/// Adds up every young person's tallies, and the practitioners' supervision, on `as_of`.
fn totals(
    state: &AppState,
    loaded: &[Loaded],
    staff: &[user::Model],
    sessions: &HashMap<String, Vec<SessionDates>>,
    team_of: &HashMap<String, String>,
    as_of: NaiveDate,
    current: bool,
) -> HashMap<Key, (u32, u32)> {
    let mut totals = HashMap::new();
    let review_months = state.config.policy.review_interval_months;
    for l in loaded {
        let ts = indicators::tallies(&l.facts, as_of, review_months, current);
        for t in &ts {
            add(&mut totals, Scope::Authority, t);
            if let Some(a) = &l.adviser_id {
                add(&mut totals, Scope::Adviser(a.clone()), t);
            }
            // A team's figures count everyone in it, those waiting for an adviser too (an
            // allocation that is late is exactly what the timeliness figures must show).
            if let Some(team) = &l.team_id {
                add(&mut totals, Scope::Team(team.clone()), t);
            }
        }
    }
    for u in staff {
        if u.created_at.date_naive() > as_of {
            continue;
        }
        let meets = supervised(
            state,
            u,
            sessions.get(&u.id).map_or(&[], Vec::as_slice),
            as_of,
        );
        let t = Tally {
            code: "supervision_in_interval",
            band: None,
            num: u32::from(meets),
            den: 1,
        };
        add(&mut totals, Scope::Authority, &t);
        add(&mut totals, Scope::Adviser(u.id.clone()), &t);
        if let Some(team) = team_of.get(&u.id) {
            add(&mut totals, Scope::Team(team.clone()), &t);
        }
    }
    totals
}

/// Recomputes today's figures and any month-end of the last 12 months not yet kept. Returns the
/// number of rows written. Safe on several nodes: each period is replaced in one transaction.
pub async fn refresh(state: &AppState) -> Result<usize, DbErr> {
    let today = state.clock.today();
    let now = state.clock.now();
    let kept: Vec<NaiveDate> = indicator_value::Entity::find()
        .select_only()
        .column(indicator_value::Column::Period)
        .distinct()
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut periods: Vec<(NaiveDate, bool)> = indicators::month_ends(today, TREND_MONTHS)
        .into_iter()
        .filter(|p| !kept.contains(p))
        .map(|p| (p, false))
        .collect();
    periods.push((today, true));

    let loaded = load_facts(&state.db, None).await?;
    let users = user::Entity::find().all(&state.db).await?;
    let team_of: HashMap<String, String> = users
        .iter()
        .filter_map(|u| u.team_id.clone().map(|t| (u.id.clone(), t)))
        .collect();
    let staff: Vec<user::Model> = users
        .into_iter()
        .filter(|u| matches!(u.role.as_str(), "adviser" | "manager") && !u.disabled)
        .collect();
    let sessions = sessions_of(state, &staff).await?;

    let mut written = 0;
    for (period, current) in periods {
        let totals = totals(state, &loaded, &staff, &sessions, &team_of, period, current);
        let rows: Vec<indicator_value::ActiveModel> = totals
            .into_iter()
            .map(
                |((scope, code, band), (num, den))| indicator_value::ActiveModel {
                    id: Set(uuid::Uuid::now_v7().to_string()),
                    period: Set(period),
                    scope_kind: Set(scope.kind().to_string()),
                    scope_id: Set(scope.id().to_string()),
                    code: Set(code.to_string()),
                    band: Set(band.map(|b| b.code().to_string()).unwrap_or_default()),
                    numerator: Set(i32::try_from(num).unwrap_or(i32::MAX)),
                    denominator: Set(i32::try_from(den).unwrap_or(i32::MAX)),
                    computed_at: Set(now),
                },
            )
            .collect();
        let txn = crate::db::begin_write(&state.db).await?;
        let mut del = indicator_value::Entity::delete_many()
            .filter(indicator_value::Column::Period.eq(period));
        if current {
            // Yesterday's "current" figures are replaced by today's.
            let last_month_end = indicators::month_ends(today, 1)[0];
            del = indicator_value::Entity::delete_many()
                .filter(indicator_value::Column::Period.gt(last_month_end));
        }
        del.exec(&txn).await?;
        written += rows.len();
        for chunk in rows.chunks(500) {
            indicator_value::Entity::insert_many(chunk.to_vec())
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
    }
    // Months that have dropped out of the trend.
    if let Some(oldest) = indicators::month_ends(today, TREND_MONTHS).first() {
        indicator_value::Entity::delete_many()
            .filter(indicator_value::Column::Period.lt(*oldest))
            .exec(&state.db)
            .await?;
    }
    Ok(written)
}

/// One indicator's figures for one scope: the current value and the trend, oldest first.
#[derive(Debug, Clone)]
pub struct Series {
    pub code: &'static str,
    pub band: Option<Band>,
    pub current: (i32, i32),
    pub trend: Vec<(NaiveDate, i32, i32)>,
}

/// One kept figure as the page reads it: period, code, band, numerator, denominator, computed at.
type KeptFigure = (NaiveDate, String, String, i32, i32, DateTime<Utc>);

/// The kept figures for one scope, in the order of `indicators::DEFS`, bands in order.
pub async fn series(
    state: &AppState,
    scope: &Scope,
) -> Result<(Vec<Series>, Option<DateTime<Utc>>), DbErr> {
    // Only the columns the page shows, read by position: decoding whole rows (ids, scope keys,
    // a timestamp per row) by column name was most of this page's time.
    let rows: Vec<KeptFigure> = indicator_value::Entity::find()
        .select_only()
        .columns([
            indicator_value::Column::Period,
            indicator_value::Column::Code,
            indicator_value::Column::Band,
            indicator_value::Column::Numerator,
            indicator_value::Column::Denominator,
            indicator_value::Column::ComputedAt,
        ])
        .filter(indicator_value::Column::ScopeKind.eq(scope.kind()))
        .filter(indicator_value::Column::ScopeId.eq(scope.id()))
        .order_by_asc(indicator_value::Column::Period)
        .into_tuple()
        .all(&state.db)
        .await?;
    let today = state.clock.today();
    let computed = rows.iter().map(|r| r.5).max();
    let latest_period = rows.iter().map(|r| r.0).max();
    let mut out = Vec::new();
    for d in indicators::DEFS {
        let bands: Vec<Option<Band>> = if d.banded {
            Band::ALL.iter().map(|b| Some(*b)).collect()
        } else {
            vec![None]
        };
        for band in bands {
            let band_code = band.map(|b| b.code()).unwrap_or("");
            let mine: Vec<&KeptFigure> = rows
                .iter()
                .filter(|r| r.1 == d.code && r.2 == band_code)
                .collect();
            let current = mine
                .iter()
                .find(|r| Some(r.0) == latest_period && r.0 > today - chrono::Duration::days(31))
                .map_or((0, 0), |r| (r.3, r.4));
            let trend = mine.iter().map(|r| (r.0, r.3, r.4)).collect();
            out.push(Series {
                code: d.code,
                band,
                current,
                trend,
            });
        }
    }
    Ok((out, computed))
}

/// Who is behind one indicator today, for one scope: each young person counted, and whether
/// they meet it. Only young people (or, for supervision, practitioners) the caller may see.
pub async fn behind(
    state: &AppState,
    scope: &Scope,
    code: &str,
    band: Option<Band>,
) -> Result<Vec<(String, String, bool)>, DbErr> {
    let today = state.clock.today();
    if code == "supervision_in_interval" {
        let staff: Vec<user::Model> = user::Entity::find()
            .filter(user::Column::Role.is_in(["adviser", "manager"]))
            .filter(user::Column::Disabled.eq(false))
            .order_by_asc(user::Column::Name)
            .all(&state.db)
            .await?;
        let staff: Vec<user::Model> = staff
            .into_iter()
            .filter(|u| match scope {
                Scope::Authority => true,
                Scope::Team(t) => u.team_id.as_deref() == Some(t.as_str()),
                Scope::Adviser(a) => &u.id == a,
            })
            .collect();
        let sessions = sessions_of(state, &staff).await?;
        let out = staff
            .iter()
            .map(|u| {
                let mine = sessions.get(&u.id).map_or(&[][..], Vec::as_slice);
                (
                    format!("/advisers/{}/supervision", u.id),
                    u.name.clone(),
                    supervised(state, u, mine, today),
                )
            })
            .collect();
        return Ok(out);
    }
    let mut people = young_person::Entity::find()
        .select_only()
        .column(young_person::Column::Id);
    match scope {
        Scope::Authority => {}
        Scope::Adviser(a) => people = people.filter(young_person::Column::AdviserId.eq(a.clone())),
        Scope::Team(t) => people = people.filter(young_person::Column::TeamId.eq(t.clone())),
    }
    let ids: Vec<String> = people.into_tuple().all(&state.db).await?;
    let loaded = load_facts(&state.db, Some(&ids)).await?;
    let names: HashMap<String, young_person::Model> = young_person::Entity::find()
        .filter(young_person::Column::Id.is_in(ids.clone()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let mut out = Vec::new();
    for l in loaded {
        let ts = indicators::tallies(
            &l.facts,
            today,
            state.config.policy.review_interval_months,
            true,
        );
        for t in ts.iter().filter(|t| t.code == code && t.band == band) {
            if let Some(p) = names.get(&l.young_person_id) {
                out.push((
                    format!("/young-people/{}", p.id),
                    format!(
                        "{} ({})",
                        crate::services::young_people::display_name(p),
                        p.local_id
                    ),
                    t.num > 0,
                ));
            }
        }
    }
    out.sort_by(|a, b| a.2.cmp(&b.2).then(a.1.cmp(&b.1)));
    Ok(out)
}
