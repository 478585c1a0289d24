//! Facts about one entity, read from JSON and checked against the policy's schema.
//!
//! The JSON shape is `{"entity": "企业", "facts": {"规模": "小型", "裁员率": "3%", …}}`.
//! A fact that is absent or `null` is unknown. Numbers are read exactly from
//! their digits (never through a float). See `docs/cli.md` (what is accepted)
//! and `docs/facts.schema.json`.

use rust_decimal::Decimal;
use serde_json::Value as Json;

use super::error::FactsError;
use crate::ir::{EntityDef, ExampleDef, NumKind, Policy, Type, Unit, Value};
use crate::literal::plain_decimal;

/// The largest magnitude a numeric fact may have (10^15): far beyond any real
/// amount, count or rate, and small enough that a product of a fact with a
/// parameter or a second fact stays within the 28 exact digits of a decimal.
/// Larger products end in an `overflow` error, never in a rounded value.
pub const MAX_MAGNITUDE: i64 = 1_000_000_000_000_000;

/// Facts about one entity: a value per field slot, `None` where unknown.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    /// Index of the entity in the policy.
    pub entity: u32,
    /// One value per field, in the entity's field order.
    pub values: Vec<Option<Value>>,
    /// One entry per list of the entity (`list<记录>`): its members (each
    /// with the record's fields), `None` where the list is unknown.
    pub lists: Vec<Option<Vec<Facts>>>,
}

impl Facts {
    /// Facts with every field unknown.
    pub fn unknown(policy: &Policy, entity: u32) -> Facts {
        let n = policy
            .entities
            .get(entity as usize)
            .map_or(0, |e| e.fields.len());
        let lists = policy
            .entities
            .get(entity as usize)
            .map_or(0, |e| e.lists.len());
        Facts {
            entity,
            values: vec![None; n],
            lists: vec![None; lists],
        }
    }

    /// The facts an example gives.
    pub fn from_example(policy: &Policy, ex: &ExampleDef) -> Facts {
        let mut f = Facts::unknown(policy, ex.entity);
        for fact in &ex.facts {
            if let Some(slot) = f.values.get_mut(fact.slot as usize) {
                *slot = Some(fact.value.clone());
            }
        }
        super::members::example_lists(policy, ex, &mut f);
        f
    }

