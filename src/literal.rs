//! Literals read in one place, whoever reads them: the parser (policy text),
//! the facts reader (facts JSON and CSV/JSONL cells, both through
//! `eval::facts`), the columnar reader's fast paths and the command line
//! (`--date`). The rules of meaning are here — which digits make a number, a
//! date, what `%` and `万` do to a number exactly, which units may follow a
//! number — and the callers keep only their messages.
//!
//! One leniency of facts is documented (`docs/language.md`, Facts): a facts
//! string may have spaces around the whole value and before `%` and `万`
//! (`" 5.5 % "`, `"1 万 元"`), which the policy text does not allow.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::types::{Dim, Unit};

/// Why the text of a number is refused ([`decimal`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// Not `-?D+(.D+)?` (a second point, no digit on one side of the point,
    /// a sign other than a leading `-`, an exponent, a separator…).
    Shape,
    /// Too large or too precise for a decimal kept exactly.
    Inexact,
}

/// Whether `s` is written `-?D+(.D+)?`: ASCII digits with an optional sign
/// and a point with digits on both sides, as in JSON and in a policy. `5.`,
/// `.5`, `+5`, `1_000` and `1e3` are not (JSON numbers may have exponents;
/// strings may not).
pub fn plain_decimal(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    match t.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(t),
    }
}

/// Reads a number written `-?D+(.D+)?` ([`plain_decimal`]) exactly: the
/// number of a policy (`12.5`; its `-` is an operator there) and of a facts
/// string or CSV cell (`"12.5"`).
pub fn decimal(s: &str) -> Result<Decimal, NumberError> {
    if !plain_decimal(s) {
        return Err(NumberError::Shape);
    }
    Decimal::from_str_exact(s).map_err(|_| NumberError::Inexact)
}

/// The fraction a percentage `n%` is (`5.5%` is 0.055), exactly; `None` if
/// the quotient is not exact (`0.0000000000000000000000000001%`).
pub fn percent(n: Decimal) -> Option<Decimal> {
    n.checked_div(Decimal::ONE_HUNDRED)
        .filter(|q| q.checked_mul(Decimal::ONE_HUNDRED) == Some(n))
}

/// The number `n 万` is (ten thousand times `n`), exactly; `None` if it does
/// not fit.
pub fn wan(n: Decimal) -> Option<Decimal> {
    n.checked_mul(Decimal::from(10_000))
}

/// The dimension of a unit written after a number, as a policy writes it:
/// one unit or none, then `/unit` any number of times (`元`, `元/人/月`,
/// `元/月/人`, `个月`); `None` if it is not one.
pub fn unit_dim(s: &str) -> Option<Dim> {
    let mut pieces = s.split('/');
    let num = pieces.next()?;
    let mut d = if num.is_empty() {
        Dim::NONE
    } else {
        Dim::of(Unit::parse(num)?)
    };
    for p in pieces {
        d = d.per(Dim::of(Unit::parse(p)?))?;
    }
    Some(d)
}

/// Reads a date literal, `YYYY-MM-DD`: four digits for the year, two for the
/// month and two for the day, a day that exists in the calendar, and nothing
/// else (no sign, no fifth digit, no spaces). On failure, the reason.
pub fn date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return Err(
            "a date has four digits for the year and two each for the month and day".into(),
        );
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return Err(
            "a date has four digits for the year and two each for the month and day".into(),
        );
    };
    if !(1..=12).contains(&m) {
        return Err(format!("there is no month {m}"));
    }
    i32::try_from(y)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| format!("month {m} of {y} has no day {d}"))
}

/// Parses a date written `YYYY-MM-DD` (see [`date`]), as the parser, the facts
/// reader and the command line do.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    date(s).ok()
}

/// The text of a text block (`"""…"""`) as the IR keeps it. Three layout
/// conventions of the policy file are removed, and nothing else:
///
/// - spaces, tabs and carriage returns at the ends of lines (`policyc fmt`
///   removes them too);
/// - the blank first and last lines (the lines of the fences);
/// - the indentation common to the lines (spaces and tabs).
///
/// Every other character is the law's and is kept: ideographic spaces
/// (U+3000) at the start or end of a line, a line of them alone, full-width
/// punctuation. `check` uses it for the IR and `fmt` to compare a file with
/// its formatted form.
pub fn text_block(raw: &str) -> String {
    let lines: Vec<&str> = raw
        .split('\n')
        .map(|l| l.trim_end_matches([' ', '\t', '\r']))
        .collect();
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |i| i + 1);
    let body = lines.get(start..end).unwrap_or(&[]);
    let indent = body
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    body.iter()
        .map(|l| l.get(indent..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_yyyy_mm_dd() {
        assert!(date("2020-07-01").is_ok());
        assert!(date("2020-02-29").is_ok());
        for bad in [
            "02020-7-1",
            "2020-7-1",
            "2020-07-1",
            "2020-07-01x",
            "+2020-07-01",
            "-2020-07-01",
            " 2020-07-01",
            "2020/07/01",
            "20200701",
            "2020-07-01 ",
            "",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
        assert_eq!(date("2020-13-01").unwrap_err(), "there is no month 13");
        assert_eq!(
            date("2021-02-29").unwrap_err(),
            "month 2 of 2021 has no day 29"
        );
        assert_eq!(date("2020-00-10").unwrap_err(), "there is no month 0");
    }

    #[test]
    fn numbers_percents_and_wan_exactly() {
        assert_eq!(decimal("12.5"), Ok(Decimal::new(125, 1)));
        assert_eq!(decimal("-0"), Ok(Decimal::ZERO));
        assert_eq!(decimal("00012"), Ok(Decimal::from(12)));
        for bad in [
            "5.", ".5", "+5", "1e3", "1_000", "1.2.3", "1..2", "", "-", "１２", " 1",
        ] {
            assert_eq!(decimal(bad), Err(NumberError::Shape), "{bad}");
        }
        assert_eq!(
            decimal("79228162514264337593543950336"),
            Err(NumberError::Inexact)
        );
        assert_eq!(percent(Decimal::new(55, 1)), Some(Decimal::new(55, 3)));
        assert_eq!(percent(Decimal::new(1, 28)), None);
        assert_eq!(wan(Decimal::new(48, 1)), Some(Decimal::from(48_000)));
        assert_eq!(wan(Decimal::MAX), None);
        assert_eq!(unit_dim("元/月/人"), unit_dim("元/人/月"));
        assert!(unit_dim("元/人/月").is_some());
        assert_eq!(unit_dim("元·月"), None);
        assert_eq!(unit_dim(""), Some(Dim::NONE));
    }

    #[test]
    fn text_blocks_lose_layout_only() {
        assert_eq!(text_block("\n    甲，乙\n      丙\n  "), "甲，乙\n  丙");
        assert_eq!(text_block("一行"), "一行");
        // ideographic spaces are the law's: kept at both ends of a line
        assert_eq!(
            text_block("\n  　　甲。　\n  乙　　 \t\r\n  "),
            "　　甲。　\n乙　　"
        );
        assert_eq!(text_block("\r\n  甲\r\n\r\n  　\r\n  "), "甲\n\n　");
        assert_eq!(text_block("  \n \t \n"), "");
    }

    #[test]
    fn text_blocks_lose_fence_lines_and_indentation_only() {
        assert_eq!(text_block("\n    甲，乙\n      丙\n  "), "甲，乙\n  丙");
        assert_eq!(text_block("一行"), "一行");
    }
}
