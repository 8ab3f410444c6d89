//! What people send, checked once. Every web form and JSON body is a struct deserialised by serde
//! and checked by `validator` derives; the same struct serves the page and the API where both
//! carry the same thing, and its `utoipa` attributes carry the same limits into the OpenAPI
//! document (`tests/it/api_contract.rs` holds the two together).
//!
//! A struct names its fields' labels once ([`Labels`]); messages are built from them in the
//! GOV.UK pattern ("Enter the date of birth", "Given name must be 100 characters or fewer"), in
//! the order the fields are listed, one per field.

use std::borrow::Cow;

use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::error::{AppError, FieldError};

/// The label of each field, in the order the fields appear on the page.
pub trait Labels {
    const LABELS: &'static [(&'static str, &'static str)];

    fn label(field: &str) -> &'static str {
        Self::LABELS
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, l)| *l)
            .unwrap_or("This field")
    }
}

/// Checks `value` with its derives, giving the messages for every field that needs fixing.
pub fn check<T: validator::Validate + Labels>(value: &T) -> Result<(), AppError> {
    value
        .validate()
        .map_err(|e| AppError::Validation(field_errors::<T>(&e)))
}

/// As [`check`], for structs whose rules need the day (`validate(context = NaiveDate)`).
pub fn check_on<'a, T>(value: &'a T, today: &'a chrono::NaiveDate) -> Result<(), AppError>
where
    T: validator::ValidateArgs<'a, Args = &'a chrono::NaiveDate> + Labels,
{
    value
        .validate_with_args(today)
        .map_err(|e| AppError::Validation(field_errors::<T>(&e)))
}

/// The errors as messages, one per field, in the order of `T::LABELS` (fields not listed last,
/// by name). A nested struct's or list's fields are named `parent.field` / `parent[2].field`.
pub fn field_errors<T: Labels>(errors: &ValidationErrors) -> Vec<FieldError> {
    let mut out = vec![];
    flatten::<T>("", errors, &mut out);
    let rank = |f: &str| {
        let base = f.split(['.', '[']).next().unwrap_or(f);
        T::LABELS
            .iter()
            .position(|(name, _)| *name == base)
            .unwrap_or(usize::MAX)
    };
    out.sort_by(|a, b| {
        rank(&a.field)
            .cmp(&rank(&b.field))
            .then_with(|| a.field.cmp(&b.field))
    });
    out
}

fn flatten<T: Labels>(prefix: &str, errors: &ValidationErrors, out: &mut Vec<FieldError>) {
    for (field, kind) in errors.errors() {
        let name = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                // A struct-level rule names the field it is about in its `field` parameter.
                for e in list {
                    let target = e
                        .params
                        .get("field")
                        .and_then(|v| v.as_str())
                        .map(|f| {
                            if prefix.is_empty() {
                                f.to_string()
                            } else {
                                format!("{prefix}.{f}")
                            }
                        })
                        .unwrap_or_else(|| name.clone());
                    if out.iter().any(|x: &FieldError| x.field == target) {
                        continue;
                    }
                    let leaf = target.rsplit('.').next().unwrap_or(&target).to_string();
                    out.push(FieldError::new(&target, message(T::label(&leaf), e)));
                }
            }
            ValidationErrorsKind::Struct(inner) => flatten::<T>(&name, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten::<T>(&format!("{name}[{i}]"), inner, out);
                }
            }
        }
    }
}

/// A message that starts in lower case is the end of a sentence about the field
/// ("must be on one line"); one in capitals is whole.
fn message(label: &str, e: &ValidationError) -> String {
    match &e.message {
        Some(m) if m.starts_with(|c: char| c.is_lowercase()) => format!("{label} {m}"),
        Some(m) => m.to_string(),
        None => match e.code.as_ref() {
            "length" => match e.params.get("max").and_then(|m| m.as_u64()) {
                Some(max) => format!("{label} must be {max} characters or fewer"),
                None => enter(label),
            },
            "required" | "blank" => enter(label),
            "email" => "Enter an email address in the correct format, like name@example.org".into(),
            "range" => format!("{label} is out of range"),
            _ => format!("Check the {}", lower_first(label)),
        },
    }
}

/// "Enter the start date" from "Start date" or "The start date".
fn enter(label: &str) -> String {
    format!(
        "Enter the {}",
        lower_first(label.strip_prefix("The ").unwrap_or(label))
    )
}