    /// Reads facts from JSON text, reporting every problem with its JSON path.
    ///
    /// A leading byte-order mark (as editors and spreadsheet exports on Windows
    /// write) is ignored.
    pub fn from_json(policy: &Policy, text: &str) -> Result<Facts, Vec<FactsError>> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let json: Json = serde_json::from_str(text).map_err(|e| {
            vec![FactsError {
                path: "$".into(),
                message: format!("not valid JSON: {e}"),
                help: Some(if text.contains("//") || text.contains("/*") {
                    "JSON has no comments: remove the `//` and `/* */` parts".into()
                } else {
                    "the facts file is one JSON object: {\"entity\": \"…\", \"facts\": {…}}".into()
                }),
                code: FactsError::NOT_JSON,
            }]
        })?;
        let repeated = Facts::repeated_keys(text);
        if !repeated.is_empty() {
            return Err(repeated);
        }
        Facts::from_json_value(policy, &json)
    }

    /// The keys repeated within one object of `text` (JSON that parses), each
    /// as an error naming its path (`$.facts.裁员率`). A JSON value keeps only
    /// one of them — serde_json the last — so they are looked for in the text.
    pub fn repeated_keys(text: &str) -> Vec<FactsError> {
        enum Level {
            Object {
                path: String,
                keys: std::collections::HashSet<String>,
                /// The key whose value comes next.
                key: Option<String>,
            },
            Array {
                path: String,
                index: usize,
            },
        }
        let b = text.as_bytes();
        let mut stack: Vec<Level> = Vec::new();
        let mut found = Vec::new();
        let mut i = 0;
        while let Some(k) = b.get(i..).and_then(|rest| {
            rest.iter()
                .position(|c| matches!(c, b'"' | b'{' | b'[' | b'}' | b']' | b','))
        }) {
            let at = i + k;
            i = at + 1;
            match b.get(at) {
                Some(b'"') => {
                    let end = string_end(b, at + 1);
                    let raw = text.get(at..=end).unwrap_or("");
                    i = end + 1;
                    if let Some(Level::Object { path, keys, key }) = stack.last_mut() {
                        if key.is_some() {
                            continue; // a string value
                        }
                        let name = if raw.contains('\\') {
                            serde_json::from_str::<String>(raw).unwrap_or_default()
                        } else {
                            raw.get(1..raw.len().saturating_sub(1))
                                .unwrap_or("")
                                .to_string()
                        };
                        if !keys.insert(name.clone()) {
                            found.push(FactsError {
                                path: format!("{path}.{name}"),
                                message: format!("the key `{name}` is given twice"),
                                help: Some(
                                    "give each key once: JSON readers differ on which of the two counts"
                                        .into(),
                                ),
                                code: FactsError::DUPLICATE_KEY,
                            });
                        }
                        *key = Some(name);
                    }
                }
                Some(open @ (b'{' | b'[')) => {
                    let path = match stack.last() {
                        None => "$".to_string(),
                        Some(Level::Object { path, key, .. }) => {
                            format!("{path}.{}", key.as_deref().unwrap_or(""))
                        }
                        Some(Level::Array { path, index }) => format!("{path}[{index}]"),
                    };
                    stack.push(if *open == b'{' {
                        Level::Object {
                            path,
                            keys: std::collections::HashSet::new(),
                            key: None,
                        }
                    } else {
                        Level::Array { path, index: 0 }
                    });
                }
                Some(b'}' | b']') => {
                    stack.pop();
                }
                _ => match stack.last_mut() {
                    Some(Level::Object { key, .. }) => *key = None,
                    Some(Level::Array { index, .. }) => *index += 1,
                    None => {}
                },
            }
        }
        found
    }

    /// Reads facts from a parsed JSON value. A value keeps one of two
    /// repeated keys: text is read with [`Facts::from_json`], which refuses
    /// them ([`Facts::repeated_keys`]).
    pub fn from_json_value(policy: &Policy, json: &Json) -> Result<Facts, Vec<FactsError>> {
        let err =
            |code: &'static str, path: &str, message: String, help: Option<String>| FactsError {
                path: path.to_string(),
                message,
                help,
                code,
            };
        let Json::Object(top) = json else {
            return Err(vec![err(
                FactsError::NOT_AN_OBJECT,
                "$",
                "expected an object".into(),
                Some("write {\"entity\": \"…\", \"facts\": {…}}".into()),
            )]);
        };
        let mut errors = Vec::new();
        for k in top.keys() {
            if k != "entity" && k != "facts" && k != "id" {
                errors.push(err(
                    FactsError::UNKNOWN_KEY,
                    &format!("$.{k}"),
                    format!("unknown key `{k}`"),
                    Some("the keys are `entity`, `facts` and optionally `id`".into()),
                ));
            }
        }
        let entity_name = match top.get("entity") {
            Some(Json::String(s)) => s.as_str(),
            Some(_) => {
                return Err(vec![err(
                    FactsError::MISSING_ENTITY,
                    "$.entity",
                    "expected the entity's name as a string".into(),
                    None,
                )])
            }
            None => {
                return Err(vec![err(
                    FactsError::MISSING_ENTITY,
                    "$",
                    "missing `entity`".into(),
                    Some(entity_list(policy)),
                )])
            }
        };
        let Some((ei, entity)) = policy.entity(entity_name) else {
            let names: Vec<&str> = policy.entities.iter().map(|e| e.name.as_str()).collect();
            let help = crate::check::did_you_mean(entity_name, names).or(Some(entity_list(policy)));
            return Err(vec![err(
                FactsError::UNKNOWN_ENTITY,
                "$.entity",
                format!("unknown entity `{entity_name}`"),
                help,
            )]);
        };
        let mut facts = Facts::unknown(policy, ei);
        match top.get("facts") {
            None | Some(Json::Null) => {}
            Some(Json::Object(map)) => {
                // a wide facts object: fields by hash, not one scan per key
                let by_name: std::collections::HashMap<&str, usize> = if map.len() > 8 {
                    let names = entity.fields.iter().map(|f| f.name.as_str());
                    names.enumerate().map(|(i, n)| (n, i)).collect()
                } else {
                    std::collections::HashMap::new()
                };
                for (k, v) in map {
                    let path = format!("$.facts.{k}");
                    let slot = if by_name.is_empty() {
                        entity.fields.iter().position(|f| f.name == *k)
                    } else {
                        by_name.get(k.as_str()).copied()
                    };
                    if let Some(li) = entity.lists.iter().position(|l| l.name == *k) {
                        match super::members::read_list(policy, ei, li, v, &path) {
                            Ok(ms) => {
                                if let Some(l) = facts.lists.get_mut(li) {
                                    *l = ms;
                                }
                            }
                            Err(es) => errors.extend(es),
                        }
                        continue;
                    }
                    let Some((slot, field)) = slot.and_then(|i| Some((i, entity.fields.get(i)?)))
                    else {
                        let help = crate::check::did_you_mean(
                            k,
                            entity.fields.iter().map(|f| f.name.as_str()),
                        )
                        .or_else(|| Some(field_list(entity)));
                        errors.push(err(
                            FactsError::UNKNOWN_FIELD,
                            &path,
                            format!("`{}` has no field `{k}`", entity.name),
                            help,
                        ));
                        continue;
                    };
                    match fact_value(policy, &field.ty, v) {
                        Ok(val) => {
                            if let Some(s) = facts.values.get_mut(slot) {
                                *s = val;
                            }
                        }
                        Err((code, message, help)) => errors.push(err(code, &path, message, help)),
                    }
                }
            }
            Some(_) => errors.push(err(
                FactsError::NOT_AN_OBJECT,
                "$.facts",
                "expected an object of field values".into(),
                None,
            )),
        }
        if errors.is_empty() {
            Ok(facts)
        } else {
            Err(errors)
        }
    }
}

