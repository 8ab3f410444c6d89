//! The SSDA903 care-leaver extract for a collection year: the OC3 table and the Header rows it
//! needs, in the 903 CSV layout, checked against the DfE rules in `domain::ssda903`.
//!
//! A collection year runs from 1 April to 31 March. The cohort is every relevant or former
//! relevant young person whose 17th to 21st birthday falls in it (DfE methodology; REFERENCE.md
//! 4.1); their answers are the care-leaver data recorded nearest that birthday, inside the OC3
//! window (local policy, `POLICY_OC3_WINDOW_*`). 22 to 25 year olds are not in this file: the DfE
//! rule 391 still refuses them in the 2025-26 rules.

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::age::add_months;
use crate::domain::ssda903::{self as rules, Oc3};
use crate::entities::{timeline_event, young_person};
use crate::error::AppError;
use crate::state::AppState;

pub const HEADER_COLUMNS: [&str; 7] = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"];
pub const OC3_COLUMNS: [&str; 5] = ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"];

/// One young person in the file.
#[derive(Debug, Clone)]
pub struct Row {
    pub young_person_id: String,
    pub local_id: String,
    pub name: String,
    pub birthday: NaiveDate,
    pub age: u32,
    pub header: [String; 7],
    pub oc3: [String; 5],
}

/// Something to put right before the return is sent.
#[derive(Debug, Clone)]
pub struct Problem {
    pub young_person_id: String,
    pub local_id: String,
    pub name: String,
    pub rule: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Extract {
    /// The year the collection ends in (31 March).
    pub year: i32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub rows: Vec<Row>,
    /// Young people in the cohort with no care-leaver data in the window: not in the files.
    pub missing: Vec<Problem>,
    /// Rows in the files that break a rule.
    pub problems: Vec<Problem>,
}

fn ddmmyyyy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The collection year ending on 31 March of `year`.
pub fn bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year - 1, 4, 1)?,
        NaiveDate::from_ymd_opt(year, 3, 31)?,
    ))
}

/// The latest collection year that has ended by `today`.
pub fn latest_complete_year(today: NaiveDate) -> i32 {
    if today > NaiveDate::from_ymd_opt(today.year(), 3, 31).unwrap_or(today) {
        today.year()
    } else {
        today.year() - 1
    }
}

/// The extract for the collection year ending on 31 March of `year`.
pub async fn extract(state: &AppState, year: i32) -> Result<Extract, AppError> {
    let (start, end) = bounds(year).ok_or(AppError::NotFound)?;
    let policy = &state.config.policy;
    let people = young_person::Entity::find()
        .filter(young_person::Column::LegalStatus.is_in(["relevant", "former_relevant"]))
        .order_by_asc(young_person::Column::LocalId)
        .all(&state.db)
        .await?;
    let ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let events = timeline_event::Entity::find()
        .filter(timeline_event::Column::Kind.eq("oc3_recorded"))
        .filter(timeline_event::Column::YoungPersonId.is_in(ids))
        .all(&state.db)
        .await?;
    let mut out = Extract {
        year,
        start,
        end,
        rows: vec![],
        missing: vec![],
        problems: vec![],
    };
    for p in people {
        let Some((age, birthday)) = (17..=21u32).find_map(|n| {
            let b = add_months(p.date_of_birth, n * 12);
            (b >= start && b <= end).then_some((n, b))
        }) else {
            continue;
        };
        let name = crate::services::young_people::display_name(&p);
        let from = add_months(birthday, 0)
            .checked_sub_months(chrono::Months::new(policy.oc3_window_before_months))
            .unwrap_or(birthday);
        let to = add_months(birthday, policy.oc3_window_after_months);
        let Some(o) = nearest_answers(&events, &p.id, birthday, from, to) else {
            out.missing.push(problem(
                &p,
                &name,
                "",
                format!(
                    "No care-leaver data recorded around the {}th birthday ({}); record it between {} and {}",
                    age,
                    birthday.format("%-d %B %Y"),
                    from.format("%-d %B %Y"),
                    to.format("%-d %B %Y")
                ),
            ));
            continue;
        };
        add_row(&mut out, &p, &name, (age, birthday), o);
    }
    Ok(out)
}

fn problem(p: &young_person::Model, name: &str, rule: &str, message: String) -> Problem {
    Problem {
        young_person_id: p.id.clone(),
        local_id: p.local_id.clone(),
        name: name.to_string(),
        rule: rule.to_string(),
        message,
    }
}

/// The care-leaver data recorded for the young person `id` between `from` and `to`, nearest the
/// birthday.
fn nearest_answers(
    events: &[timeline_event::Model],
    id: &str,
    birthday: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
) -> Option<Oc3> {
    events
        .iter()
        .filter(|e| e.young_person_id == id && e.event_date >= from && e.event_date <= to)
        .filter_map(|e| {
            e.details
                .as_deref()
                .and_then(|d| serde_json::from_str::<Oc3>(d).ok())
                .map(|o| (e.event_date, o))
        })
        .min_by_key(|(d, _)| (*d - birthday).num_days().abs())
        .map(|(_, o)| o)
}

/// The young person's Header and OC3 rows, with every rule they break.
fn add_row(
    out: &mut Extract,
    p: &young_person::Model,
    name: &str,
    (age, birthday): (u32, NaiveDate),
    o: Oc3,
) {
    let dob = p.date_of_birth;
    let sex = rules::sex_code(p.gender.as_deref());
    if sex.is_none() {
        out.problems.push(problem(
            p,
            name,
            "101",
            "Sex is not recorded: add it to their details".into(),
        ));
    }
    let ethnic = rules::ethnic_code(p.ethnicity.as_deref());
    if ethnic.is_none() {
        out.problems.push(problem(
            p,
            name,
            "103",
            format!(
                "Ethnicity \"{}\" is not one of the DfE categories: change it in their details",
                p.ethnicity.as_deref().unwrap_or("")
            ),
        ));
    }
    for f in rules::validate(&o, age) {
        out.problems.push(problem(p, name, f.rule, f.message));
    }
    out.rows.push(Row {
        young_person_id: p.id.clone(),
        local_id: p.local_id.clone(),
        name: name.to_string(),
        birthday,
        age,
        header: [
            p.local_id.clone(),
            sex.unwrap_or("").to_string(),
            ddmmyyyy(dob),
            ethnic.unwrap_or("").to_string(),
            // No UPN is held for care leavers; UN5 is the DfE code for "not known".
            "UN5".to_string(),
            String::new(),
            String::new(),
        ],
        oc3: [
            p.local_id.clone(),
            ddmmyyyy(dob),
            o.in_touch,
            o.activity,
            o.accommodation,
        ],
    });
}

fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    format!("{}\r\n", quoted.join(","))
}

/// One table of the extract as 903 CSV: `header` or `oc3`.
pub fn csv(x: &Extract, table: &str) -> Option<String> {
    let header = match table {
        "header" => true,
        "oc3" => false,
        _ => return None,
    };
    let columns: &[&str] = if header {
        &HEADER_COLUMNS
    } else {
        &OC3_COLUMNS
    };
    let mut out = csv_line(&columns.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    for r in &x.rows {
        out.push_str(&csv_line(if header { &r.header } else { &r.oc3 }));
    }
    Some(out)
}