/// "The start date" from "Start date" (a label that already starts with "The" is kept).
fn the(label: &str) -> String {
    if label.starts_with("The ") {
        label.to_string()
    } else {
        format!("The {}", lower_first(label))
    }
}

pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn fail(code: &'static str, message: &'static str) -> ValidationError {
    ValidationError::new(code).with_message(Cow::Borrowed(message))
}

// ----- field rules, for `#[validate(custom(function = ...))]` -----------------------------------

/// Something other than spaces.
pub fn not_blank(s: &str) -> Result<(), ValidationError> {
    if s.trim().is_empty() {
        Err(ValidationError::new("blank"))
    } else {
        Ok(())
    }
}

/// Anything at all (a password may be spaces).
pub fn not_empty(s: &str) -> Result<(), ValidationError> {
    if s.is_empty() {
        Err(ValidationError::new("blank"))
    } else {
        Ok(())
    }
}

/// One line of text: no control characters, no unassigned code points (`domain::text`).
pub fn one_line(s: &str) -> Result<(), ValidationError> {
    match crate::domain::text::problem(s, false) {
        Some(why) => Err(fail("text", why)),
        None => Ok(()),
    }
}

/// Text that may run over several lines (line breaks and tabs allowed, other controls not).
pub fn lines(s: &str) -> Result<(), ValidationError> {
    match crate::domain::text::problem(s, true) {
        Some(why) => Err(fail("text", why)),
        None => Ok(()),
    }
}

/// A local identifier (`domain::text::LOCAL_ID_PATTERN`).
pub fn local_id(s: &str) -> Result<(), ValidationError> {
    let s = s.trim();
    if s.is_empty() || crate::domain::text::is_local_id(s) {
        Ok(())
    } else {
        Err(fail(
            "pattern",
            "must start with a letter or number and use only letters, numbers, hyphens, slashes, dots and underscores",
        ))
    }
}

/// An email address typed into a form: something before and after one `@`, on one line.
pub fn email(s: &str) -> Result<(), ValidationError> {
    let s = s.trim();
    if s.is_empty() || validator::ValidateEmail::validate_email(&s) {
        Ok(())
    } else {
        Err(ValidationError::new("email"))
    }
}

/// A day that is today or before.
pub fn not_future(d: &chrono::NaiveDate, today: &chrono::NaiveDate) -> Result<(), ValidationError> {
    if d > today {
        Err(fail("future", "must be today or in the past"))
    } else {
        Ok(())
    }
}

/// A struct-level error about one field (`validate(schema(...))` rules that compare fields).
pub fn about(field: &str, code: &'static str, message: String) -> ValidationError {
    let mut e = ValidationError::new(code).with_message(Cow::Owned(message));
    e.add_param(Cow::Borrowed("field"), &field);
    e
}

// ----- reading a form -------------------------------------------------------------------------

/// How a form field's value becomes JSON before it is deserialised into the shared struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Text, a choice or a date: a string, left out when empty.
    Text,
    /// A checkbox: `true` when sent.
    Flag,
    /// A group of checkboxes: every value sent, as a list.
    Many,
}

/// One form field: its name on the page, its shape, its label, and where its value goes in the
/// JSON the struct reads (`actions[0].what` for the first row's "what"; usually just the name).
#[derive(Debug, Clone, Copy)]
pub struct FormField<'a> {
    pub name: &'a str,
    pub shape: Shape,
    pub label: &'a str,
    pub path: &'a str,
}

/// Turns a submitted form into the JSON value the struct reads, so that a form and a JSON body
/// go through one deserialiser: empty fields are left out, checkboxes become booleans, a group
/// of checkboxes a list, and rows (`actions[0].what`) become lists of objects. Then deserialises
/// it, naming the field that could not be read.
pub fn from_form<T: serde::de::DeserializeOwned>(
    values: &[(String, String)],
    fields: &[FormField<'_>],
    extra: &[(&str, &str)],
) -> Result<T, Vec<FieldError>> {
    let mut root = serde_json::Value::Object(serde_json::Map::new());
    for (k, v) in extra {
        put(&mut root, k, serde_json::Value::String(v.to_string()));
    }
    for f in fields {
        let sent: Vec<&String> = values
            .iter()
            .filter(|(k, _)| k == f.name)
            .map(|(_, v)| v)
            .collect();
        let value = match f.shape {
            Shape::Flag => (!sent.is_empty()).then_some(serde_json::Value::Bool(true)),
            Shape::Many => Some(serde_json::Value::Array(
                sent.iter()
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| serde_json::Value::String(v.to_string()))
                    .collect(),
            )),
            Shape::Text => sent
                .first()
                .filter(|v| !v.trim().is_empty())
                .map(|v| serde_json::Value::String(v.to_string())),
        };
        match value {
            Some(v) => put(&mut root, f.path, v),
            // A row exists even when all of it was left empty, so that rows keep their numbers.
            None => {
                if let Some((row, _)) = f.path.rsplit_once('.') {
                    touch(&mut root, row);
                }
            }
        }
    }
    serde_path_to_error::deserialize(root).map_err(|e| {
        let mut path = String::new();
        for s in e.path().iter() {
            match s {
                serde_path_to_error::Segment::Map { key } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                serde_path_to_error::Segment::Seq { index } => path.push_str(&format!("[{index}]")),
                _ => {}
            }
        }
        let inner = e.inner().to_string();
        vec![read_error(&path, &inner, fields)]
    })
}