/// The closing quote of the JSON string whose text starts at `i` (after its
/// opening quote); the end of `b` if there is none.
fn string_end(b: &[u8], mut i: usize) -> usize {
    while let Some(k) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|c| matches!(c, b'"' | b'\\')))
    {
        if b.get(i + k) == Some(&b'"') {
            return i + k;
        }
        i += k + 2;
    }
    b.len()
}

fn entity_list(policy: &Policy) -> String {
    let names: Vec<&str> = policy.entities.iter().map(|e| e.name.as_str()).collect();
    format!("the entities are {}", names.join(", "))
}

fn field_list(entity: &EntityDef) -> String {
    let names: Vec<&str> = entity.fields.iter().map(|f| f.name.as_str()).collect();
    format!("the fields of `{}` are {}", entity.name, names.join(", "))
}

/// Why a value does not fit its field: its code (one of [`FactsError`]'s), the
/// message and a help. Shared by facts files and `batch`'s readers.
pub(crate) type ValueError = (&'static str, String, Option<String>);

pub(crate) type FactResult = Result<Option<Value>, ValueError>;

/// One scalar as a facts file or a CSV cell gives it, before it is checked
/// against a field's type. Numbers keep their digits (never a float).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar<'a> {
    /// `null`: unknown.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A JSON number, as its digits.
    Number(&'a str),
    /// A string.
    Str(&'a str),
    /// Anything else (an array, an object), named for the message.
    Other(&'static str),
}

impl Scalar<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Number(_) => "a number",
            Scalar::Str(_) => "a string",
            Scalar::Other(k) => k,
        }
    }
}

/// Converts one JSON value to a value of type `ty`.
pub(super) fn fact_value(policy: &Policy, ty: &Type, v: &Json) -> FactResult {
    let digits;
    let scalar = match v {
        Json::Null => Scalar::Null,
        Json::Bool(b) => Scalar::Bool(*b),
        Json::Number(n) => {
            digits = n.to_string();
            Scalar::Number(&digits)
        }
        Json::String(s) => Scalar::Str(s),
        other => Scalar::Other(json_kind(other)),
    };
    scalar_value(policy, ty, scalar)
}

