//! One accessible form layout for every data-entry page: labels, hints, an error summary titled
//! "There is a problem" that links to each field, and the message repeated at the field. What the
//! user typed is always shown again, so nothing is lost on a mistake.

use askama::Template;

use crate::error::FieldError;
use crate::views::Layout;

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    /// text | date | email | tel | textarea | select | checkbox | checkboxes
    pub kind: &'static str,
    pub value: String,
    pub choices: Vec<Choice>,
    pub error: Option<String>,
    pub autocomplete: &'static str,
    /// Where the value goes in the struct the form is read into, when that is not `name`
    /// (`actions[0].what` for the first action's "what").
    pub path: Option<String>,
}

impl Field {
    pub fn new(name: &str, label: &str, kind: &'static str) -> Self {
        Field {
            name: name.into(),
            label: label.into(),
            hint: None,
            kind,
            value: String::new(),
            choices: vec![],
            error: None,
            autocomplete: "off",
            path: None,
        }
    }
    /// Reads this field into `path` of the struct (a row of a list, say).
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
    pub fn hint(mut self, h: &str) -> Self {
        self.hint = Some(h.into());
        self
    }
    pub fn value(mut self, v: impl Into<String>) -> Self {
        self.value = v.into();
        self
    }
    pub fn choices<'a>(mut self, c: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        self.choices = c
            .into_iter()
            .map(|(v, l)| Choice {
                value: v.into(),
                label: l.into(),
                selected: false,
            })
            .collect();
        self
    }
    pub fn owned_choices(mut self, c: Vec<(String, String)>) -> Self {
        self.choices = c
            .into_iter()
            .map(|(value, label)| Choice {
                value,
                label,
                selected: false,
            })
            .collect();
        self
    }
    pub fn described_by(&self) -> String {
        let mut ids = vec![];
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
    pub fn checked(&self) -> bool {
        matches!(self.value.as_str(), "true" | "on" | "yes")
    }
}

/// A date field typed as YYYY-MM-DD, with the example every date field shows.
pub fn date_field(name: &str, label: &str) -> Field {
    Field::new(name, label, "date").hint("For example, 2026-03-27")
}

/// Puts the submitted values and the errors back onto the fields.
pub fn fill(fields: &mut [Field], values: &[(String, String)], errors: &[FieldError]) {
    for f in fields.iter_mut() {
        let submitted: Vec<&String> = values
            .iter()
            .filter(|(k, _)| *k == f.name)
            .map(|(_, v)| v)
            .collect();
        match f.kind {
            "checkbox" => {
                if !values.is_empty() {
                    f.value = if submitted.is_empty() {
                        String::new()
                    } else {
                        "true".into()
                    };
                }
            }
            "checkboxes" => {
                if !values.is_empty() {
                    for c in f.choices.iter_mut() {
                        c.selected = submitted.iter().any(|v| **v == c.value);
                    }
                }
            }
            _ => {
                if let Some(v) = submitted.first() {
                    f.value = (*v).clone();
                }
            }
        }
        if f.kind == "select" {
            for c in f.choices.iter_mut() {
                c.selected = c.value == f.value;
            }
        }
        f.error = errors
            .iter()
            .find(|e| e.field == f.name)
            .map(|e| e.message.clone());
    }
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub caption: String,
    pub heading: String,
    pub intro: Option<String>,
    pub action: String,
    pub submit: String,
    pub back: String,
    pub fields: Vec<Field>,
    pub errors: Vec<FieldError>,
    pub hidden: Vec<(String, String)>,
}

impl FormPage {
    /// Puts what was typed and the errors back on the fields and renders the page: 200 for a
    /// fresh form, 422 with "Error:" in the title when something needs fixing.
    pub fn respond(
        mut self,
        values: &[(String, String)],
    ) -> Result<axum::response::Response, crate::error::AppError> {
        use axum::response::IntoResponse;
        name_errors(&self.fields, &mut self.errors);
        // The summary lists the problems in the order of the fields on the page.
        let position = |name: &str| self.fields.iter().position(|f| f.name == name);
        self.errors
            .sort_by_key(|e| position(&e.field).unwrap_or(usize::MAX));
        fill(&mut self.fields, values, &self.errors);
        let status = if self.errors.is_empty() {
            axum::http::StatusCode::OK
        } else {
            self.layout.title = format!("Error: {}", self.layout.title);
            axum::http::StatusCode::UNPROCESSABLE_ENTITY
        };
        Ok((status, super::render(&self)?).into_response())
    }
}

/// Parses a date typed as YYYY-MM-DD (what a browser's date field sends) or DD/MM/YYYY.
pub fn parse_date(s: &str) -> Option<chrono::NaiveDate> {
    crate::input::de::parse_date(s)
}

/// Reads an optional date field.
pub fn optional_date(
    values: &[(String, String)],
    name: &str,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> Option<chrono::NaiveDate> {
    let raw = get(values, name);
    if raw.trim().is_empty() {
        return None;
    }
    let d = parse_date(&raw);
    if d.is_none() {
        errors.push(FieldError::new(
            name,
            format!("The {label} must be a real date, for example 2026-03-27"),
        ));
    }
    d
}

pub fn get(values: &[(String, String)], name: &str) -> String {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

pub fn checked(values: &[(String, String)], name: &str) -> bool {
    matches!(get(values, name).as_str(), "true" | "on" | "yes")
}

/// Reads a submitted form into the struct the service takes (the same one a JSON client sends),
/// using the page's own fields to know each one's shape, label and place in the struct. A value
/// that cannot be read (a date that is not a real date, say) comes back as a message at its
/// field.
pub fn read<T: serde::de::DeserializeOwned>(
    values: &[(String, String)],
    fields: &[Field],
    extra: &[(&str, &str)],
) -> Result<T, Vec<FieldError>> {
    use crate::input::{FormField, Shape};
    let labels: Vec<&str> = fields
        .iter()
        .map(|f| f.label.trim_end_matches(" (optional)"))
        .collect();
    let shapes: Vec<FormField<'_>> = fields
        .iter()
        .zip(&labels)
        .map(|(f, label)| FormField {
            name: &f.name,
            shape: match f.kind {
                "checkbox" => Shape::Flag,
                "checkboxes" => Shape::Many,
                _ => Shape::Text,
            },
            label,
            path: f.path.as_deref().unwrap_or(&f.name),
        })
        .collect();
    crate::input::from_form(values, &shapes, extra)
}

/// Names each error by the page's field: a service names a row's field by its place in the
/// struct (`actions[0].what`), the page by its form name (`action_0_what`).
pub fn name_errors(fields: &[Field], errors: &mut [FieldError]) {
    for e in errors.iter_mut() {
        if let Some(f) = fields.iter().find(|f| f.path.as_deref() == Some(&e.field)) {
            e.field = f.name.clone();
        }
    }
}