/// The segments of a path such as `cases[0].actions[1].what`: keys and list positions.
fn segments(path: &str) -> Vec<Result<&str, usize>> {
    let mut out = vec![];
    for part in path.split('.') {
        let mut pieces = part.split('[');
        if let Some(key) = pieces.next().filter(|k| !k.is_empty()) {
            out.push(Ok(key));
        }
        for idx in pieces {
            if let Ok(i) = idx.trim_end_matches(']').parse() {
                out.push(Err(i));
            }
        }
    }
    out
}

fn slot<'v>(root: &'v mut serde_json::Value, path: &str) -> &'v mut serde_json::Value {
    let mut at = root;
    for seg in segments(path) {
        at = match seg {
            Ok(key) => {
                if !at.is_object() {
                    *at = serde_json::Value::Object(serde_json::Map::new());
                }
                at.as_object_mut()
                    .expect("made an object above")
                    .entry(key.to_string())
                    .or_insert(serde_json::Value::Null)
            }
            Err(i) => {
                if !at.is_array() {
                    *at = serde_json::Value::Array(vec![]);
                }
                let list = at.as_array_mut().expect("made a list above");
                while list.len() <= i {
                    list.push(serde_json::Value::Null);
                }
                &mut list[i]
            }
        };
    }
    at
}

fn put(root: &mut serde_json::Value, path: &str, value: serde_json::Value) {
    *slot(root, path) = value;
}

fn touch(root: &mut serde_json::Value, path: &str) {
    let at = slot(root, path);
    if at.is_null() {
        *at = serde_json::Value::Object(serde_json::Map::new());
    }
}

fn read_error(path: &str, inner: &str, fields: &[FormField<'_>]) -> FieldError {
    let named = |p: &str| fields.iter().find(|f| f.path == p);
    if let Some(missing) = inner
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        let p = if path.is_empty() {
            missing.to_string()
        } else {
            format!("{path}.{missing}")
        };
        return match named(&p) {
            Some(f) => FieldError::new(f.name, enter(f.label)),
            None => FieldError::new(p.clone(), enter(missing)),
        };
    }
    let (name, l) = match named(path) {
        Some(f) => (f.name.to_string(), f.label),
        None => (path.to_string(), "This field"),
    };
    let message = if inner.contains(de::NOT_A_DATE) {
        format!("{} must be a real date, for example 2026-03-27", the(l))
    } else if inner.contains(de::NOT_A_NUMBER) {
        format!("{l} must be a whole number")
    } else if inner.starts_with("unknown variant") {
        format!("Choose the {}", lower_first(l))
    } else {
        format!("Check the {}", lower_first(l))
    };
    FieldError::new(name, message)
}