/// Converts one CSV cell to a value of type `ty`: an empty cell is unknown,
/// `true`/`false` are booleans, and everything else is read as the same text
/// would be in a facts file's JSON string (`"4.8 万元"`, `"5.5%"`, `"2020-04-15"`).
pub(crate) fn cell_value(policy: &Policy, ty: &Type, text: &str) -> FactResult {
    if text.is_empty() {
        return Ok(None);
    }
    match ty {
        Type::Bool => match text {
            "true" => Ok(Some(Value::Bool(true))),
            "false" => Ok(Some(Value::Bool(false))),
            _ => Err((
                FactsError::WRONG_TYPE,
                format!("expected true or false, found `{text}`"),
                Some(
                    "write booleans as `true` or `false`; leave the cell empty when unknown".into(),
                ),
            )),
        },
        Type::Number {
            kind: NumKind::Percent,
            ..
        } if is_bare_number(text) => Err(bare_percent(text, true)),
        _ => scalar_value(policy, ty, Scalar::Str(text)),
    }
}

/// Whether `s` is a number without a unit or `%` (`5.5`, ` 12 `).
fn is_bare_number(s: &str) -> bool {
    crate::literal::decimal(s.trim()).is_ok()
}

/// The help for digits that are not [`plain_decimal`].
fn digits_help(digits: &str) -> Option<String> {
    (digits.starts_with('.') || digits.starts_with("-.") || digits.ends_with('.')).then(|| {
        "a decimal point needs a digit on each side: write `0.5`, `5` or `5.0`".to_string()
    })
}

/// The error for a percentage written as text without its `%` (`"5.5"`):
/// 5.5% or the fraction 5.5 (550%)? Refused rather than guessed. `csv`: the
/// text is a CSV cell (no JSON numbers there).
fn bare_percent(s: &str, csv: bool) -> ValueError {
    let t = s.trim();
    let n = Decimal::from_str_exact(t).unwrap_or_default();
    let times100 = n
        .checked_mul(Decimal::ONE_HUNDRED)
        .map_or_else(|| "?".to_string(), |x| x.normalize().to_string());
    let over100 = n
        .checked_div(Decimal::ONE_HUNDRED)
        .map_or_else(|| "?".to_string(), |x| x.normalize().to_string());
    if csv {
        (
            FactsError::PERCENT_WITHOUT_SIGN,
            format!(
                "`{t}` is a percentage without `%`: write `{t}%` (or `{times100}%` if it is the \
                 fraction {t})"
            ),
            Some("a percentage cell needs its `%`: the fraction 0.055 is `5.5%`".into()),
        )
    } else {
        (
            FactsError::PERCENT_WITHOUT_SIGN,
            format!(
                "`{t}` is a percentage without `%`: write \"{t}%\" or the number {over100} (a \
                 fraction, without quotes)"
            ),
            Some(
                "a percentage in a string needs its `%`; a JSON number is a fraction (0.055 is 5.5%)"
                    .into(),
            ),
        )
    }
}

