//! Literals read in one place, whoever reads them: the parser (policy text),
//! the facts reader (`"2020-07-01"` in a facts file) and the command line
//! (`--date`). Each is accepted in exactly one form.

use chrono::NaiveDate;

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
}
