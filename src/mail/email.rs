//! The reminder emails: askama templates with a plain-text and an HTML part.
//!
//! An email carries the least that does the job (UK GDPR Art. 5(1)(c)): the young person's first
//! name and initial, what is due and when, and a link that needs a sign-in. Never a plan's
//! content, an address, or why a young person went missing. Subjects carry no name at all, since
//! they show in notifications and lock screens.

use askama::Template;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One thing that is due, as an email lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Line {
    pub what: String,
    /// The young person's first name and initial, or the colleague being supervised.
    pub who: Option<String>,
    pub due: NaiveDate,
    pub link: String,
    /// For an escalation: whose item it is.
    pub responsible: Option<String>,
    /// For a young person still waiting for a personal adviser: the digest lists it under
    /// "Waiting for a personal adviser".
    #[serde(default)]
    pub awaiting: bool,
}

pub fn long_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

fn first_name(full: &str) -> String {
    full.split_whitespace()
        .next()
        .unwrap_or("there")
        .to_string()
}

#[derive(Template)]
#[template(path = "email/reminder.txt")]
struct ReminderText<'a> {
    greeting: String,
    headline: String,
    line: &'a Line,
    due_long: String,
    why: &'a str,
    can_choose: bool,
    account_link: String,
}

#[derive(Template)]
#[template(path = "email/reminder.html")]
struct ReminderHtml<'a> {
    subject: &'a str,
    greeting: String,
    headline: String,
    line: &'a Line,
    due_long: String,
    why: &'a str,
    can_choose: bool,
    account_link: String,
}

/// A rendered email.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Which single reminder this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// A lead-time reminder, `n` days ahead at most.
    DueWithin(u32),
    /// A return home interview to offer (72 hours).
    ReturnInterview,
    /// A return home interview past its 72 hours.
    ReturnInterviewOverdue,
}

pub fn reminder(
    base_url: &str,
    recipient_name: &str,
    kind: ReminderKind,
    line: &Line,
    today: NaiveDate,
) -> Result<Rendered, askama::Error> {
    let days = (line.due - today).num_days();
    let when = match days {
        d if d < 0 => "overdue".to_string(),
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        d => format!("in {d} days"),
    };
    let (subject, headline, why, can_choose) = match kind {
        ReminderKind::DueWithin(_) => (
            format!("Due {when}: {}", line.what),
            format!("This is due {when}."),
            "You get this because it is yours on Pathway.",
            true,
        ),
        ReminderKind::ReturnInterview => (
            format!("Return home interview to offer: due {when}"),
            "A return home interview must be offered within 72 hours of a young person coming back from being missing.".to_string(),
            "Return home interview reminders always come at once.",
            false,
        ),
        ReminderKind::ReturnInterviewOverdue => (
            "Overdue: return home interview not yet offered".to_string(),
            "The 72 hours to offer a return home interview have passed and none is recorded.".to_string(),
            "Return home interview reminders always come at once.",
            false,
        ),
    };
    let account_link = format!("{base_url}/account");
    let text = ReminderText {
        greeting: first_name(recipient_name),
        headline: headline.clone(),
        line,
        due_long: long_date(line.due),
        why,
        can_choose,
        account_link: account_link.clone(),
    }
    .render()?;
    let html = ReminderHtml {
        subject: &subject,
        greeting: first_name(recipient_name),
        headline,
        line,
        due_long: long_date(line.due),
        why,
        can_choose,
        account_link,
    }
    .render()?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// A line as the digest shows it.
pub struct DigestLine {
    pub what: String,
    pub who: Option<String>,
    pub due_text: String,
    pub link: String,
    pub responsible: Option<String>,
    pub overdue: bool,
}

impl DigestLine {
    fn from(l: &Line, today: NaiveDate) -> DigestLine {
        let days = (l.due - today).num_days();
        let due_text = match days {
            d if d < -1 => format!("{} ({} days ago)", long_date(l.due), -d),
            -1 => format!("{} (yesterday)", long_date(l.due)),
            0 => format!("{} (today)", long_date(l.due)),
            1 => format!("{} (tomorrow)", long_date(l.due)),
            d => format!("{} (in {d} days)", long_date(l.due)),
        };
        DigestLine {
            what: l.what.clone(),
            who: l.who.clone(),
            due_text,
            link: l.link.clone(),
            responsible: l.responsible.clone(),
            overdue: days < 0,
        }
    }
}

#[derive(Template)]
#[template(path = "email/digest.txt")]
struct DigestText<'a> {
    greeting: String,
    day_long: String,
    overdue: &'a [DigestLine],
    escalated: &'a [DigestLine],
    coming: &'a [DigestLine],
    waiting: &'a [DigestLine],
    escalation_days: u32,
    account_link: String,
}

#[derive(Template)]
#[template(path = "email/digest.html")]
struct DigestHtml<'a> {
    subject: &'a str,
    greeting: String,
    day_long: String,
    overdue: &'a [DigestLine],
    escalated: &'a [DigestLine],
    coming: &'a [DigestLine],
    waiting: &'a [DigestLine],
    escalation_days: u32,
    account_link: String,
}

fn count(n: usize, what: &str) -> Option<String> {
    (n > 0).then(|| format!("{n} {what}"))
}

/// What one digest lists, group by group.
pub struct DigestGroups<'a> {
    pub overdue: &'a [Line],
    pub escalated: &'a [Line],
    pub coming: &'a [Line],
    /// Young people with no personal adviser, for their team's manager.
    pub waiting: &'a [Line],
}

/// The daily digest: everything overdue for the recipient, what escalated from their team, and
/// the reminders they chose to have gathered.
pub fn digest(
    base_url: &str,
    recipient_name: &str,
    today: NaiveDate,
    escalation_days: u32,
    groups: DigestGroups<'_>,
) -> Result<Rendered, askama::Error> {
    let DigestGroups {
        overdue,
        escalated,
        coming,
        waiting,
    } = groups;
    let conv = |ls: &[Line]| -> Vec<DigestLine> {
        let mut v: Vec<&Line> = ls.iter().collect();
        v.sort_by(|a, b| a.due.cmp(&b.due).then(a.what.cmp(&b.what)));
        v.into_iter().map(|l| DigestLine::from(l, today)).collect()
    };
    let (o, e, c, w) = (conv(overdue), conv(escalated), conv(coming), conv(waiting));
    let parts: Vec<String> = [
        count(o.len(), "overdue"),
        count(e.len(), "escalated"),
        count(c.len(), "coming up"),
        count(w.len(), "waiting for an adviser"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let subject = format!(
        "Pathway reminders for {}: {}",
        today.format("%-d %B"),
        parts.join(", ")
    );
    let account_link = format!("{base_url}/account");
    let day_long = long_date(today);
    let text = DigestText {
        greeting: first_name(recipient_name),
        day_long: day_long.clone(),
        overdue: &o,
        escalated: &e,
        coming: &c,
        waiting: &w,
        escalation_days,
        account_link: account_link.clone(),
    }
    .render()?;
    let html = DigestHtml {
        subject: &subject,
        greeting: first_name(recipient_name),
        day_long,
        overdue: &o,
        escalated: &e,
        coming: &c,
        waiting: &w,
        escalation_days,
        account_link,
    }
    .render()?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}
