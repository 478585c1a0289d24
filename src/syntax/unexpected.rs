//! Turning pest's failures into diagnostics: what was found, what was
//! expected (in words, not grammar rules), and a help line for the usual
//! mistakes (full-width punctuation, invisible characters, exponent notation,
//! a keyword in a name's place, …).

use super::error::SyntaxError;
use super::parser::Rule;
use crate::source::{FileId, Span};

/// Words for grammar rules in "expected …" messages; `None` hides a rule.
fn describe(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::ident | Rule::base_type => "a name",
        Rule::string => "a string in double quotes",
        Rule::text_block => "a text block in `\"\"\"`",
        Rule::date_lit => "a date (YYYY-MM-DD)",
        Rule::number | Rule::quantity | Rule::expect_amount => "a number",
        Rule::integer => "a whole number",
        Rule::expr
        | Rule::paren
        | Rule::call
        | Rule::if_expr
        | Rule::match_expr
        | Rule::qualified
        | Rule::application_date => "an expression",
        Rule::value => "a value",
        Rule::type_expr | Rule::choice_type => "a type",
        Rule::unit_spec | Rule::unit | Rule::per_unit | Rule::scale => "a unit",
        Rule::percent_sign => "`%`",
        Rule::EOI => "end of file",
        Rule::document => "`document`",
        Rule::department => "`department`",
        Rule::enum_decl => "`enum`",
        Rule::entity => "`entity`",
        Rule::parameter => "`parameter`",
        Rule::section | Rule::m_section => "`section`",
        Rule::measure => "`measure`",
        Rule::locality | Rule::ex_locality => "`locality`",
        Rule::doc_field => "a header field",
        Rule::field => "a field `name: type`",
        Rule::param_constant => "`=`",
        Rule::param_versions => "`{`",
        Rule::param_locality => "`by locality`",
        Rule::param_version => "a dated value",
        Rule::param_bound => "`default`, `floor` or `cap`",
        Rule::locality_value => "`parameter = value`",
        Rule::m_kind => "`kind`",
        Rule::m_to | Rule::p_to => "`to`",
        Rule::m_effective => "`effective`",
        Rule::m_deadline => "`applications`",
        Rule::m_lead => "`lead`",
        Rule::m_cooperating => "`cooperating`",
        Rule::m_joint => "`joint`",
        Rule::m_implementing => "`implementing`",
        Rule::dept_list | Rule::dept_entry => "a department",
        Rule::dept_etc => "`等`",
        Rule::m_text | Rule::r_text => "`text`",
        Rule::rule => "`rule`",
        Rule::example => "`example`",
        Rule::rule_part | Rule::m_part => "`part`",
        Rule::rule_exception => "`exception to`",
        Rule::r_when | Rule::m_when => "`when`",
        Rule::m_let | Rule::doc_let => "`let`",
        Rule::r_amount => "`amount`",
        Rule::r_floor => "`floor`",
        Rule::r_cap => "`cap`",
        Rule::r_gives => "`gives`",
        Rule::r_may => "`may`",
        Rule::ex_date => "`date`",
        Rule::ex_facts => "facts `实体 { … }`",
        Rule::fact => "a fact `name: value`",
        Rule::ex_expect => "`expect`",
        Rule::fact_list => "`[`",
        Rule::amount_bound => "`at least` or `at most`",
        Rule::expect_name => "an error code or a parameter",
        Rule::expect_part => "`part`",
        Rule::ident_list => "a name",
        Rule::match_arm => "a match arm `variant => value`",
        Rule::op_in => "`in`",
        Rule::period => "a period `FIRST_DAY to LAST_DAY`",
        Rule::op_or
        | Rule::op_and
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div => "an operator",
        Rule::op_not | Rule::op_neg => "`not` or `-`",
        Rule::bool_lit => "`true` or `false`",
        _ => return None,
    })
}

/// What may start an expression: listed one by one, they only hide "an expression".
const EXPRESSION_STARTS: &[&str] = &[
    "a name",
    "a number",
    "a date (YYYY-MM-DD)",
    "`(`",
    "`-`",
    "`not`",
    "`if`",
    "`match`",
    "`by`",
    "`true`",
    "`false`",
    "`true` or `false`",
    "`not` or `-`",
    "`application_date`",
    // `amount at most E`: the bound before an amount's expression
    "`at`",
];