/// Deserialisers that read what a form sends as well as what a JSON client sends.
pub mod de {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, de::Error};

    pub const NOT_A_DATE: &str = "not a real date";
    pub const NOT_A_NUMBER: &str = "not a whole number";

    /// Parses a date typed as YYYY-MM-DD (what a browser's date field sends) or DD/MM/YYYY.
    pub fn parse_date(s: &str) -> Option<NaiveDate> {
        let s = s.trim();
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
            .ok()
    }

    pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(d)?;
        parse_date(&s).ok_or_else(|| D::Error::custom(NOT_A_DATE))
    }

    pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => parse_date(&s)
                .map(Some)
                .ok_or_else(|| D::Error::custom(NOT_A_DATE)),
        }
    }

    /// Text that is left out when blank.
    pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty()))
    }

    /// Yes, no or not known: JSON `true`/`false`/`null`, or a form's "yes"/"no"/"".
    pub fn yes_no<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum B {
            Bool(bool),
            Text(String),
        }
        Ok(match Option::<B>::deserialize(d)? {
            Some(B::Bool(b)) => Some(b),
            Some(B::Text(t)) => match t.as_str() {
                "yes" | "true" => Some(true),
                "no" | "false" => Some(false),
                _ => None,
            },
            None => None,
        })
    }

    /// Yes or no, no by default: JSON `true`/`false`, or a form's "yes"/"no".
    pub fn yes<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        Ok(yes_no(d)?.unwrap_or(false))
    }

    /// A whole number, sent as a JSON number or as a form's text.
    pub fn opt_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum N {
            Number(i32),
            Text(String),
        }
        match Option::<N>::deserialize(d)? {
            None => Ok(None),
            Some(N::Number(n)) => Ok(Some(n)),
            Some(N::Text(t)) if t.trim().is_empty() => Ok(None),
            Some(N::Text(t)) => t
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| D::Error::custom(NOT_A_NUMBER)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Debug, serde::Deserialize, Validate)]
    struct Example {
        #[validate(
            custom(function = "not_blank"),
            length(max = 5),
            custom(function = "one_line")
        )]
        name: String,
        #[serde(default, deserialize_with = "de::opt_date")]
        born: Option<chrono::NaiveDate>,
        #[serde(default)]
        keen: bool,
        #[serde(default)]
        tags: Vec<String>,
    }
    impl Labels for Example {
        const LABELS: &'static [(&'static str, &'static str)] = &[
            ("name", "Name"),
            ("born", "Date of birth"),
            ("tags", "Tags"),
        ];
    }
    const fn field(name: &'static str, shape: Shape, label: &'static str) -> FormField<'static> {
        FormField {
            name,
            shape,
            label,
            path: name,
        }
    }
    const SHAPES: &[FormField<'static>] = &[
        field("name", Shape::Text, "Name"),
        field("born", Shape::Text, "Date of birth"),
        field("keen", Shape::Flag, "Keen"),
        field("tags", Shape::Many, "Tags"),
    ];
    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_form_reads_into_the_struct_a_json_client_sends() {
        let e: Example = from_form(
            &form(&[
                ("name", "Ama"),
                ("born", "27/03/2009"),
                ("keen", "on"),
                ("tags", "a"),
                ("tags", "b"),
            ]),
            SHAPES,
            &[],
        )
        .unwrap();
        assert_eq!(e.born, chrono::NaiveDate::from_ymd_opt(2009, 3, 27));
        assert!(e.keen);
        assert_eq!(e.tags, ["a", "b"]);
        let empty: Example =
            from_form(&form(&[("name", "Ama"), ("born", "")]), SHAPES, &[]).unwrap();
        assert_eq!(empty.born, None);
        assert!(!empty.keen);
    }

    #[test]
    fn what_cannot_be_read_is_named_at_its_field() {
        let err =
            from_form::<Example>(&form(&[("name", "A"), ("born", "31/02/2009")]), SHAPES, &[])
                .unwrap_err();
        assert_eq!(err[0].field, "born");
        assert_eq!(
            err[0].message,
            "The date of birth must be a real date, for example 2026-03-27"
        );
        let err = from_form::<Example>(&form(&[]), SHAPES, &[]).unwrap_err();
        assert_eq!(
            (err[0].field.as_str(), err[0].message.as_str()),
            ("name", "Enter the name")
        );
    }

    #[test]
    fn messages_come_one_per_field_in_page_order() {
        let e = Example {
            name: "abcdefg".into(),
            born: None,
            keen: false,
            tags: vec![],
        };
        let errs = field_errors::<Example>(&e.validate().unwrap_err());
        let got: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(got, [("name", "Name must be 5 characters or fewer")]);
        let blank = Example {
            name: " ".into(),
            born: None,
            keen: false,
            tags: vec![],
        };
        let errs = field_errors::<Example>(&blank.validate().unwrap_err());
        assert_eq!(errs[0].message, "Enter the name");
        let control = Example {
            name: "a\u{7}".into(),
            born: None,
            keen: false,
            tags: vec![],
        };
        let errs = field_errors::<Example>(&control.validate().unwrap_err());
        assert!(
            errs[0]
                .message
                .starts_with("Name must not contain control characters")
        );
    }
}