/// Converts one scalar to a value of type `ty`, with the rules of facts files.
pub(crate) fn scalar_value(policy: &Policy, ty: &Type, v: Scalar<'_>) -> FactResult {
    if let Scalar::Null = v {
        return Ok(None);
    }
    let found = v.kind();
    match ty {
        Type::Bool => match v {
            Scalar::Bool(b) => Ok(Some(Value::Bool(b))),
            Scalar::Str(s) if matches!(s.trim(), "true" | "false") => Err((
                FactsError::WRONG_TYPE,
                format!("expected true or false, found the string \"{s}\""),
                Some(format!("write {} without quotes", s.trim())),
            )),
            _ => Err((
                FactsError::WRONG_TYPE,
                format!("expected true or false, found {found}"),
                None,
            )),
        },
        Type::Date => match v {
            Scalar::Str(s) => crate::literal::parse_date(s)
                .map(|d| Some(Value::Date(d)))
                .ok_or_else(|| {
                    (
                        FactsError::BAD_DATE,
                        format!("`{s}` is not a date"),
                        Some("write dates as \"YYYY-MM-DD\", e.g. \"2020-04-15\"".into()),
                    )
                }),
            _ => Err((
                FactsError::WRONG_TYPE,
                format!("expected a date string, found {found}"),
                Some("write dates as \"YYYY-MM-DD\"".into()),
            )),
        },
        Type::Enum { id, name } => {
            let variants = policy
                .enums
                .get(*id as usize)
                .map(|e| e.variants.as_slice())
                .unwrap_or(&[]);
            match v {
                Scalar::Str(s) => variants
                    .iter()
                    .position(|x| x == s)
                    .map(|i| Some(Value::Variant(i as u32)))
                    .ok_or_else(|| {
                        let help =
                            crate::check::did_you_mean(s, variants.iter().map(String::as_str))
                                .unwrap_or_else(|| {
                                    format!("the variants of `{name}` are {}", variants.join(", "))
                                });
                        (
                            FactsError::UNKNOWN_VARIANT,
                            format!("`{s}` is not a variant of `{name}`"),
                            Some(help),
                        )
                    }),
                _ => Err((
                    FactsError::WRONG_TYPE,
                    format!("expected one of {}, found {found}", variants.join(", ")),
                    None,
                )),
            }
        }
        Type::Number { kind, unit } => {
            let n = match v {
                Scalar::Number(n) => parse_number(n)?,
                Scalar::Str(s) => parse_number_text(s, ty)?,
                _ => {
                    return Err((
                        FactsError::WRONG_TYPE,
                        format!("expected {ty}, found {found}"),
                        Some(number_help(ty)),
                    ))
                }
            };
            if n.abs() >= Decimal::from(MAX_MAGNITUDE) {
                return Err((
                    FactsError::OUT_OF_RANGE,
                    format!("{} is out of range", n.normalize()),
                    Some("numeric facts must be smaller than 10^15 in magnitude".into()),
                ));
            }
            if *kind == NumKind::Integer && !n.fract().is_zero() {
                return Err((
                    FactsError::NOT_WHOLE,
                    format!("expected a whole number, found {}", n.normalize()),
                    None,
                ));
            }
            let unit_bearing = !unit.is_none();
            if n.is_sign_negative() && !n.is_zero() && (unit_bearing || *kind == NumKind::Percent) {
                return Err((
                    FactsError::NEGATIVE,
                    format!("{} must not be negative", crate::ir::number_text(n, ty)),
                    Some(format!("{ty} counts or amounts cannot be below zero")),
                ));
            }
            Ok(Some(Value::Number(n)))
        }
    }
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn number_help(ty: &Type) -> String {
    let unit = unit_text(ty);
    match ty {
        Type::Number {
            kind: NumKind::Percent,
            ..
        } => "write a percentage as \"5.5%\" or as a fraction 0.055".into(),
        t if t.is_money() => "write money as a number of 元, e.g. 48000 or \"4.8 万元\"".into(),
        _ if !unit.is_empty() => format!("write a number of {unit}, e.g. 12 or \"12 {unit}\""),
        _ => "write a number, e.g. 12".into(),
    }
}

/// Whether `s` has full-width digits, signs or letters (`４８０００`, `５％`).
fn full_width(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}'))
}

const FULL_WIDTH_HELP: &str = "write ASCII digits, `.` and `%` (not full-width ４８０００ or ５％)";

/// Parses a JSON number's digits exactly (`1e3` is allowed; `1e400` is out of range).
fn parse_number(s: &str) -> Result<Decimal, ValueError> {
    let r = if s.contains(['e', 'E']) {
        Decimal::from_scientific(s)
    } else {
        Decimal::from_str_exact(s)
    };
    r.map_err(|e| {
        let precision = matches!(
            e,
            rust_decimal::Error::Underflow | rust_decimal::Error::ScaleExceedsMaximumPrecision(_)
        ) && !s.contains(['e', 'E'])
            || s.contains("e-")
            || s.contains("E-");
        if precision {
            (
                FactsError::TOO_MANY_DECIMALS,
                format!("{s} has too many decimals"),
                Some("numeric facts keep at most 28 decimals exactly".into()),
            )
        } else {
            (
                FactsError::OUT_OF_RANGE,
                format!("{s} is out of range"),
                Some("numeric facts must be smaller than 10^15 in magnitude".into()),
            )
        }
    })
}

/// The number `p` as the one literal rule reads it (`crate::literal::decimal`);
/// a string of the wrong shape is `bad()`, one that does not fit exactly has
/// the code that says why (too many decimals, out of range).
fn literal_decimal(p: &str, bad: impl Fn() -> ValueError) -> Result<Decimal, ValueError> {
    match crate::literal::decimal(p) {
        Ok(n) => Ok(n),
        Err(crate::literal::NumberError::Shape) => Err(bad()),
        Err(_) => Err(parse_number(p).err().unwrap_or_else(bad)),
    }
}