/// Operators, said as "an operator".
const OPERATORS: &[&str] = &[
    "`!=`", "`==`", "`<=`", "`>=`", "`<`", "`>`", "`+`", "`-`", "`*`", "`/`", "`and`", "`or`",
];

/// Units, said as "a unit".
const UNITS: &[&str] = &["`万`", "`元`", "`人`", "`天`", "`个月`", "`月`", "`年`"];

/// What most often ends a construct: shown first.
const CLOSERS: &[&str] = &["`}`", "`)`", "`]`", "`else`", "`then`", "`=>`", "`,`"];

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The words for what pest expected at the error, shortest first: expression
/// starts, operators and units folded into one phrase each, closers first.
fn expected_words(mut expected: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    expected.retain(|x| seen.insert(x.clone()));
    let has = |xs: &[String], w: &str| xs.iter().any(|x| x == w);
    if has(&expected, "an expression") {
        expected.retain(|x| !EXPRESSION_STARTS.contains(&x.as_str()));
    }
    // inside `x in {A, B` pest also reports the period form `x in A to B`,
    // whose date cannot come after a variant
    if has(&expected, "`}`") && has(&expected, "`,`") {
        expected.retain(|x| x != "a date (YYYY-MM-DD)");
    }
    // one `-` alone is the sign of a number or the dash of a date
    if expected
        .iter()
        .filter(|x| OPERATORS.contains(&x.as_str()))
        .count()
        > 1
    {
        expected.retain(|x| !OPERATORS.contains(&x.as_str()));
        if !has(&expected, "an operator") {
            expected.push("an operator".into());
        }
    }
    if expected.iter().any(|x| UNITS.contains(&x.as_str())) {
        expected.retain(|x| !UNITS.contains(&x.as_str()));
        if !has(&expected, "a unit") {
            expected.push("a unit".into());
        }
    }
    // only the end of the file fits where an item could start: say which items
    if expected == ["end of file"] {
        expected = [
            "`department`",
            "`document`",
            "`entity`",
            "`enum`",
            "`locality`",
            "`measure`",
            "`parameter`",
            "`section`",
            "end of file",
        ]
        .iter()
        .map(|x| x.to_string())
        .collect();
    }
    // closers first, then punctuation, then words
    expected.sort_by_key(|x| {
        let closer = CLOSERS.iter().position(|c| c == x).unwrap_or(CLOSERS.len());
        (closer, x.chars().nth(1).is_some_and(char::is_alphanumeric))
    });
    expected
}

