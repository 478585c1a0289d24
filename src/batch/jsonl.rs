//! A fast scanner for the usual JSONL facts record:
//! `{"entity": "企业", "id": "…", "facts": {"规模": "小型", "裁员率": "3%", …}}`.
//!
//! It reads the keys and scalar values of one line, as bytes, without building
//! a JSON tree. It accepts a strict subset of JSON (no escapes in strings, no
//! nested values inside `facts`, no repeated key); anything else — and every
//! record it finds a problem with — goes to the general path (`serde_json`
//! and [`crate::eval::Facts`]), whose verdict and messages are the reference.
//!
//! The line is not checked as UTF-8 as a whole (that check costs more than the
//! scan on text with many Chinese characters): a record the scanner takes is
//! made only of ASCII punctuation, numbers and literals, keys equal byte for
//! byte to field names (valid UTF-8), and strings each checked on their own;
//! so it is valid UTF-8. A string that is not falls to the general path, which
//! checks the whole line and reports the error.

use std::collections::HashMap;

use crate::eval::Scalar;

/// A record's `id`, as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IdTok<'a> {
    /// A string's contents.
    Str(&'a str),
    /// A number's digits.
    Num(&'a str),
}

/// What the scanner made of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan<'a> {
    /// The simple shape, describing the entity of the [`Fields`] given: its
    /// `id`, if any, and where its line ends (at a line break, or the end of
    /// the text); the facts are in the list given.
    Done(Option<IdTok<'a>>, usize),
    /// The record names another entity (this name): scan it again with that
    /// entity's fields.
    Other(&'a str),
    /// Not of the simple shape: use the general path.
    No,
}

/// An entity's field names, as the scanner matches keys against them.
pub(crate) struct Fields<'n> {
    entity: &'n [u8],
    /// Per field: its name, when a key without escapes can spell it.
    names: Vec<Option<&'n [u8]>>,
    /// Per field: whether its value is wanted (else it is only checked as JSON).
    keep: Vec<bool>,
    lookup: &'n HashMap<&'n str, usize>,
}

impl<'n> Fields<'n> {
    /// The fields of `entity`, in slot order (`names`); `keep` says which
    /// values are wanted (missing: wanted); `lookup` maps each name to its slot.
    pub(crate) fn new(
        entity: &'n str,
        names: impl Iterator<Item = &'n str>,
        keep: &[bool],
        lookup: &'n HashMap<&'n str, usize>,
    ) -> Self {
        let names: Vec<Option<&'n [u8]>> = names
            .map(|n| {
                let plain = n.bytes().all(|c| c >= 0x20 && c != b'"' && c != b'\\');
                plain.then_some(n.as_bytes())
            })
            .collect();
        let keep = (0..names.len())
            .map(|i| keep.get(i).copied().unwrap_or(true))
            .collect();
        Fields {
            entity: entity.as_bytes(),
            names,
            keep,
            lookup,
        }
    }

    /// The slot of the key whose text is `k`, looking first at the `next`
    /// few fields (facts usually come in the schema's order) and hashing last.
    #[inline]
    fn slot(&self, k: &[u8], next: usize) -> Option<usize> {
        if let Some(rest) = self.names.get(next..) {
            if let Some(i) = rest.iter().take(4).position(|n| *n == Some(k)) {
                return Some(next + i);
            }
        }
        let k = std::str::from_utf8(k).ok()?;
        self.lookup.get(k).copied()
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The bytes of `v` that are zero have their high bit set, and no byte below
/// the first zero byte has (bytes above it may).
#[inline]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(LO) & !v & HI
}

/// The bytes of `x` that end a plain string — `"`, `\` or a control
/// character — have their high bit set; exact up to the first one.
#[inline]
fn string_stops(x: u64) -> u64 {
    zero_bytes(x ^ (LO * u64::from(b'"')))
        | zero_bytes(x ^ (LO * u64::from(b'\\')))
        | (x.wrapping_sub(LO * 0x20) & !x & HI)
}

/// The first byte at or after `i` that ends a plain string, 8 bytes at a time.
#[inline]
fn string_stop(b: &[u8], mut i: usize) -> Option<usize> {
    while let Some(w) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(<[u8; 8]>::try_from(w).ok()?);
        let m = string_stops(x);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    while let Some(c) = b.get(i) {
        if *c == b'"' || *c == b'\\' || *c < 0x20 {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Whether `a` and `b` are the same bytes, 8 at a time (for keys, which are
/// short: cheaper than a call to `memcmp`).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let word = |s: &[u8], i: usize| {
        s.get(i..i + 8)
            .and_then(|x| <[u8; 8]>::try_from(x).ok())
            .map(u64::from_le_bytes)
    };
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    // the last 8 bytes, overlapping the words before
    word(a, n - 8) == word(b, n - 8)
}

/// How many of the 8 bytes `w` are ASCII digits before the first that is not.
#[inline]
fn leading_digits(w: &[u8]) -> Option<usize> {
    let x = u64::from_le_bytes(<[u8; 8]>::try_from(w).ok()?);
    // per byte, without carries between bytes: the high bit of `ge` is set
    // when the low 7 bits are at least b'0', that of `gt` when they are more
    // than b'9'; a digit also has its own high bit clear
    let ge = (x | HI).wrapping_sub(LO * u64::from(b'0'));
    let gt = (x & !HI).wrapping_add(LO * (0x80 - u64::from(b'9') - 1));
    let digits = ge & !gt & !x & HI;
    Some(((!digits & HI).trailing_zeros() / 8) as usize)
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> P<'a> {
    #[inline(always)]
    fn ws(&mut self) {
        // usually none: one comparison (whitespace is at most b' ')
        if self.b.get(self.i).is_some_and(|c| *c > b' ') {
            return;
        }
        // not a line break: the record ends at the first one
        while let Some(c) = self.b.get(self.i) {
            if matches!(c, b' ' | b'\t' | b'\r') {
                self.i += 1;
            } else {
                break;
            }
        }
    }

    #[inline]
    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Some(())
        } else {
            None
        }
    }

    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    /// A string without escapes or control characters, as bytes (not
    /// checked as UTF-8).
    #[inline]
    fn raw_string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let end = string_stop(self.b, start)?;
        if self.b.get(end) != Some(&b'"') {
            return None;
        }
        self.i = end + 1;
        self.b.get(start..end)
    }

    /// A string without escapes or control characters.
    #[inline]
    fn string(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.raw_string()?).ok()
    }

    /// A key of the facts object, which is `name` when its text is exactly
    /// `name`'s.
    #[inline]
    fn key_is(&mut self, name: &[u8]) -> bool {
        self.ws();
        let at = self.i + 1;
        let end = at + name.len();
        let hit = self.b.get(end) == Some(&b'"')
            && self.b.get(self.i) == Some(&b'"')
            && self.b.get(at..end).is_some_and(|k| same(k, name));
        if hit {
            self.i = end + 1;
        }
        hit
    }

    /// A number, checked against JSON's grammar.
    #[inline]
    fn number(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.number_bytes()?).ok()
    }

    /// A number, checked against JSON's grammar, as bytes (ASCII).
    #[inline]
    fn number_bytes(&mut self) -> Option<&'a [u8]> {
        self.ws();
        let start = self.i;
        // usually a few digits and no more: counted 8 bytes at once
        if let Some(n) = self.b.get(start..start + 8).and_then(leading_digits) {
            let first = self.b.get(start).copied();
            let after = self.b.get(start + n).copied();
            if n > 0
                && n < 8
                && (first != Some(b'0') || n == 1)
                && !matches!(after, Some(b'.' | b'e' | b'E'))
            {
                self.i = start + n;
                return self.b.get(start..self.i);
            }
        }
        let digit = |p: &Self| p.b.get(p.i).is_some_and(u8::is_ascii_digit);
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while digit(self) {
                    self.i += 1;
                }
            }
            _ => return None,
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !digit(self) {
                return None;
            }
            while digit(self) {
                self.i += 1;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digit(self) {
                return None;
            }
            while digit(self) {
                self.i += 1;
            }
        }
        self.b.get(start..self.i)
    }

    #[inline]
    fn word(&mut self, w: &[u8]) -> Option<()> {
        self.ws();
        if self.b.get(self.i..self.i + w.len())? == w {
            self.i += w.len();
            Some(())
        } else {
            None
        }
    }

    // inlined: returned through memory, the value is loaded before its
    // parts are stored (a stalled store forwarding)
    #[inline(always)]
    fn scalar(&mut self) -> Option<Scalar<'a>> {
        Some(match self.peek()? {
            b'"' => Scalar::Str(self.string()?),
            b't' => {
                self.word(b"true")?;
                Scalar::Bool(true)
            }
            b'f' => {
                self.word(b"false")?;
                Scalar::Bool(false)
            }
            b'n' => {
                self.word(b"null")?;
                Scalar::Null
            }
            _ => Scalar::Number(self.number()?),
        })
    }

    /// A scalar whose value is not wanted: only checked.
    #[inline]
    fn skip_scalar(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                let s = self.raw_string()?;
                if !s.is_ascii() {
                    std::str::from_utf8(s).ok()?;
                }
                Some(())
            }
            b't' => self.word(b"true"),
            b'f' => self.word(b"false"),
            b'n' => self.word(b"null"),
            _ => self.number_bytes().map(|_| ()),
        }
    }

    /// The entries of a non-empty facts object after its `{`, matched
    /// against `fields`: the wanted ones pushed to `facts`, each key marked
    /// in `seen`. `None` for an unknown or repeated key (the general path
    /// says which value counts), or a value that is not a scalar.
    fn entries(
        &mut self,
        fields: &Fields<'_>,
        facts: &mut Vec<(usize, Scalar<'a>)>,
        seen: &mut [u64],
    ) -> Option<()> {
        // keys usually come in the schema's order: a key is first compared
        // with the field after the last one
        let mut next = 0usize;
        loop {
            let slot = match fields.names.get(next) {
                Some(Some(name)) if self.key_is(name) => next,
                _ => {
                    let k = self.raw_string()?;
                    fields.slot(k, next)?
                }
            };
            let word = seen.get_mut(slot / 64)?;
            let bit = 1u64 << (slot % 64);
            if *word & bit != 0 {
                return None;
            }
            *word |= bit;
            next = slot + 1;
            self.eat(b':')?;
            if fields.keep.get(slot).copied().unwrap_or(true) {
                facts.push((slot, self.scalar()?));
            } else {
                self.skip_scalar()?;
            }
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// Scans the record at the start of `text`, which runs to the first line
/// break or the end, against the fields of the entity expected. Fills `facts`
/// with the wanted facts (slot and value) in order, using `seen` to find
/// repeated keys; see [`Scan`].
pub(crate) fn scan<'a>(
    text: &'a [u8],
    fields: &Fields<'_>,
    facts: &mut Vec<(usize, Scalar<'a>)>,
    seen: &mut Vec<u64>,
) -> Scan<'a> {
    facts.clear();
    seen.clear();
    seen.resize(fields.names.len().div_ceil(64), 0);
    scan_top(text, fields, facts, seen).unwrap_or(Scan::No)
}

fn scan_top<'a>(
    line: &'a [u8],
    fields: &Fields<'_>,
    facts: &mut Vec<(usize, Scalar<'a>)>,
    seen: &mut [u64],
) -> Option<Scan<'a>> {
    let mut p = P { b: line, i: 0 };
    let mut id = None;
    let (mut seen_entity, mut seen_id, mut seen_facts) = (false, false, false);
    p.eat(b'{')?;
    if p.peek()? == b'}' {
        return None;
    }
    loop {
        let key = p.raw_string()?;
        p.eat(b':')?;
        match key {
            b"entity" if !seen_entity => {
                seen_entity = true;
                let name = p.raw_string()?;
                if name != fields.entity {
                    return std::str::from_utf8(name).ok().map(Scan::Other);
                }
            }
            b"id" if !seen_id => {
                seen_id = true;
                id = match p.scalar()? {
                    Scalar::Str(s) => Some(IdTok::Str(s)),
                    Scalar::Number(n) => Some(IdTok::Num(n)),
                    _ => return None,
                };
            }
            b"facts" if !seen_facts => {
                seen_facts = true;
                match p.peek()? {
                    b'n' => p.word(b"null")?,
                    _ => {
                        p.eat(b'{')?;
                        if p.peek()? == b'}' {
                            p.i += 1;
                        } else {
                            p.entries(fields, facts, seen)?;
                        }
                    }
                }
            }
            _ => return None,
        }
        match p.peek()? {
            b',' => p.i += 1,
            b'}' => {
                p.i += 1;
                break;
            }
            _ => return None,
        }
    }
    p.ws();
    match p.b.get(p.i) {
        None | Some(b'\n') if seen_entity => Some(Scan::Done(id, p.i)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 5] = ["规模", "人数", "ok", "x", "a"];

    fn lookup() -> HashMap<&'static str, usize> {
        NAMES.iter().enumerate().map(|(i, n)| (*n, i)).collect()
    }

    fn scan_all<'a>(
        line: &'a str,
        keep: &[bool],
        facts: &mut Vec<(usize, Scalar<'a>)>,
    ) -> Scan<'a> {
        let l = lookup();
        let fields = Fields::new("企业", NAMES.iter().copied(), keep, &l);
        scan(line.as_bytes(), &fields, facts, &mut Vec::new())
    }

    fn show(f: &[(usize, Scalar<'_>)]) -> String {
        format!("{f:?}")
    }

    #[test]
    fn scans_the_usual_shape() {
        let mut f = Vec::new();
        let line =
            r#"{"entity":"企业","id":"a-1","facts":{"规模":"小型","人数":12,"ok":true,"x":null}}"#;
        assert_eq!(
            scan_all(line, &[], &mut f),
            Scan::Done(Some(IdTok::Str("a-1")), line.len())
        );
        assert_eq!(
            show(&f),
            r#"[(0, Str("小型")), (1, Number("12")), (2, Bool(true)), (3, Null)]"#
        );
        let line = r#"{"entity":"企业","id":17,"facts":{"a":-1.5e3,"人数":0.25E+2,"ok":false}}"#;
        assert_eq!(
            scan_all(line, &[], &mut f),
            Scan::Done(Some(IdTok::Num("17")), line.len())
        );
        assert_eq!(
            show(&f),
            r#"[(4, Number("-1.5e3")), (1, Number("0.25E+2")), (2, Bool(false))]"#
        );
    }

    #[test]
    fn reads_keys_in_any_order_and_skips_unwanted_values() {
        let mut f = Vec::new();
        let line = r#"{"facts":{"x":1,"规模":"中型","a":"2020-01-01","人数":3},"entity":"企业"}"#;
        assert_eq!(scan_all(line, &[], &mut f), Scan::Done(None, line.len()));
        let slots: Vec<usize> = f.iter().map(|(s, _)| *s).collect();
        assert_eq!(slots, vec![3, 0, 4, 1]);
        // the values not wanted are checked, not kept
        let keep = [true, false, true, false, true];
        assert_eq!(scan_all(line, &keep, &mut f), Scan::Done(None, line.len()));
        let slots: Vec<usize> = f.iter().map(|(s, _)| *s).collect();
        assert_eq!(slots, vec![0, 4]);
        let bad = r#"{"entity":"企业","facts":{"人数":1,"ok":[1]}}"#;
        assert_eq!(scan_all(bad, &keep, &mut f), Scan::No);
    }

    #[test]
    fn strings_of_every_length_end_at_the_right_byte() {
        for n in 0..40 {
            let mut f = Vec::new();
            let v = "é".repeat(n) + &"x".repeat(n % 9);
            let line = format!(r#"{{"entity":"企业","facts":{{"规模":"{v}","人数":1}}}}"#);
            assert_eq!(
                scan_all(&line, &[], &mut f),
                Scan::Done(None, line.len()),
                "{line}"
            );
            assert_eq!(
                show(f.get(..1).unwrap_or(&[])),
                show(&[(0, Scalar::Str(&v))])
            );
            // the same string as the last bytes of the line
            let line = format!(r#"{{"entity":"企业","id":"{v}"}}"#);
            assert_eq!(
                scan_all(&line, &[], &mut f),
                Scan::Done(Some(IdTok::Str(v.as_str())), line.len())
            );
            // an escape or a control character anywhere in it
            for bad in ["\\n", "\\\"", "\\u4e1a", "\t", "\u{1}"] {
                for at in [0, v.len() / 2, v.len()] {
                    if !v.is_char_boundary(at) {
                        continue;
                    }
                    let (a, b) = v.split_at(at);
                    let line = format!(r#"{{"entity":"企业","facts":{{"规模":"{a}{bad}{b}"}}}}"#);
                    assert_eq!(scan_all(&line, &[], &mut Vec::new()), Scan::No, "{line}");
                }
            }
        }
    }

    #[test]
    fn names_another_entity() {
        let mut f = Vec::new();
        let line = r#"{"entity":"个人","facts":{"年龄":30}}"#;
        assert_eq!(scan_all(line, &[], &mut f), Scan::Other("个人"));
        let line = r#"{"entity":"企","facts":{}}"#;
        assert_eq!(scan_all(line, &[], &mut f), Scan::Other("企"));
    }

    #[test]
    fn leaves_the_unusual_to_the_general_path() {
        let mut f = Vec::new();
        for line in [
            r#"{"entity":"企业","facts":{"a":[1]}}"#,
            r#"{"entity":"企业","facts":{"a":{"b":1}}}"#,
            r#"{"entity":"企\u4e1a","facts":{}}"#,
            r#"{"entity":"企业","facts":{"\u89c4\u6a21":"小型"}}"#,
            r#"{"entity":"企业","facts":{"a":"x\"y"}}"#,
            r#"{"entity":"企业","facts":{"a":01}}"#,
            r#"{"entity":"企业","facts":{"a":1.}}"#,
            r#"{"entity":"企业","facts":{"a":1e}}"#,
            r#"{"entity":"企业","facts":{"a":+1}}"#,
            r#"{"entity":"企业","facts":{"a":tru}}"#,
            r#"{"entity":"企业","facts":{"a":1,}}"#,
            r#"{"entity":"企业","facts":{"unknown":1}}"#,
            r#"{"entity":"企业","facts":{"规":1}}"#,
            r#"{"entity":"企业","facts":{"规模x":1}}"#,
            // a repeated key: the general path says which value counts
            r#"{"entity":"企业","facts":{"规模":"小型","人数":1,"规模":null}}"#,
            r#"{"entity":"企业","facts":{"a":1,"a":2}}"#,
            r#"{"entity":"企业","facts":{"人数":1},"facts":{}}"#,
            r#"{"entity":"企业","extra":1}"#,
            r#"{"entity":"企业","entity":"企业"}"#,
            r#"{"entity":"企业","id":true}"#,
            r#"{"entity":"企业","id":[1]}"#,
            r#"{"entity":"企业"} x"#,
            r#"{"entity":"企业""#,
            r#"{"entity":"企业","facts":{"人数":1}"#,
            r#"{"id":"a","facts":{}}"#,
            r#"{"entity":1}"#,
            r#"{}"#,
            r#"[]"#,
            "",
        ] {
            assert_eq!(scan_all(line, &[], &mut f), Scan::No, "{line}");
        }
        let line = r#" { "entity" : "企业" , "facts" : { } } "#;
        assert_eq!(scan_all(line, &[], &mut f), Scan::Done(None, line.len()));
        let line = "{\r\t\"entity\":\t\"企业\",\"facts\": { \"人数\" : 1 ,\"ok\" :true } }\r";
        assert_eq!(scan_all(line, &[], &mut f), Scan::Done(None, line.len()));
        assert_eq!(show(&f), r#"[(1, Number("1")), (2, Bool(true))]"#);
        let line = r#"{"entity":"企业","facts":null}"#;
        assert_eq!(scan_all(line, &[], &mut f), Scan::Done(None, line.len()));
    }

    #[test]
    fn ends_at_the_first_line_break() {
        let mut f = Vec::new();
        let one = r#"{"entity":"企业","facts":{"人数":1}}"#;
        let text = format!("{one}\n{one}\n");
        assert_eq!(scan_all(&text, &[], &mut f), Scan::Done(None, one.len()));
        let text = format!("{one} \r\n{one}");
        assert_eq!(
            scan_all(&text, &[], &mut f),
            Scan::Done(None, one.len() + 2)
        );
        // a line break inside the record cuts it
        for cut in [
            "{\n\"entity\":\"企业\"}",
            "{\"entity\":\"企业\",\"facts\":{\"人数\":\n1}}",
            "{\"entity\":\"企业\",\"facts\":{\"人数\":1}\n}",
        ] {
            assert_eq!(scan_all(cut, &[], &mut f), Scan::No, "{cut}");
        }
    }

    #[test]
    fn reads_numbers_as_json_does() {
        for (n, ok) in [
            ("0", true),
            ("7", true),
            ("1234567", true),
            ("12345678", true),
            ("123456789012", true),
            ("-0", true),
            ("-12", true),
            ("0.5", true),
            ("10.25", true),
            ("1e5", true),
            ("1E+5", true),
            ("2.5e-3", true),
            ("1234567.5", true),
            ("00", false),
            ("01", false),
            ("0123456789", false),
            ("-", false),
            ("-a", false),
            ("+1", false),
            (".5", false),
            ("1.", false),
            ("1.e5", false),
            ("1e", false),
            ("1e+", false),
            ("1x", false),
            ("0x10", false),
            ("1_000", false),
        ] {
            // last in the object, in the middle, and at the end of the text
            for line in [
                format!(r#"{{"entity":"企业","facts":{{"人数":{n}}}}}"#),
                format!(r#"{{"entity":"企业","facts":{{"人数":{n},"ok":true}}}}"#),
                format!(r#"{{"entity":"企业","id":{n}}}"#),
            ] {
                let mut f = Vec::new();
                let got = scan_all(&line, &[], &mut f);
                assert_eq!(matches!(got, Scan::Done(..)), ok, "{line}");
                if ok && line.contains("facts") {
                    assert_eq!(
                        show(f.get(..1).unwrap_or(&[])),
                        format!(r#"[(1, Number("{n}"))]"#)
                    );
                }
            }
            // a value not wanted is checked the same way
            let line = format!(r#"{{"entity":"企业","facts":{{"人数":{n},"ok":true}}}}"#);
            let got = scan_all(&line, &[true, false], &mut Vec::new());
            assert_eq!(matches!(got, Scan::Done(..)), ok, "{line}");
        }
    }

    #[test]
    fn leaves_invalid_utf8_to_the_general_path() {
        let mut f = Vec::new();
        let l = lookup();
        let fields = Fields::new("企业", NAMES.iter().copied(), &[], &l);
        let good = r#"{"entity":"企业","id":"x","facts":{"规模":"小型","人数":1}}"#;
        assert_eq!(
            scan(good.as_bytes(), &fields, &mut f, &mut Vec::new()),
            Scan::Done(Some(IdTok::Str("x")), good.len())
        );
        // a byte that cannot start a character, in each string of the line
        let bytes = good.as_bytes();
        for (i, c) in bytes.iter().enumerate() {
            if *c != b'"' || i + 1 >= bytes.len() {
                continue;
            }
            let mut bad = bytes.to_vec();
            bad.insert(i + 1, 0xff);
            let mut f = Vec::new();
            assert_eq!(
                scan(&bad, &fields, &mut f, &mut Vec::new()),
                Scan::No,
                "{i}"
            );
        }
        // half a character
        let cut = r#"{"entity":"企业","facts":{"规模":"小"#.as_bytes();
        let mut bad = cut[..cut.len() - 1].to_vec();
        bad.extend_from_slice(r#"","人数":1}}"#.as_bytes());
        assert_eq!(scan(&bad, &fields, &mut f, &mut Vec::new()), Scan::No);
    }
}