/// Parses `"48000"`, `"48000 元"`, `"4.8 万元"`, `"5.5%"`, `"12 个月"`, `"100 元/人"`.
fn parse_number_text(s: &str, ty: &Type) -> Result<Decimal, ValueError> {
    let bad = || {
        (
            FactsError::BAD_NUMBER,
            format!("`{s}` is not {}", article(ty)),
            Some(if full_width(s) {
                FULL_WIDTH_HELP.to_string()
            } else {
                number_help(ty)
            }),
        )
    };
    let t = s.trim();
    if matches!(
        ty,
        Type::Number {
            kind: NumKind::Percent,
            ..
        }
    ) && is_bare_number(t)
    {
        return Err(bare_percent(t, false));
    }
    if let Some(p) = t.strip_suffix('%') {
        if !matches!(
            ty,
            Type::Number {
                kind: NumKind::Percent,
                ..
            }
        ) {
            let (_, message, help) = bad();
            return Err((FactsError::WRONG_UNIT, message, help));
        }
        let p = p.trim();
        if !plain_decimal(p) {
            let (code, message, help) = bad();
            return Err((code, message, digits_help(p).or(help)));
        }
        let n = literal_decimal(p, bad)?;
        // exactly, or refused: `0.0000000000000000000000000001%` has 30 decimals
        return crate::literal::percent(n).ok_or_else(|| {
            (
                FactsError::TOO_MANY_DECIMALS,
                format!("`{s}` has too many decimals"),
                Some("numeric facts keep at most 28 decimals exactly".into()),
            )
        });
    }
    let digits_end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '-'))
        .map_or(t.len(), |(i, _)| i);
    let (digits, rest) = t.split_at(digits_end);
    if !plain_decimal(digits) {
        let (code, message, help) = bad();
        return Err((code, message, digits_help(digits).or(help)));
    }
    let mut n = literal_decimal(digits, bad)?;
    let mut rest = rest.trim();
    if let Some(r) = rest.strip_prefix('万') {
        n = crate::literal::wan(n).ok_or_else(|| {
            (
                FactsError::OUT_OF_RANGE,
                format!("`{s}` is out of range"),
                Some("numeric facts must be smaller than 10^15 in magnitude".into()),
            )
        })?;
        rest = r.trim_start();
    }
    if !rest.is_empty() {
        let expected = unit_text(ty);
        if rest.starts_with(',') && rest.chars().nth(1).is_some_and(|c| c.is_ascii_digit()) {
            return Err((
                FactsError::BAD_NUMBER,
                format!("`{s}` has a thousands separator"),
                Some(format!(
                    "write the digits without `,`, e.g. \"{}\"",
                    t.replace(',', "")
                )),
            ));
        }
        if expected.is_empty() && !full_width(rest) && crate::literal::unit_dim(rest).is_some() {
            // a unit on a number that has none (`"12 元"` for an integer)
            let (_, message, help) = bad();
            return Err((FactsError::WRONG_UNIT, message, help));
        }
        if expected.is_empty() || full_width(rest) {
            return Err(bad());
        }
        // the denominators in any order, as in a policy: `元/月/人` is `元/人/月`
        if crate::literal::unit_dim(rest) != ty.dim() {
            return Err((
                FactsError::WRONG_UNIT,
                format!("`{s}` has unit `{rest}`, expected `{expected}`"),
                Some(number_help(ty)),
            ));
        }
    }
    Ok(n)
}

fn article(ty: &Type) -> String {
    format!("a value of type {ty}")
}

/// The unit of a type as written after a number: `元`, `元/人/月`, `人`, `月`.
fn unit_text(ty: &Type) -> String {
    let Some(d) = ty.dim() else {
        return String::new();
    };
    let mut s = String::new();
    let mut den = String::new();
    for u in [Unit::Yuan, Unit::Person, Unit::Day, Unit::Month, Unit::Year] {
        let e = d.exp(u);
        for _ in 0..e.max(0) {
            s.push_str(u.symbol());
        }
        for _ in 0..(-e).max(0) {
            den.push('/');
            den.push_str(u.symbol());
        }
    }
    s + &den
}