pub(super) fn convert_pest_error(
    file: FileId,
    text: &str,
    e: &pest::error::Error<Rule>,
) -> SyntaxError {
    let loc = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut positives: Vec<String> = Vec::new();
    if let pest::error::ErrorVariant::ParsingError { positives: ps, .. } = &e.variant {
        for r in ps {
            if let Some(d) = describe(*r) {
                positives.push(d.to_string());
            }
        }
    }
    let mut expected = positives.clone();
    let mut pos = loc;
    if let Some(att) = e.parse_attempts() {
        for t in att.expected_tokens() {
            let token = t.to_string();
            let noise = token.trim().is_empty()
                || matches!(token.as_str(), "//" | "_" | "\u{FEFF}" | "BUILTIN_RULE");
            let is_range = token.chars().count() == 4 && token.contains("..");
            if !(noise || is_range) {
                expected.push(format!("`{token}`"));
            }
        }
        pos = pos.max(att.max_position);
    }
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    // pest reads ahead: `rule when {` fails after the keyword `when`, and
    // `measures` fails at its `s`. Point at the whole word instead.
    let before = text.get(..pos).unwrap_or("");
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(pos, |(i, _)| i);
    let word_before = text.get(word_start..pos).unwrap_or("");
    let next = text.get(pos..).and_then(|r| r.chars().next());
    let next_is_name = next.is_some_and(is_name_char);
    // after skipping spaces pest never stops on one: a failure at a space (or
    // at the end) comes from looking past a keyword in a name's place
    let at_space = next.is_none_or(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
    let mut keyword = None;
    if !word_before.is_empty() {
        if at_space && super::is_keyword(word_before) {
            keyword = Some(word_before.to_string());
            pos = word_start;
        } else if next_is_name {
            pos = word_start;
            if loc == word_start {
                expected = positives;
            } else {
                expected.clear();
            }
        }
    }
    let raw_expected = expected.clone();
    let mut expected = expected_words(expected);
    // after a name in a list of names (`in {A, B`, `choice {…`, `enum E {…`)
    // only `,` or `}` can follow, whatever pest tried on the way back out
    if after_name_in_list(text, pos) {
        expected = vec!["`}`".into(), "`,`".into()];
    }
    let rest = text.get(pos..).unwrap_or("");
    let token: String = {
        let first = rest.chars().next();
        match first {
            None => String::new(),
            Some(c) if is_name_char(c) => rest
                .chars()
                .take_while(|c| is_name_char(*c))
                .take(24)
                .collect(),
            Some(c) => c.to_string(),
        }
    };
    let expects = |w: &str| expected.iter().any(|x| x == w);
    let expects_raw = |w: &str| raw_expected.iter().any(|x| x == w);
    if token.is_empty() {
        if let Some(open) = super::scan::unclosed_text_block(text) {
            return SyntaxError::Unexpected {
                found: "a text block is never closed".into(),
                span: Span::new(file, open, open + 3),
                expected: "this `\"\"\"` has no closing `\"\"\"`".into(),
                help: Some("end the text with `\"\"\"`".into()),
            };
        }
    }
    if let Some(e) = exponent_notation(file, text, pos) {
        return e;
    }
    let found = match token.as_str() {
        "" => "unexpected end of file".to_string(),
        "\n" | "\r" => "unexpected end of line".to_string(),
        t => format!("unexpected `{}`", t.escape_debug()),
    };
    let span = Span::new(file, pos, pos + token.len());
    let expected_text = match expected.len() {
        0 => "not expected here".to_string(),
        1 => format!("expected {}", expected.join("")),
        // the ten items a file may start with are all listed
        n if n <= 10 => {
            let (last, init) = expected
                .split_last()
                .map_or((String::new(), &[][..]), |(l, i)| (l.clone(), i));
            format!("expected {} or {}", init.join(", "), last)
        }
        _ => format!(
            "expected one of {}, …",
            expected
                .iter()
                .take(8)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let first = token.chars().next();
    let help = if token.is_empty() {
        "the file ends too early: is a `}` or a closing `\"\"\"` missing?".to_string()
    } else if let Some(k) = &keyword {
        if expected.len() == 1 && expects("a name") {
            format!("`{k}` is a word of the language and cannot be a name; choose another name")
        } else {
            format!("`{k}` begins another clause: is something missing before it?")
        }
    } else if matches!(token.as_str(), "\n" | "\r") && expects_raw("`\"`") {
        "close the string with `\"` on the same line; text over several lines goes between `\"\"\"` and `\"\"\"`".to_string()
    } else if token == "=" && (expects_raw("`==`") || expects("an operator")) {
        "to compare, write `==`; `=` only gives a parameter its value".to_string()
    } else if token.chars().any(|c| {
        matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{00A0}'
        ) || c.is_control() && !matches!(c, '\n' | '\r' | '\t')
    }) {
        format!(
            "remove the invisible character U+{:04X} (a zero-width, non-breaking, direction or control character)",
            first.map_or(0, u32::from)
        )
    } else if token.chars().any(|c| {
        matches!(
            c,
            '\u{FF01}'..='\u{FF5E}' | '\u{3000}'..='\u{303F}' | '\u{2018}'..='\u{201F}'
        )
    }) {
        "full-width punctuation and digits belong inside strings; write ASCII `:`, `,`, `(`, `\"`, digits and spaces in code".to_string()
    } else if let Some(c) = token
        .chars()
        .find(|c| matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{04FF}'))
        .filter(|_| token.chars().any(|c| c.is_ascii_alphabetic()))
    {
        format!(
            "`{token}` mixes Latin letters with `{c}` (U+{:04X}), a Greek or Cyrillic letter that looks Latin; type the word again",
            u32::from(c)
        )
    } else if expects("a unit") && first.is_some_and(|c| !c.is_ascii()) {
        "the units are 元, 人, 天, 个月 (or 月) and 年, with 万 before them for ten thousand; a rate is written like `元/人/月`".to_string()
    } else if expects("a date (YYYY-MM-DD)") {
        "dates are written YYYY-MM-DD, e.g. 2020-07-01".to_string()
    } else if expects_raw("`lead`") && is_role_word(&token) {
        "a role of departments is one of `lead` (牵头), `cooperating` (配合), `joint` (按职责分工负责) and `implementing` (负责实施), followed by the departments".to_string()
    } else if expected.len() == 1 && expects("a name") {
        "a name is made of letters, digits and `_`, and does not start with a digit".to_string()
    } else {
        "see docs/language.md for the syntax of this construct".to_string()
    };
    SyntaxError::Unexpected {
        found,
        span,
        expected: expected_text,
        help: Some(help),
    }
}

/// Whether `pos` is right after a name (spaces aside) inside an unclosed
/// `{` of a list of names: a set after `in`, a `choice`, an `enum`. There the
/// grammar accepts only `,` or `}`.
fn after_name_in_list(text: &str, pos: usize) -> bool {
    let before = text.get(..pos).unwrap_or("");
    let Some(open) = before.rfind('{') else {
        return false;
    };
    let inside = before.get(open + 1..).unwrap_or("");
    let names_and_commas = inside
        .chars()
        .all(|c| is_name_char(c) || c == ',' || c.is_whitespace());
    if !names_and_commas || !inside.trim_end().ends_with(is_name_char) {
        return false;
    }
    let head = before.get(..open).unwrap_or("").trim_end();
    let last_word = |s: &str| -> String {
        let w: Vec<char> = s.chars().rev().take_while(|c| is_name_char(*c)).collect();
        w.into_iter().rev().collect()
    };
    let word = last_word(head);
    if word == "in" || word == "choice" {
        return true;
    }
    // `enum 名 {`
    let rest = head.strip_suffix(word.as_str()).unwrap_or("").trim_end();
    !word.is_empty() && last_word(rest) == "enum"
}

/// `1e3`, `2.5E-4`: a number in exponent notation where the failure is, which
/// pest sees as a number followed by the unit or name `e3`.
fn exponent_notation(file: FileId, text: &str, pos: usize) -> Option<SyntaxError> {
    let bytes = text.as_bytes();
    // back to the start of the number the failure is in or right after
    let mut start = pos.min(bytes.len());
    while start > 0
        && bytes
            .get(start - 1)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
    {
        start -= 1;
    }
    let digits = |from: usize| {
        (from..bytes.len())
            .find(|&i| !bytes.get(i).is_some_and(u8::is_ascii_digit))
            .unwrap_or(bytes.len())
    };
    let mut end = digits(start);
    if end == start {
        return None;
    }
    if bytes.get(end) == Some(&b'.') {
        end = digits(end + 1);
    }
    let mantissa = text.get(start..end)?;
    if !matches!(bytes.get(end), Some(b'e' | b'E')) {
        return None;
    }
    let mut exp_start = end + 1;
    if matches!(bytes.get(exp_start), Some(b'+' | b'-')) {
        exp_start += 1;
    }
    let exp_end = digits(exp_start);
    if exp_end == exp_start || pos > exp_end {
        return None;
    }
    // the exponent must end the word: `1e3x` is something else
    if text
        .get(exp_end..)?
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
    {
        return None;
    }
    let written = text.get(start..exp_end)?;
    let exponent: i64 = text.get(end + 1..exp_end)?.parse().ok()?;
    let full = rust_decimal::Decimal::from_str_exact(mantissa)
        .ok()
        .and_then(|m| {
            let scale = rust_decimal::Decimal::from_i128_with_scale(
                10_i128.checked_pow(u32::try_from(exponent.unsigned_abs()).ok()?.min(28))?,
                0,
            );
            if exponent.unsigned_abs() > 15 {
                return None;
            }
            if exponent >= 0 {
                m.checked_mul(scale)
            } else {
                m.checked_div(scale)
            }
        });
    let help = match full {
        Some(n) => format!("write the number in full: `{}`", n.normalize()),
        None => "write the number in full, with its digits".to_string(),
    };
    Some(SyntaxError::InvalidLiteral {
        what: "number",
        text: written.to_string(),
        span: Span::new(file, start, exp_end),
        reason: "exponent notation is not supported".into(),
        help: Some(help),
    })
}

/// A word that looks like a role of departments but is not one of the
/// keywords (`牵头`, `负责实施`, `implement`, `cooperate`, …).
fn is_role_word(token: &str) -> bool {
    let word: String = token.chars().take_while(|c| !c.is_whitespace()).collect();
    ["牵头", "配合", "负责", "按职责分工负责", "负责实施", "实施"].contains(&word.as_str())
        || ["lead", "cooperat", "joint", "implement"]
            .iter()
            .any(|k| word.to_ascii_lowercase().starts_with(k))
}
